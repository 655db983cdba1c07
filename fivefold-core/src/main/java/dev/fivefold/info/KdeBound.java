package dev.fivefold.info;

import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Parallel;

/**
 * Pairwise-distance bounds on mutual information for a layer with additive Gaussian noise, after
 * Kolchinsky &amp; Tracey (2017, "Estimating mixture entropy with pairwise distances", Entropy 19,
 * 361) as used by Saxe et al. (2018, "On the information bottleneck theory of deep learning", ICLR,
 * section 2 and appendix C). In bits.
 *
 * <p>Model: the layer's noiseless activations are the n samples {@code h_i} ({@code [n, d]}), the
 * observed layer is {@code T = h + N(0, σ² I)}, and X is uniform over the n samples. T is then a
 * mixture of n Gaussians with equal weights, and since {@code H(T|X) = d/2 · log(2πeσ²)},
 * {@code I(X;T) = H(T) - H(T|X)}. Bounding the mixture entropy by pairwise divergences gives
 *
 * <pre>
 *   upper:  I(X;T) ≤ -(1/n) Σ_i log2 (1/n) Σ_j exp(-||h_i - h_j||² / (2σ²))   (KL divergence)
 *   lower:  I(X;T) ≥ -(1/n) Σ_i log2 (1/n) Σ_j exp(-||h_i - h_j||² / (8σ²))   (Bhattacharyya)
 * </pre>
 *
 * Both lie in {@code [0, log2 n]}. The bounds are tight when the components are well separated or
 * fully overlapping; for densely sampled continuous activations they differ from the MI of the
 * continuous channel: for scalar {@code h ~ N(0, s²)} and n → ∞ the upper bound exceeds {@code ½
 * log2(1 + s²/σ²)} by {@code s²/(2(s²+σ²) ln 2)} bits (at most ½ nat per dimension). Each bound is
 * computed in O(n² d) with per-sample log-sum-exp terms in parallel ({@link Parallel#forRange}),
 * summed in index order, so results do not depend on the thread count.
 */
public final class KdeBound {
  private KdeBound() {}

  /**
   * Upper bound on {@code I(X;T)} (pairwise KL form of Kolchinsky &amp; Tracey; the estimator of Saxe et
   * al.) for activations {@code h [n, d]} and noise variance σ².
   *
   * @throws IllegalArgumentException on empty, ragged or non-finite activations, or a noise variance
   *     that is not finite and &gt; 0
   * @param h the noiseless activations {@code [n][d]}
   * @param noiseVariance σ², &gt; 0
   * @return the upper bound, bits, in [0, log2 n]
   */
  public static double upper(float[][] h, double noiseVariance) {
    Check.dims(h, "h");
    Check.positive(noiseVariance, "noiseVariance");
    return meanNegLogKernel(h, 2 * noiseVariance) / Check.LN2;
  }

  /**
   * Lower bound on {@code I(X;T)} (pairwise Chernoff-α form of Kolchinsky &amp; Tracey with
   * α = ½, i.e. Bhattacharyya: Gaussian components of equal covariance are at Bhattacharyya distance {@code ||Δ||² /
   * (8σ²)}, and the constant terms cancel against {@code H(T|X)}).
   *
   * @throws IllegalArgumentException as for {@link #upper}
   * @param h the noiseless activations {@code [n][d]}
   * @param noiseVariance σ², &gt; 0
   * @return the lower bound, bits, in [0, log2 n]
   */
  public static double lower(float[][] h, double noiseVariance) {
    Check.dims(h, "h");
    Check.positive(noiseVariance, "noiseVariance");
    return meanNegLogKernel(h, 8 * noiseVariance) / Check.LN2;
  }

  /**
   * The class-conditional counterpart for {@code I(T;Y)} (Saxe et al., appendix C): {@code
   * Ĥ(T) - Σ_y p(y) Ĥ(T|Y=y)}, each Ĥ the pairwise-KL upper bound on a mixture entropy, the
   * per-class mixtures formed by the samples with that label. The {@code d/2 log(2πeσ²)} terms
   * cancel, leaving the difference of the {@link #upper} terms. This is an estimate, not a
   * guaranteed bound (a difference of upper bounds); it lies in {@code [0, H(Y)]} up to the looseness
   * of the class-conditional bounds and is clamped at 0.
   *
   * @throws IllegalArgumentException as for {@link #upper}, or if {@code y} is empty or its length
   *     differs from the number of samples
   * @param h the noiseless activations {@code [n][d]}
   * @param y the label of each sample
   * @param noiseVariance σ², &gt; 0
   * @return the estimate of I(T;Y), bits, &ge; 0
   */
  public static double withLabels(float[][] h, int[] y, double noiseVariance) {
    Check.dims(h, "h");
    Check.nonEmpty(y, "y");
    Check.sameLength(h.length, "h", y.length, "y");
    Check.positive(noiseVariance, "noiseVariance");
    int n = h.length;
    int[] cls = Discrete.join(y, new int[n]);
    int k = 0;
    for (int c : cls) k = Math.max(k, c + 1);
    int[] size = new int[k];
    for (int c : cls) size[c]++;
    double conditional = 0;
    for (int c = 0; c < k; c++) {
      float[][] sub = new float[size[c]][];
      int m = 0;
      for (int i = 0; i < n; i++) if (cls[i] == c) sub[m++] = h[i];
      conditional += (double) size[c] / n * meanNegLogKernel(sub, 2 * noiseVariance);
    }
    double all = meanNegLogKernel(h, 2 * noiseVariance);
    return Math.max(0, (all - conditional) / Check.LN2);
  }

  /**
   * {@link #upper(float[][], double)} for a tensor {@code [n, d]}.
   *
   * @param h the noiseless activations {@code [n, d]}
   * @param noiseVariance σ², &gt; 0
   * @return the upper bound, bits
   */
  public static double upper(Tensor h, double noiseVariance) {
    return upper(Check.rows(h, "h"), noiseVariance);
  }

  /**
   * {@link #lower(float[][], double)} for a tensor {@code [n, d]}.
   *
   * @param h the noiseless activations {@code [n, d]}
   * @param noiseVariance σ², &gt; 0
   * @return the lower bound, bits
   */
  public static double lower(Tensor h, double noiseVariance) {
    return lower(Check.rows(h, "h"), noiseVariance);
  }

  /**
   * {@link #withLabels(float[][], int[], double)} for a tensor {@code [n, d]}.
   *
   * @param h the noiseless activations {@code [n, d]}
   * @param y the label of each sample
   * @param noiseVariance σ², &gt; 0
   * @return the estimate of I(T;Y), bits
   */
  public static double withLabels(Tensor h, int[] y, double noiseVariance) {
    return withLabels(Check.rows(h, "h"), y, noiseVariance);
  }

  /** {@code -(1/n) Σ_i ln((1/n) Σ_j exp(-||h_i - h_j||² / scale))} in nats. */
  private static double meanNegLogKernel(float[][] h, double scale) {
    int n = h.length, d = h[0].length;
    double[] term = new double[n];
    Parallel.forRange(0, n, 16, (lo, hi) -> {
      for (int i = lo; i < hi; i++) {
        // log-sum-exp over j; the j = i term is exp(0) = 1, so the max exponent is 0
        double s = 0;
        for (int j = 0; j < n; j++) {
          double d2 = 0;
          for (int t = 0; t < d; t++) {
            double v = (double) h[i][t] - h[j][t];
            d2 += v * v;
          }
          s += Math.exp(-d2 / scale);
        }
        term[i] = -Math.log(s / n);
      }
    });
    double mean = 0;
    for (double t : term) mean += t;
    return Math.max(0, mean / n);
  }
}
