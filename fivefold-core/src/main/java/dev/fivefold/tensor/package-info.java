/** {@link dev.fivefold.tensor.Tensor} and {@link dev.fivefold.tensor.Shape}: float32, contiguous, row-major; the seedable {@link dev.fivefold.tensor.Rng}. */
package dev.fivefold.tensor;
