package dev.fivefold.compress.zip;

import java.util.Arrays;

/**
 * An online logistic mixer (Mahoney, paq8 / lpaq1): the inputs are stretched probabilities
 * {@code x_i = stretch(p_i)} (logits in units of 1/256), one weight vector per selector context,
 * the output is {@code p = squash(Σ w_i·x_i)} and after the bit y every weight takes a gradient
 * step on the coding cost {@code −log p(y)}: {@code w_i += η·(y − p)·x_i}.
 *
 * <p>Fixed point: weights have 16 fractional bits, {@code err = (y<<12) − p} in 12-bit units and
 * {@code w_i += (x_i·err·rate) >> 14}; the dot product is a long, shifted by 16 and clamped to
 * [-2047, 2047]. All integer, so it is bit-identical everywhere. Weights start at
 * {@code init/65536} each.
 */
final class Mixer {
  private final int n;
  private final int[] w;
  private final int rate;
  private int[] x;
  private int base, dot, pr;

  /**
   * @param n inputs
   * @param contexts weight sets
   * @param rate learning rate in 1/16384 units of 12-bit error × input
   * @param init initial weight (65536 = 1.0)
   */
  Mixer(int n, int contexts, int rate, int init) {
    this.n = n;
    this.w = new int[n * contexts];
    this.rate = rate;
    Arrays.fill(w, init);
  }

  /** The stretched mix of x[0..n) with the weights of {@code context}; remembers them for {@link #update}. */
  int mix(int[] x, int context) {
    this.x = x;
    base = context * n;
    long s = 0;
    for (int i = 0; i < n; i++) s += (long) x[i] * w[base + i];
    long d = s >> 16;
    dot = d > Logistic.LIMIT ? Logistic.LIMIT : d < -Logistic.LIMIT ? -Logistic.LIMIT : (int) d;
    pr = Logistic.squash(dot);
    return dot;
  }

  /** The 12-bit probability of the last {@link #mix}. */
  int p() {
    return pr;
  }

  void update(int y) {
    int err = ((y << 12) - pr) * rate;
    for (int i = 0; i < n; i++) w[base + i] += (x[i] * err) >> 14;
  }
}
