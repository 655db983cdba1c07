package dev.fivefold.data.augment;

import dev.fivefold.tensor.Rng;

/**
 * Random erasing (Zhong, Zheng, Kang, Li &amp; Yang, "Random Erasing Data Augmentation", AAAI 2020,
 * arXiv:1708.04896, Algorithm 1), with torchvision's {@code RandomErasing} defaults: with
 * probability p, pick a rectangle of area {@code S_e = s · H·W}, s ~ U(scaleMin, scaleMax), and
 * aspect ratio {@code r = exp(U(ln ratioMin, ln ratioMax))}; its sides are
 * {@code h = round(√(S_e·r))}, {@code w = round(√(S_e / r))}; if it fits ({@code h < H} and
 * {@code w < W}) its top-left corner is uniform over the positions that keep it inside and every
 * pixel of it, in every channel, is replaced by a random value, otherwise draw again (at most 10
 * attempts, as torchvision; then the image is left as it is).
 *
 * <p>The fill is uniform in [0, 1): the paper fills with random values in the pixel range
 * ([0, 255], here [0, 1] since fivefold scales pixels by 1/255); torchvision's {@code value="random"}
 * draws N(0, 1) because its images are normalised to mean 0, variance 1 — the same idea on that
 * scale. Defaults: scale 0.02–0.33, ratio 0.3–3.3 (torchvision; the paper's s_h is 0.4).
 *
 * @param p probability of erasing, in [0, 1]
 * @param scaleMin smallest erased fraction of the image, in (0, scaleMax]
 * @param scaleMax largest erased fraction, in [scaleMin, 1]
 * @param ratioMin smallest aspect ratio h/w, in (0, ratioMax]
 * @param ratioMax largest aspect ratio, finite
 */
public record RandomErasing(double p, double scaleMin, double scaleMax, double ratioMin, double ratioMax) implements ImageOp {
  /** Attempts to place a rectangle that fits before giving up (torchvision's 10). */
  static final int ATTEMPTS = 10;

  /**
   * Checks the ranges.
   *
   * @throws IllegalArgumentException if a field is out of its range
   */
  public RandomErasing {
    if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("erase probability (" + p + ") must be in [0, 1]");
    if (!(scaleMin > 0 && scaleMin <= scaleMax && scaleMax <= 1)) {
      throw new IllegalArgumentException("erase scale (" + scaleMin + ", " + scaleMax + ") must satisfy 0 < min <= max <= 1");
    }
    if (!(ratioMin > 0 && ratioMin <= ratioMax && ratioMax < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("erase ratio (" + ratioMin + ", " + ratioMax + ") must satisfy 0 < min <= max < infinity");
    }
  }

  /**
   * Probability p with the defaults: scale 0.02–0.33, ratio 0.3–3.3.
   *
   * @param p the probability of erasing, in [0, 1]
   * @return the op
   * @throws IllegalArgumentException if {@code p} is outside [0, 1]
   */
  public static RandomErasing withProbability(double p) {
    return new RandomErasing(p, 0.02, 0.33, 0.3, 3.3);
  }

  /** Where an image was erased: rows [top, top + h), columns [left, left + w); h = 0 when nothing was. */
  record Box(int top, int left, int h, int w) {}

  @Override
  public void apply(float[] x, int offset, ImageLayout layout, Rng rng) {
    Box b = box(layout, rng);
    if (b == null) return;
    int H = layout.height(), W = layout.width();
    for (int c = 0; c < layout.channels(); c++) {
      for (int y = b.top(); y < b.top() + b.h(); y++) {
        int row = offset + c * H * W + y * W;
        for (int i = b.left(); i < b.left() + b.w(); i++) x[row + i] = rng.nextFloat();
      }
    }
  }

  /** The rectangle to erase, or null (not erased this time, or no fitting rectangle in 10 attempts). */
  Box box(ImageLayout layout, Rng rng) {
    if (!(rng.nextDouble() < p)) return null;
    int H = layout.height(), W = layout.width();
    double area = (double) H * W, logLo = Math.log(ratioMin), logHi = Math.log(ratioMax);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      double target = area * (scaleMin + (scaleMax - scaleMin) * rng.nextDouble());
      double ratio = Math.exp(logLo + (logHi - logLo) * rng.nextDouble());
      int h = (int) Math.round(Math.sqrt(target * ratio)), w = (int) Math.round(Math.sqrt(target / ratio));
      if (!(h < H && w < W)) continue;
      return new Box(rng.nextInt(H - h + 1), rng.nextInt(W - w + 1), h, w);
    }
    return null;
  }

  @Override
  public String spec() {
    return "erase:" + p;
  }
}
