package dev.fivefold.info;

import java.util.HashMap;

/**
 * Entropy, divergences and mutual information of discrete variables, in bits.
 *
 * <p>Three kinds of input: probability vectors {@code double[]} (finite, &ge; 0, summing to 1 within
 * 1e-6), counts {@code long[]} (&ge; 0, positive total), and samples as {@code int[]} labels, one per
 * sample (any int values; only equality matters, so every estimate is invariant under relabelling).
 * Estimates from labels are <em>plug-in</em> (maximum likelihood: frequencies in place of
 * probabilities) unless named otherwise. Convention: {@code 0 log 0 = 0}.
 *
 * <p>Small-sample bias of the plug-in estimators (Miller 1955; Paninski 2003, Neural Computation 15):
 * with N samples and K occupied cells, plug-in entropy underestimates by about {@code (K-1)/(2N ln 2)}
 * bits, and plug-in mutual information overestimates by about {@code (Kx-1)(Ky-1)/(2N ln 2)} bits
 * (nonzero even for independent variables).
 */
public final class Discrete {
  private Discrete() {}

  // ---- entropy ----------------------------------------------------------------------------------

  /**
   * Shannon entropy {@code H(p) = -Σ p_i log2 p_i} of a probability vector (Cover &amp; Thomas,
   * ch. 2). Exact; in {@code [0, log2 K]}.
   *
   * @throws IllegalArgumentException if {@code p} is empty, has a negative, NaN or infinite entry, or
   *     does not sum to 1 within 1e-6
   * @param p a probability vector
   * @return H(p), bits
   */
  public static double entropy(double[] p) {
    Check.probabilities(p, "p");
    double h = 0;
    for (double v : p) if (v > 0) h -= v * Math.log(v);
    return h / Check.LN2;
  }

  /**
   * Plug-in entropy of counts: {@code H = log2 N - (1/N) Σ c_i log2 c_i}. Underestimates the true
   * entropy by about {@code (K-1)/(2N ln 2)} bits for K occupied cells; see {@link
   * #millerMadowFromCounts}.
   *
   * @throws IllegalArgumentException if a count is negative or all are zero
   * @param counts cell counts, &ge; 0, positive total
   * @return the plug-in entropy, bits
   */
  public static double entropyFromCounts(long[] counts) {
    long n = Check.counts(counts, "counts");
    return plugIn(counts, n);
  }

  /**
   * Plug-in entropy of samples given as labels, {@code -Σ (c/N) log2 (c/N)} over the label counts.
   * Biased low by about {@code (K-1)/(2N ln 2)} bits; {@link #millerMadow(int[])} corrects to first
   * order.
   *
   * @throws IllegalArgumentException if {@code labels} is null or empty
   * @param labels one label per sample
   * @return the plug-in entropy, bits
   */
  public static double entropy(int[] labels) {
    Check.nonEmpty(labels, "labels");
    return plugIn(countsOf(labels), labels.length);
  }

  /**
   * Miller–Madow entropy of counts: plug-in plus {@code (K-1)/(2N ln 2)}, K the number of nonzero
   * counts (Miller 1955, "Note on the bias of information estimates"). Removes the first-order bias;
   * still biased low when K is comparable to N, since unseen cells are not counted in K.
   *
   * @throws IllegalArgumentException if a count is negative or all are zero
   * @param counts cell counts, &ge; 0, positive total
   * @return the bias-corrected entropy, bits
   */
  public static double millerMadowFromCounts(long[] counts) {
    long n = Check.counts(counts, "counts");
    int k = 0;
    for (long c : counts) if (c > 0) k++;
    return plugIn(counts, n) + (k - 1) / (2.0 * n * Check.LN2);
  }

  /**
   * Miller–Madow entropy of labels: {@link #entropy(int[])} plus {@code (K-1)/(2N ln 2)}, K the
   * number of distinct labels. See {@link #millerMadowFromCounts}.
   *
   * @throws IllegalArgumentException if {@code labels} is null or empty
   * @param labels one label per sample
   * @return the bias-corrected entropy, bits
   */
  public static double millerMadow(int[] labels) {
    Check.nonEmpty(labels, "labels");
    return millerMadowFromCounts(countsOf(labels));
  }

  /**
   * Plug-in joint entropy {@code H(X,Y)} of paired labels: entropy of the pair {@code (x_i, y_i)}.
   * Biased low by about {@code (Kxy-1)/(2N ln 2)} bits.
   *
   * @throws IllegalArgumentException if either is empty or their lengths differ
   * @param x the first variable's labels
   * @param y the second variable's labels, paired with {@code x}
   * @return H(X,Y), bits
   */
  public static double jointEntropy(int[] x, int[] y) {
    pair(x, "x", y, "y");
    return entropy(join(x, y));
  }

  /**
   * Plug-in conditional entropy {@code H(X|Y) = H(X,Y) - H(Y)} (chain rule, Cover &amp; Thomas ch. 2).
   * Biased low by about {@code (Kxy-Ky)/(2N ln 2)} bits.
   *
   * @throws IllegalArgumentException if either is empty or their lengths differ
   * @param x the variable whose remaining uncertainty is measured
   * @param y the conditioning variable, paired with {@code x}
   * @return H(X|Y), bits, clamped at 0
   */
  public static double conditionalEntropy(int[] x, int[] y) {
    pair(x, "x", y, "y");
    return Math.max(0, entropy(join(x, y)) - entropy(y));
  }

  // ---- divergences ------------------------------------------------------------------------------

  /**
   * Cross-entropy {@code H(p, q) = -Σ p_i log2 q_i = H(p) + KL(p||q)}. {@code +∞} when some
   * {@code q_i = 0} has {@code p_i > 0}.
   *
   * @throws IllegalArgumentException if either is not a probability vector or their lengths differ
   * @param p the true distribution
   * @param q the coding distribution, of the same length
   * @return H(p, q), bits, possibly +∞
   */
  public static double crossEntropy(double[] p, double[] q) {
    distributions(p, q);
    double h = 0;
    for (int i = 0; i < p.length; i++) {
      if (p[i] == 0) continue;
      if (q[i] == 0) return Double.POSITIVE_INFINITY;
      h -= p[i] * Math.log(q[i]);
    }
    return h / Check.LN2;
  }

  /**
   * Kullback–Leibler divergence {@code KL(p||q) = Σ p_i log2(p_i/q_i)} &ge; 0 (Cover &amp; Thomas,
   * ch. 2). {@code +∞} when the support of p is not inside the support of q (some {@code q_i = 0}
   * with {@code p_i > 0}); terms with {@code p_i = 0} are 0. Not symmetric.
   *
   * @throws IllegalArgumentException if either is not a probability vector or their lengths differ
   * @param p the true distribution
   * @param q the reference distribution, of the same length
   * @return KL(p||q), bits, possibly +∞
   */
  public static double klDivergence(double[] p, double[] q) {
    distributions(p, q);
    double d = 0;
    for (int i = 0; i < p.length; i++) {
      if (p[i] == 0) continue;
      if (q[i] == 0) return Double.POSITIVE_INFINITY;
      d += p[i] * Math.log(p[i] / q[i]);
    }
    return Math.max(0, d / Check.LN2);
  }

  /**
   * Jensen–Shannon divergence {@code JS(p,q) = ½KL(p||m) + ½KL(q||m)}, {@code m = (p+q)/2} (Lin 1991,
   * IEEE Trans. Inf. Theory 37). Symmetric, always finite, in {@code [0, 1]} bits; 1 exactly when
   * the supports are disjoint.
   *
   * @throws IllegalArgumentException if either is not a probability vector or their lengths differ
   * @param p one distribution
   * @param q the other, of the same length
   * @return JS(p,q), bits, in [0, 1]
   */
  public static double jsDivergence(double[] p, double[] q) {
    distributions(p, q);
    double d = 0;
    for (int i = 0; i < p.length; i++) {
      double m = 0.5 * (p[i] + q[i]);
      if (p[i] > 0) d += 0.5 * p[i] * Math.log(p[i] / m);
      if (q[i] > 0) d += 0.5 * q[i] * Math.log(q[i] / m);
    }
    return Math.min(1, Math.max(0, d / Check.LN2));
  }

  // ---- mutual information -----------------------------------------------------------------------

  /**
   * Plug-in mutual information {@code I(X;Y) = H(X) + H(Y) - H(X,Y)} of paired labels (Cover &amp;
   * Thomas, ch. 2). Biased high by about {@code (Kx-1)(Ky-1)/(2N ln 2)} bits, so independent
   * variables give a small positive value; clamped at 0.
   *
   * @throws IllegalArgumentException if either is empty or their lengths differ
   * @param x the first variable's labels
   * @param y the second variable's labels, paired with {@code x}
   * @return I(X;Y), bits, &ge; 0
   */
  public static double mutualInformation(int[] x, int[] y) {
    pair(x, "x", y, "y");
    return Math.max(0, entropy(x) + entropy(y) - entropy(join(x, y)));
  }

  /**
   * Mutual information of a joint probability table {@code pxy[i][j] = P(X=i, Y=j)}: {@code Σ pxy
   * log2(pxy / (px py))}. Exact.
   *
   * @throws IllegalArgumentException if the table is empty, ragged, has a negative or non-finite
   *     entry, or does not sum to 1 within 1e-6
   * @param pxy the joint distribution, rows X and columns Y
   * @return I(X;Y), bits, &ge; 0
   */
  public static double mutualInformation(double[][] pxy) {
    if (pxy == null || pxy.length == 0 || pxy[0] == null || pxy[0].length == 0) {
      throw new IllegalArgumentException("pxy (" + (pxy == null ? "null" : "empty") + ") must be a non-empty table");
    }
    int ny = pxy[0].length;
    double[] flat = new double[pxy.length * ny];
    for (int i = 0; i < pxy.length; i++) {
      if (pxy[i] == null || pxy[i].length != ny) {
        throw new IllegalArgumentException("pxy[" + i + "] (length " + (pxy[i] == null ? "null" : pxy[i].length) + ") must have length " + ny);
      }
      System.arraycopy(pxy[i], 0, flat, i * ny, ny);
    }
    Check.probabilities(flat, "pxy");
    double[] px = new double[pxy.length], py = new double[ny];
    for (int i = 0; i < pxy.length; i++) {
      for (int j = 0; j < ny; j++) {
        px[i] += pxy[i][j];
        py[j] += pxy[i][j];
      }
    }
    double mi = 0;
    for (int i = 0; i < pxy.length; i++) {
      for (int j = 0; j < ny; j++) if (pxy[i][j] > 0) mi += pxy[i][j] * Math.log(pxy[i][j] / (px[i] * py[j]));
    }
    return Math.max(0, mi / Check.LN2);
  }

  /**
   * Plug-in conditional mutual information {@code I(X;Y|Z) = H(X,Z) + H(Y,Z) - H(X,Y,Z) - H(Z)}
   * (Cover &amp; Thomas, ch. 2). Biased high by about {@code Kz(Kx-1)(Ky-1)/(2N ln 2)} bits;
   * clamped at 0.
   *
   * @throws IllegalArgumentException if any is empty or their lengths differ
   * @param x the first variable's labels
   * @param y the second variable's labels
   * @param z the conditioning variable's labels, all three paired
   * @return I(X;Y|Z), bits, &ge; 0
   */
  public static double conditionalMutualInformation(int[] x, int[] y, int[] z) {
    pair(x, "x", y, "y");
    pair(x, "x", z, "z");
    int[] xz = join(x, z), yz = join(y, z);
    double v = entropy(xz) + entropy(yz) - entropy(join(xz, y)) - entropy(z);
    return Math.max(0, v);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** Dense codes {@code 0..K-1} (in order of first appearance) for the pairs {@code (a_i, b_i)}. */
  static int[] join(int[] a, int[] b) {
    HashMap<Long, Integer> ids = new HashMap<>();
    int[] out = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      long key = ((long) a[i] << 32) | (b[i] & 0xffffffffL);
      Integer id = ids.putIfAbsent(key, ids.size());
      out[i] = id == null ? ids.size() - 1 : id;
    }
    return out;
  }

  /** Counts of each distinct label (order unspecified). */
  static long[] countsOf(int[] labels) {
    HashMap<Integer, Integer> ids = new HashMap<>();
    long[] c = new long[Math.min(labels.length, 1 << 20)];
    int k = 0;
    for (int v : labels) {
      Integer id = ids.get(v);
      if (id == null) {
        id = k++;
        ids.put(v, id);
        if (id == c.length) c = java.util.Arrays.copyOf(c, c.length * 2);
      }
      c[id]++;
    }
    return java.util.Arrays.copyOf(c, k);
  }

  private static double plugIn(long[] counts, long n) {
    double s = 0;
    for (long c : counts) if (c > 0) s += c * Math.log(c);
    return Math.max(0, (Math.log(n) - s / n) / Check.LN2);
  }

  private static void pair(int[] a, String an, int[] b, String bn) {
    Check.nonEmpty(a, an);
    Check.nonEmpty(b, bn);
    Check.sameLength(a.length, an, b.length, bn);
  }

  private static void distributions(double[] p, double[] q) {
    Check.probabilities(p, "p");
    Check.probabilities(q, "q");
    if (p.length != q.length) {
      throw new IllegalArgumentException("p (length " + p.length + ") and q (length " + q.length + ") must have the same length");
    }
  }
}
