package dev.fivefold.compress.code;

/**
 * The empirical (order-0) Shannon entropy of a symbol sequence, the bound an order-0 coder is
 * measured against: {@code H = sum_s c_s * log2(n / c_s)} bits in total for counts {@code c_s}
 * over {@code n} symbols (Shannon 1948, "A mathematical theory of communication", section 6).
 *
 * <p>An empty or single-valued sequence has zero entropy. No static order-0 coder can beat it on
 * the sequence it was built for, apart from the (here uncounted) cost of describing the model.
 */
public final class Entropy {
  private Entropy() {}

  /**
   * Total bits; throws {@link IllegalArgumentException} for a symbol outside {@code [0, alphabet)}.
   *
   * @param symbols the sequence
   * @param alphabet the alphabet size
   * @return the empirical entropy in bits, {@code n H}
   */
  public static double bits(int[] symbols, int alphabet) {
    StreamHeader.checkSymbols(symbols, alphabet);
    return bits(Frequencies.count(symbols, alphabet));
  }

  /**
   * Total bits of a sequence with these counts.
   *
   * @param counts the count of each symbol, each &ge; 0
   * @return the empirical entropy in bits
   */
  public static double bits(long[] counts) {
    long n = 0;
    for (long c : counts) n += c;
    if (n == 0) return 0;
    double h = 0;
    for (long c : counts) if (c > 0) h += c * Math.log((double) n / c);
    return h / Math.log(2);
  }

  /**
   * The parametric complexity {@code log2 C(k, n)} of the i.i.d. model over {@code k} symbols at
   * {@code n} symbols: the regret of the normalized maximum-likelihood code (Shtarkov 1987,
   * "Universal sequential coding of single messages"), which codes every sequence in exactly
   * {@code n H + log2 C(k, n)} bits for its own empirical entropy {@code H}. It is minimax: every
   * code that does not know the counts beforehand exceeds {@code n H} by at least this much on some
   * sequence. Asymptotically {@code (k - 1) / 2 * log2(n / 2 pi) + log2(pi^(k/2) / Gamma(k/2))}
   * (Rissanen 1996). Computed exactly with the recursion of Kontkanen and Myllymäki (2007, "A
   * linear-time algorithm for computing the multinomial stochastic complexity"): {@code C(1, n) =
   * 1}, {@code C(2, n) = sum_h binom(n, h) (h/n)^h ((n-h)/n)^(n-h)}, {@code C(k, n) = C(k-1, n) +
   * n / (k - 2) * C(k-2, n)}, carried as ratios in log space. {@code 0} for {@code n == 0} or
   * {@code k <= 1}.
   *
   * @param n the sequence length, &ge; 0
   * @param k the alphabet size, &ge; 0
   * @return the regret in bits
   * @throws IllegalArgumentException if {@code n} or {@code k} is negative
   */
  public static double nmlRegretBits(long n, int k) {
    if (n < 0 || k < 0) throw new IllegalArgumentException("n (" + n + ") and k (" + k + ") must be >= 0");
    if (n == 0 || k <= 1) return 0;
    double c2 = binaryComplexity(n);
    double log = Math.log(c2); // ln C(2, n)
    double ratio = c2; // C(j, n) / C(j-1, n) at j = 2
    for (int j = 3; j <= k; j++) {
      ratio = 1 + (double) n / (j - 2) / ratio;
      log += Math.log(ratio);
    }
    return log / Math.log(2);
  }

  /** {@code C(2, n)}; beyond 10^6 Szpankowski's expansion {@code sqrt(pi n / 2) + 2/3 + ...} (error O(1/n)). */
  private static double binaryComplexity(long n) {
    if (n > 1_000_000) return Math.sqrt(Math.PI * n / 2) + 2.0 / 3 + Math.sqrt(2 * Math.PI) / (24 * Math.sqrt(n));
    double lnFactN = lnFactorial(n);
    double c2 = 0;
    for (long h = 0; h <= n; h++) { // each term <= 1, computed in log space
      double t = lnFactN - lnFactorial(h) - lnFactorial(n - h);
      if (h > 0) t += h * Math.log((double) h / n);
      if (h < n) t += (n - h) * Math.log((double) (n - h) / n);
      c2 += Math.exp(t);
    }
    return c2;
  }

  private static double lnFactorial(long m) {
    double s = 0;
    if (m < 256) {
      for (long i = 2; i <= m; i++) s += Math.log(i);
      return s;
    }
    double x = m; // Stirling with three correction terms, exact to double precision here
    return x * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI * x) + 1 / (12 * x) - 1 / (360 * x * x * x) + 1 / (1260 * x * x * x * x * x);
  }

  /**
   * Bits per symbol, {@code 0} for an empty sequence.
   *
   * @param symbols the sequence
   * @param alphabet the alphabet size
   * @return the empirical entropy per symbol
   * @throws IllegalArgumentException for a symbol outside {@code [0, alphabet)}
   */
  public static double bitsPerSymbol(int[] symbols, int alphabet) {
    return symbols.length == 0 ? 0 : bits(symbols, alphabet) / symbols.length;
  }
}
