package dev.fivefold.perception.fixation;

import dev.fivefold.perception.explain.Heatmap;
import dev.fivefold.tensor.Rng;

/**
 * The centre-bias control (Tatler 2007: observers fixate the middle of a picture whatever it
 * shows): each fixation drawn independently from a Gaussian around the image centre,
 * {@code row = round((h − 1)/2 + σ·z₁)}, {@code col = round((w − 1)/2 + σ·z₂)}, z standard normal
 * from the generator, clamped into the image. The image's content is not read.
 *
 * @param sigma the spread in pixels, &gt; 0 (the experiment's default 4: a 28 × 28 garment fills
 *     the middle ~20 pixels)
 */
public record CentreBiased(double sigma) implements ScanPolicy {
  /**
   * Validates σ.
   *
   * @throws IllegalArgumentException if {@code sigma} is not finite and &gt; 0
   */
  public CentreBiased {
    if (!(sigma > 0) || Double.isInfinite(sigma)) throw new IllegalArgumentException("centre sigma (" + sigma + ") must be > 0");
  }

  @Override
  public ScanPath scan(Heatmap image, int fixations, Rng rng) {
    ScanPolicy.checkFixations(fixations);
    int h = image.height(), w = image.width();
    int[] r = new int[fixations], c = new int[fixations];
    for (int t = 0; t < fixations; t++) {
      r[t] = Maps.clamp((int) Math.round((h - 1) / 2.0 + sigma * rng.nextGaussian()), h);
      c[t] = Maps.clamp((int) Math.round((w - 1) / 2.0 + sigma * rng.nextGaussian()), w);
    }
    return new ScanPath(r, c);
  }

  @Override
  public String name() {
    return "centre";
  }
}
