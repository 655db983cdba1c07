package dev.fivefold.perception.fixation;

import dev.fivefold.perception.explain.Heatmap;
import dev.fivefold.tensor.Rng;

/**
 * Saliency-driven fixations: winner-take-all with inhibition of return (Koch &amp; Ullman 1985; Itti,
 * Koch &amp; Niebur 1998 §2.3). Over the map S of {@code saliency}:
 * <pre>
 *   for t = 1..T:  f_t = argmax over pixels not yet inhibited of S       (ties: first in row-major order)
 *                  S(p) ← S(p) · (1 − exp(−|p − f_t|² / 2r²))              (Gaussian suppression around f_t)
 *                  pixels with |p − f_t| ≤ r are inhibited                  (they are never chosen again)
 * </pre>
 * so no two fixations lie within {@code radius} pixels of each other, and attention moves from the
 * most salient place to the next one rather than to the shoulder of the first peak. If every pixel
 * is inhibited before the path is complete (a radius large for the image and the path length) the
 * inhibition is lifted (the suppression stays) and the path may return. The generator is not used.
 *
 * @param saliency the bottom-up map
 * @param radius r in pixels, &gt; 0 (the experiment's default 3: a fixation's neighbourhood on a
 *     28 × 28 image, about a quarter of the coarsest glimpse)
 */
public record WinnerTakeAll(SaliencyMap saliency, double radius) implements ScanPolicy {
  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if {@code saliency} is null or {@code radius} is not finite and &gt; 0
   */
  public WinnerTakeAll {
    if (saliency == null) throw new IllegalArgumentException("saliency must not be null");
    if (!(radius > 0) || Double.isInfinite(radius)) throw new IllegalArgumentException("inhibition radius (" + radius + ") must be > 0");
  }

  @Override
  public ScanPath scan(Heatmap image, int fixations, Rng rng) {
    return scan(saliency.of(image), fixations, radius);
  }

  /**
   * The path over a given saliency map (its values are shifted to a minimum of 0 first).
   *
   * @param map the saliency map
   * @param fixations the path length, &ge; 1
   * @param radius the inhibition-of-return radius, pixels, &gt; 0
   * @return the path
   * @throws IllegalArgumentException if {@code fixations < 1} or the radius is invalid
   */
  public static ScanPath scan(Heatmap map, int fixations, double radius) {
    ScanPolicy.checkFixations(fixations);
    if (!(radius > 0) || Double.isInfinite(radius)) throw new IllegalArgumentException("inhibition radius (" + radius + ") must be > 0");
    int h = map.height(), w = map.width(), n = h * w;
    double[] s = new double[n];
    double lo = Double.POSITIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      float v = map.values()[i];
      if (Float.isNaN(v)) throw new IllegalArgumentException("saliency at (" + i / w + ", " + i % w + ") is NaN");
      s[i] = v;
      lo = Math.min(lo, v);
    }
    for (int i = 0; i < n; i++) s[i] -= lo;
    boolean[] inhibited = new boolean[n];
    int free = n;
    int[] rows = new int[fixations], cols = new int[fixations];
    for (int t = 0; t < fixations; t++) {
      if (free == 0) {
        java.util.Arrays.fill(inhibited, false);
        free = n;
      }
      int best = -1;
      for (int i = 0; i < n; i++) if (!inhibited[i] && (best < 0 || s[i] > s[best])) best = i;
      int fy = best / w, fx = best % w;
      rows[t] = fy;
      cols[t] = fx;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int i = y * w + x;
          double d2 = (double) (y - fy) * (y - fy) + (double) (x - fx) * (x - fx);
          s[i] *= 1 - Math.exp(-d2 / (2 * radius * radius));
          if (d2 <= radius * radius && !inhibited[i]) {
            inhibited[i] = true;
            free--;
          }
        }
      }
    }
    return new ScanPath(rows, cols);
  }

  @Override
  public String name() {
    return "saliency";
  }
}
