package dev.fivefold.compress.code;

import dev.fivefold.tensor.Rng;

/** Seeded symbol sources for coder tests and the benchmark. */
public final class Distributions {
  private Distributions() {}

  /**
   * 300 symbols over 8 from a fixed LCG, skewed to 0 (no Rng: the version-1 streams and archives
   * stored as hex in StreamVersionTest and ArchiveVersionTest were written from exactly these).
   */
  public static int[] fixedSkewed300() {
    int[] s = new int[300];
    long x = 12345;
    for (int i = 0; i < s.length; i++) {
      x = x * 6364136223846793005L + 1442695040888963407L;
      int v = (int) ((x >>> 33) % 100);
      s[i] = v < 50 ? 0 : v < 75 ? 1 : v < 90 ? 2 : v < 97 ? 3 : 4 + v % 3;
    }
    return s;
  }

  static int[] uniform(Rng rng, int n, int alphabet) {
    int[] s = new int[n];
    for (int i = 0; i < n; i++) s[i] = rng.nextInt(alphabet);
    return s;
  }

  /** Symbol 0 with probability {@code p}, else uniform over {@code [1, alphabet)}. */
  static int[] skewed(Rng rng, int n, int alphabet, double p) {
    int[] s = new int[n];
    for (int i = 0; i < n; i++) s[i] = rng.nextDouble() < p ? 0 : 1 + rng.nextInt(alphabet - 1);
    return s;
  }

  /** Geometric: symbol k with probability {@code (1 - q) q^k}, clipped to the alphabet. */
  static int[] geometric(Rng rng, int n, int alphabet, double q) {
    int[] s = new int[n];
    double lq = Math.log(q);
    for (int i = 0; i < n; i++) {
      double u = 1 - rng.nextDouble();
      s[i] = (int) Math.min(alphabet - 1, Math.floor(Math.log(u) / lq));
    }
    return s;
  }

  /**
   * Quantized-weights-like data: Laplace(0, b) samples uniformly quantized to {@code bits} bits over
   * [-clip, clip] (symbol 2^(bits-1) is zero), as a weight quantizer would produce.
   */
  static int[] laplaceQuantized(Rng rng, int n, int bits, double b, double clip) {
    int levels = 1 << bits;
    double step = 2 * clip / (levels - 1);
    int[] s = new int[n];
    for (int i = 0; i < n; i++) {
      double u = rng.nextDouble() - 0.5;
      double v = -b * Math.signum(u) * Math.log(1 - 2 * Math.abs(u));
      long q = Math.round((v + clip) / step);
      s[i] = (int) Math.max(0, Math.min(levels - 1, q));
    }
    return s;
  }
}
