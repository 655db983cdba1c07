/**
 * Information-theoretic estimators, every result in bits.
 *
 * <ul>
 *   <li>{@link dev.fivefold.info.Discrete}: entropies, divergences and mutual information of int
 *       labels, counts and probability vectors (plug-in and Miller–Madow).
 *   <li>{@link dev.fivefold.info.Binning}: activations {@code [n, d]} to discrete labels by
 *       fixed-width or equal-mass bins, then any {@code Discrete} estimator.
 *   <li>{@link dev.fivefold.info.KdeBound}: the pairwise-distance bounds of Kolchinsky &amp; Tracey
 *       (2017) for a layer with additive Gaussian noise, as used by Saxe et al. (2018).
 *   <li>{@link dev.fivefold.info.Ksg}: the Kraskov–Stögbauer–Grassberger k-nearest-neighbour
 *       mutual information (algorithm 1).
 *   <li>{@link dev.fivefold.info.Gaussian}: the closed form for jointly Gaussian vectors.
 * </ul>
 *
 * <p>Bad input (empty samples, mismatched sample counts, NaN, invalid probabilities, bins &lt; 2,
 * k &ge; n) throws {@link java.lang.IllegalArgumentException} naming the argument and its value.
 */
package dev.fivefold.info;
