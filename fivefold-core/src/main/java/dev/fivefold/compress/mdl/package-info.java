/**
 * Compression as a minimum-description-length problem: the model's code length (the archive) plus
 * the data's code length given the model, learned rather than tuned by hand (issue 23). Every method
 * ends in {@link dev.fivefold.compress.SharedWeights} and the {@code .ffz} archive of
 * {@link dev.fivefold.compress.DeepCompression#archive}, so {@code eval M.ffz} scores it exactly.
 *
 * <ul>
 *   <li>Soft weight-sharing (Ullrich, Meeds &amp; Welling 2017): {@link dev.fivefold.compress.mdl.MixturePrior}
 *       (a Gaussian mixture over all weights with a zero component, learned by empirical Bayes under
 *       Gamma hyper-priors; its log-density and gradients), {@link dev.fivefold.compress.mdl.SoftWeightSharing}
 *       (retraining with the prior, merging, quantisation to the components' means; {@code compress --method sws}).
 * </ul>
 */
package dev.fivefold.compress.mdl;
