/**
 * Compression as minimum description length: methods that learn which weights the data needs and
 * how precisely, ending in the same {@code .ffz} archive as Deep Compression
 * ({@link dev.fivefold.compress.DeepCompression#archive}), and the two-part code that scores them.
 *
 * <ul>
 *   <li>{@link dev.fivefold.compress.mdl.KlApproximation}: Molchanov et al.'s approximation of the
 *       KL divergence to the log-uniform prior, as a function of log α.
 *   <li>{@link dev.fivefold.compress.mdl.VariationalLayer}: one weight tensor's Gaussian posterior
 *       (per weight, or one log α per output neuron / filter) and its local reparameterisation.
 *   <li>{@link dev.fivefold.compress.mdl.VariationalNet}: the variational forward of an mlp or a
 *       lenet5 from its own parameters.
 *   <li>{@link dev.fivefold.compress.mdl.SparseVariationalDropout}: train the ELBO, prune by log α,
 *       share the kept weights by k-means (Molchanov, Ashukha &amp; Vetrov 2017).
 *   <li>{@link dev.fivefold.compress.mdl.BayesianCompression}: group sparsity and per-layer bit widths
 *       from posterior variances (Louizos, Ullrich &amp; Welling 2017).
 *   <li>{@link dev.fivefold.compress.mdl.DescriptionLength}: model bits (the archive) + data bits
 *       (the test set's code length under the decoded model).
 *   <li>Soft weight-sharing (Ullrich, Meeds &amp; Welling 2017): {@link dev.fivefold.compress.mdl.MixturePrior}
 *       (a Gaussian mixture over all weights with a zero component, learned by empirical Bayes under
 *       Gamma hyper-priors; its log-density and gradients), {@link dev.fivefold.compress.mdl.SoftWeightSharing}
 *       (retraining with the prior, merging, quantisation to the components' means; {@code compress --method sws}).
 *   <li>{@link dev.fivefold.compress.mdl.MethodComparison}: archives of every method decoded and scored as
 *       {@code eval} does, in one table (ratio, kept weights, bits per kept weight, accuracy, two-part code,
 *       training time) with the Pareto front in (bytes, accuracy) and the papers' figures ({@code compress --compare}).
 * </ul>
 */
package dev.fivefold.compress.mdl;
