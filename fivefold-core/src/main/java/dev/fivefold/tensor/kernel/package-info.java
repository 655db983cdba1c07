/**
 * The compute kernels under {@link dev.fivefold.tensor.Tensor}: everything hot, on plain
 * {@code float[]} slices (array, offset, leading dimension), with no allocation in steady state.
 *
 * <ul>
 *   <li>{@link dev.fivefold.tensor.kernel.Gemm}: packed, register-blocked SGEMM (Goto/BLIS) with
 *       the Vector API, all transpose combinations, β, batched;</li>
 *   <li>{@link dev.fivefold.tensor.kernel.VecOps}: element-wise maps, reductions, activations,
 *       row-wise bias/softmax;</li>
 *   <li>{@link dev.fivefold.tensor.kernel.Conv}: im2col/col2im for convolution as GEMM;</li>
 *   <li>{@link dev.fivefold.tensor.kernel.Pool}: max and average pooling (scalar);</li>
 *   <li>{@link dev.fivefold.tensor.kernel.Parallel}: the one concurrency primitive.</li>
 * </ul>
 *
 * <p>Conventions. Every SIMD kernel {@code x} has a scalar reference {@code xScalar} (the
 * oracle its tests compare against). Results are bit-identical whatever
 * {@link dev.fivefold.tensor.kernel.Parallel#threads()}: work is split so that each output element
 * is computed by one thread with a fixed order of operations, and reductions use a fixed
 * lanes-then-tail order. Kernels that "accumulate" add into their output ({@code +=}); the
 * javadoc of each says which. Vector code uses {@code FloatVector.SPECIES_PREFERRED} (16 floats
 * with AVX-512) and needs {@code --add-modules jdk.incubator.vector}.
 */
package dev.fivefold.tensor.kernel;
