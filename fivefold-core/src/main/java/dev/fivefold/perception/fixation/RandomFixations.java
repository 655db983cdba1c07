package dev.fivefold.perception.fixation;

import dev.fivefold.perception.explain.Heatmap;
import dev.fivefold.tensor.Rng;

/**
 * The chance control: each fixation an independent uniformly random pixel of the image, row then
 * column drawn from the generator. Fixations may repeat. The image's content is not read.
 */
public final class RandomFixations implements ScanPolicy {
  /** The random policy (it has no state). */
  public RandomFixations() {}

  @Override
  public ScanPath scan(Heatmap image, int fixations, Rng rng) {
    ScanPolicy.checkFixations(fixations);
    int[] r = new int[fixations], c = new int[fixations];
    for (int t = 0; t < fixations; t++) {
      r[t] = rng.nextInt(image.height());
      c[t] = rng.nextInt(image.width());
    }
    return new ScanPath(r, c);
  }

  @Override
  public String name() {
    return "random";
  }
}
