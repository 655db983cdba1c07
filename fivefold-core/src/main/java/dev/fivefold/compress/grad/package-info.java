/**
 * Gradient compression for data-parallel training: one {@link
 * dev.fivefold.compress.grad.GradientCompressor} interface (a worker's gradient and its own {@link
 * dev.fivefold.compress.grad.WorkerState} to a byte payload; payloads aggregated into the mean
 * estimate), over a {@link dev.fivefold.compress.grad.Layout} of the parameter tensors.
 *
 * <ul>
 *   <li>{@link dev.fivefold.compress.grad.Dense}: float32, the reference.
 *   <li>{@link dev.fivefold.compress.grad.OneBit}: 1-bit SGD with error feedback (Seide et al. 2014), per column or tensor.
 *   <li>{@link dev.fivefold.compress.grad.ScaledSign}: EF-signSGD (Karimireddy et al. 2019).
 *   <li>{@link dev.fivefold.compress.grad.TopK}: top-k with error feedback, and Deep Gradient Compression
 *       (Lin et al. 2018) with its four techniques each switchable; values as float32, halves or signs,
 *       selected per tensor or over the whole model.
 *   <li>{@link dev.fivefold.compress.grad.SharedTopK}: one support for all workers, chosen by a leader in
 *       turn (ScaleCom's cyclic local top-k, Chen et al. 2020), with DGC's momentum correction; two rounds.
 *   <li>{@link dev.fivefold.compress.grad.RandomK}: unbiased random-k (or with error feedback).
 *   <li>{@link dev.fivefold.compress.grad.Qsgd}: QSGD, s stochastic levels per bucket (Alistarh et al. 2017).
 *   <li>{@link dev.fivefold.compress.grad.PowerSgd}: rank-r PowerSGD with error feedback and warm start (Vogels et al. 2019).
 * </ul>
 * {@link dev.fivefold.compress.grad.Compressors#parse} builds each from a spec string (its
 * {@code toString()}), so a remote worker can build the same one. Payload bytes are real: indices,
 * signs and levels are entropy-coded by {@code compress.code} where that is shorter.
 */
package dev.fivefold.compress.grad;
