package dev.fivefold.compress.zip;

/**
 * The logistic pair of a context-mixing compressor in 12-bit fixed point (Mahoney, lpaq1/paq8):
 * {@code squash(d) = 4096 / (1 + e^(-d/256))} for a stretched value d in [-2047, 2047] (a logit in
 * units of 1/256), and its inverse {@code stretch(p) = 256·ln(p / (4096 − p))} for a 12-bit
 * probability p in [0, 4095].
 *
 * <p>Both are tables built once with {@link StrictMath}, so every JVM computes the same integers;
 * squash never returns 0 or 4096 (it is clamped to [1, 4095]) and stretch is clamped to
 * [-2047, 2047]. Everything downstream of these tables is integer arithmetic, which is what makes
 * the context-mixing part of the coder bit-identical on every machine.
 */
final class Logistic {
  /** Largest stretched magnitude. */
  static final int LIMIT = 2047;
  private static final int[] SQUASH = new int[4096];
  private static final short[] STRETCH = new short[4096];

  static {
    for (int d = -2048; d < 2048; d++) {
      long p = Math.round(4096.0 / (1.0 + StrictMath.exp(-d / 256.0)));
      SQUASH[d + 2048] = (int) Math.max(1, Math.min(4095, p));
    }
    for (int p = 0; p < 4096; p++) {
      double x = StrictMath.log((p + 0.5) / (4095.5 - p)) * 256.0;
      STRETCH[p] = (short) Math.max(-LIMIT, Math.min(LIMIT, Math.round(x)));
    }
  }

  private Logistic() {}

  /** 12-bit probability in [1, 4095] of the stretched value d (clamped to [-2047, 2047]). */
  static int squash(int d) {
    if (d > LIMIT) d = LIMIT;
    if (d < -LIMIT) d = -LIMIT;
    return SQUASH[d + 2048];
  }

  /** Stretched value in [-2047, 2047] of the 12-bit probability p in [0, 4095]. */
  static int stretch(int p) {
    return STRETCH[p];
  }

  /**
   * The stretched value of {@code p1 / (p0 + p1)} from two non-negative weights, rounded from
   * {@code 256·ln(p1/p0)} with {@link StrictMath#log} and clamped; 0 when both are 0.
   */
  static int stretch(double p1, double p0) {
    if (!(p1 > 0)) return p0 > 0 ? -LIMIT : 0;
    if (!(p0 > 0)) return LIMIT;
    double x = StrictMath.log(p1 / p0) * 256.0;
    return x >= LIMIT ? LIMIT : x <= -LIMIT ? -LIMIT : (int) Math.round(x);
  }
}
