package dev.fivefold.data.augment;

import dev.fivefold.tensor.Rng;

/**
 * Horizontal flip with probability p: {@code out[c, y, x] = in[c, y, W − 1 − x]}. One uniform draw
 * per image ({@code u < p} flips); flipping twice is the identity. The classic choice is p = 0.5.
 *
 * @param p probability in [0, 1]
 */
public record HorizontalFlip(double p) implements ImageOp {
  /**
   * Checks the probability.
   *
   * @throws IllegalArgumentException if {@code p} is outside [0, 1]
   */
  public HorizontalFlip {
    if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("flip probability (" + p + ") must be in [0, 1]");
  }

  @Override
  public void apply(float[] x, int offset, ImageLayout layout, Rng rng) {
    if (rng.nextDouble() < p) mirror(x, offset, layout);
  }

  /**
   * Mirrors every row of every channel of the sample at {@code offset}, in place (the
   * deterministic flip, also used for flip test-time augmentation).
   *
   * @param x the samples
   * @param offset the index of the sample's first value
   * @param layout the sample's image layout
   */
  public static void mirror(float[] x, int offset, ImageLayout layout) {
    int w = layout.width();
    for (int r = 0; r < layout.channels() * layout.height(); r++) {
      for (int lo = offset + r * w, hi = lo + w - 1; lo < hi; lo++, hi--) {
        float t = x[lo];
        x[lo] = x[hi];
        x[hi] = t;
      }
    }
  }

  @Override
  public String spec() {
    return p == 0.5 ? "flip" : "flip:" + p;
  }
}
