/**
 * Compressed sensing of weights: a layer stored as {@code m < n} random measurements {@code y = A s}
 * of its coefficients in a basis where they are sparse, and recovered by sparse recovery.
 *
 * <ul>
 *   <li>operators ({@link dev.fivefold.compress.sensing.Measurement}): seeded Gaussian
 *       ({@link dev.fivefold.compress.sensing.GaussianMeasurement}) and the subsampled randomised
 *       Walsh–Hadamard transform ({@link dev.fivefold.compress.sensing.HadamardMeasurement}, fast);
 *   <li>bases ({@link dev.fivefold.compress.sensing.Basis}): identity after magnitude pruning, the
 *       orthonormal 2-D DCT of convolution filters ({@link dev.fivefold.compress.sensing.Dct2});
 *   <li>recovery ({@link dev.fivefold.compress.sensing.SparseRecovery}): OMP
 *       ({@link dev.fivefold.compress.sensing.Omp}) and FISTA ({@link dev.fivefold.compress.sensing.Fista});
 *   <li>a tensor in blocks, as the {@code .ffz} archive stores it ({@link dev.fivefold.compress.sensing.LayerSensing},
 *       {@link dev.fivefold.compress.archive.SensedTensor});
 *   <li>the experiments: accuracy against the measurement ratio beside magnitude pruning at the same
 *       bytes ({@link dev.fivefold.compress.sensing.SensingExperiment}, {@code fivefold sensing}), and
 *       the phase transition on synthetic vectors ({@link dev.fivefold.compress.sensing.PhaseTransition})
 *       against the Donoho–Tanner curve ({@link dev.fivefold.compress.sensing.DonohoTanner}).
 * </ul>
 */
package dev.fivefold.compress.sensing;
