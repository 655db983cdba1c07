package dev.fivefold.compress.quant;

/**
 * A uniform quantization grid: x ≈ (u − z)·s with u an integer code in [lo, hi] (Jacob et al.,
 * "Quantization and Training of Neural Networks for Efficient Integer-Arithmetic-Only Inference",
 * CVPR 2018, §2.1).
 *
 * <p>{@link #symmetric}: z = 0, s = max|x| / (2^(b−1) − 1), codes in ±(2^(b−1) − 1) (the most
 * negative code is left out so the grid is symmetric). {@link #affine}: the range
 * [min(x, 0), max(x, 0)] (it always contains 0, so 0 — a pruned weight — stays exact), s = range /
 * (2^b − 1), z = round(−min/s) clamped to [0, 2^b − 1], codes in [0, 2^b − 1]. A constant-zero
 * range gets s = 1. Rounding is {@link Math#round} (half up); within the range the round-trip error
 * is at most s/2 (plus float rounding).
 *
 * @param scale s &gt; 0
 * @param zero z
 * @param lo smallest code
 * @param hi largest code
 */
public record UniformGrid(float scale, int zero, int lo, int hi) {
  /**
   * Checks the scale and the code range.
   *
   * @throws IllegalArgumentException if {@code scale} is not finite and positive, or {@code lo} &gt;
   *     {@code hi}
   */
  public UniformGrid {
    if (!(scale > 0) || !Float.isFinite(scale)) throw new IllegalArgumentException("scale (" + scale + ") must be finite and > 0");
    if (lo > hi) throw new IllegalArgumentException("code range [" + lo + ", " + hi + "] is empty");
  }

  /**
   * The symmetric grid of {@code bits} bits for values of largest magnitude {@code maxAbs}.
   *
   * @param bits the bit width, &ge; 2
   * @param maxAbs the largest |x|, &ge; 0 (0 gives s = 1)
   * @return the grid, z = 0, codes in ±(2^(bits−1) − 1)
   */
  public static UniformGrid symmetric(int bits, float maxAbs) {
    int q = (1 << (bits - 1)) - 1;
    float s = maxAbs > 0 ? maxAbs / q : 1f;
    return new UniformGrid(s, 0, -q, q);
  }

  /**
   * The affine grid of {@code bits} bits (2..16) for values in [min, max] (widened to contain 0).
   *
   * @param bits the bit width, 2..16
   * @param min the smallest value
   * @param max the largest value
   * @return the grid, codes in [0, 2^bits − 1]
   * @throws IllegalArgumentException if {@code bits} is outside 2..16
   */
  public static UniformGrid affine(int bits, float min, float max) {
    if (bits < 2 || bits > 16) throw new IllegalArgumentException("bits (" + bits + ") must be in 2..16");
    int q = (1 << bits) - 1;
    float lo = Math.min(min, 0f), hi = Math.max(max, 0f);
    float s = hi > lo ? (hi - lo) / q : 1f;
    int z = Math.clamp(Math.round(-lo / s), 0, q);
    return new UniformGrid(s, z, 0, q);
  }

  /** The grid of {@code cfg}'s scheme for values x[off .. off+n) taken every {@code stride}. */
  static UniformGrid fit(QuantConfig cfg, float[] x, int off, int n, int stride) {
    float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY, abs = 0f;
    for (int i = 0, k = off; i < n; i++, k += stride) {
      min = Math.min(min, x[k]);
      max = Math.max(max, x[k]);
      abs = Math.max(abs, Math.abs(x[k]));
    }
    return cfg.scheme() == QuantConfig.Scheme.SYMMETRIC ? symmetric(cfg.bits(), abs) : affine(cfg.bits(), min, max);
  }

  /**
   * The code of x: round(x/s) + z clamped to [lo, hi].
   *
   * @param x the value
   * @return its code, in [lo, hi]
   */
  public int encode(float x) {
    return Math.clamp(Math.round(x / scale) + zero, lo, hi);
  }

  /**
   * (u − z)·s.
   *
   * @param u the code
   * @return the value it stands for
   */
  public float decode(int u) {
    return (u - zero) * scale;
  }
}
