/**
 * Model compression: pruning, quantization and weight sharing, sparse inference and the model
 * archive; distillation in {@code compress.distill}. {@link dev.fivefold.compress.QuantizedTensor} is the unit between them.
 *
 * <ul>
 *   <li>Pruning (Han et al. 2015/2016): {@link dev.fivefold.compress.Masks} (keep-masks per
 *       parameter, held during fine-tuning by masked gradients plus re-applying after each step),
 *       {@link dev.fivefold.compress.Pruner} (per-layer quality·std, per-layer and global
 *       sparsity; prepare → step → squash), {@link dev.fivefold.compress.SparsitySchedule} (Zhu
 *       &amp; Gupta's cubic ramp) driving {@link dev.fivefold.compress.GradualPruning},
 *       {@link dev.fivefold.compress.StructuredPruning} (neurons and conv filters by L1 norm),
 *       {@link dev.fivefold.compress.LotteryTicket} (IMP with rewinding, Frankle &amp; Carbin 2019).
 *   <li>Quantization: {@link dev.fivefold.compress.WeightSharing} / {@link dev.fivefold.compress.SharedWeights}
 *       (k-means with linear init, centroid fine-tuning), {@link dev.fivefold.compress.AffineQuantized}
 *       (int8/int4, per tensor or channel), {@link dev.fivefold.compress.QuantAwareTraining}
 *       (straight-through estimator, keeps masks).
 *   <li>Storage and inference: the relative indices with filler entries are the archive's
 *       ({@code dev.fivefold.compress.archive.RelativeIndex}, the one implementation);
 *       {@link dev.fivefold.compress.Inference}: a classifier's one forward run tape-free with its
 *       layers dense or held as CSR ({@code nn.Linear#sparsify}, {@code nn.Conv2d#sparsify}, on the
 *       kernels {@code nn.SparseLinear} and {@code nn.SparseConv2d});
 *       {@link dev.fivefold.compress.SparseInferenceExperiment} (what {@code fivefold sparse} runs).
 *   <li>{@link dev.fivefold.compress.DeepCompression}: prune, retrain, share, fine-tune, archive.
 *   <li>{@link dev.fivefold.compress.LotteryExperiment}: tickets against random re-initialisations.
 *   <li>{@code compress.distill}: distillation (Hinton et al. 2015).
 * </ul>
 */
package dev.fivefold.compress;
