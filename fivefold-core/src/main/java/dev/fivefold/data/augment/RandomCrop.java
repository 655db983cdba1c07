package dev.fivefold.data.augment;

import dev.fivefold.data.RandomShift;
import dev.fivefold.tensor.Rng;

/**
 * Random crop with zero padding, the standard CIFAR augmentation (Krizhevsky et al. 2012; He et al.
 * 2016 pad by 4): pad the {@code H × W} image by {@code padding} zero pixels on each side and cut
 * out a random {@code H × W} window. That window's offset (i, j) is uniform in
 * {@code {0, …, 2·padding}²}, so the result is the image moved by
 * {@code (dx, dy) = (padding − j, padding − i)}, each uniform in {@code {−padding, …, padding}},
 * with zeros shifted in:
 * <pre>
 *   out[c, y, x] = in[c, y − dy, x − dx]   inside the image, else 0
 * </pre>
 * computed by {@link RandomShift#shift} (the one implementation of a shift; dx is drawn before dy,
 * as there). All channels move together. Zero is (Fashion-)MNIST's background.
 *
 * @param padding zero pixels on each side, &ge; 1 (and less than the image's sides, checked against the images)
 */
public record RandomCrop(int padding) implements ImageOp {
  /**
   * Checks the padding.
   *
   * @throws IllegalArgumentException if {@code padding} is below 1
   */
  public RandomCrop {
    if (padding < 1) throw new IllegalArgumentException("crop padding (" + padding + ") must be >= 1");
  }

  @Override
  public void check(ImageLayout layout) {
    int side = Math.min(layout.height(), layout.width());
    if (padding >= side) throw new IllegalArgumentException("crop padding (" + padding + ") must be < the image side (" + side + ")");
  }

  @Override
  public void apply(float[] x, int offset, ImageLayout layout, Rng rng) {
    int dx = rng.nextInt(2 * padding + 1) - padding, dy = rng.nextInt(2 * padding + 1) - padding;
    if (dx == 0 && dy == 0) return;
    int plane = layout.plane();
    float[] copy = new float[plane];
    for (int c = 0; c < layout.channels(); c++) {
      int off = offset + c * plane;
      System.arraycopy(x, off, copy, 0, plane);
      RandomShift.shift(copy, 0, x, off, layout.height(), layout.width(), dx, dy);
    }
  }

  @Override
  public String spec() {
    return "crop:" + padding;
  }
}
