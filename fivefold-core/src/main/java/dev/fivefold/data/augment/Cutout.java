package dev.fivefold.data.augment;

import dev.fivefold.tensor.Rng;

/**
 * Cutout (DeVries &amp; Taylor, "Improved Regularization of Convolutional Neural Networks with
 * Cutout", arXiv:1708.04552): zero a square of side {@code size} centred on a pixel (cy, cx) drawn
 * uniformly over the whole image, clipped at the borders — so near an edge less than size² pixels
 * go, as in the paper (which found that allowing this mattered). As in the authors' code the
 * square spans rows {@code [cy − ⌊size/2⌋, cy + ⌊size/2⌋)} (an odd size loses one row and column)
 * in every channel; applied to every image (the paper's p = 1). cy is drawn before cx.
 *
 * @param size side of the square, &ge; 1 (the paper: 16 on CIFAR-10's 32 × 32, 8 on CIFAR-100)
 */
public record Cutout(int size) implements ImageOp {
  /**
   * Checks the size.
   *
   * @throws IllegalArgumentException if {@code size} is below 1
   */
  public Cutout {
    if (size < 1) throw new IllegalArgumentException("cutout size (" + size + ") must be >= 1");
  }

  @Override
  public void apply(float[] x, int offset, ImageLayout layout, Rng rng) {
    int H = layout.height(), W = layout.width(), half = size / 2;
    int cy = rng.nextInt(H), cx = rng.nextInt(W);
    int y1 = Math.max(0, cy - half), y2 = Math.min(H, cy + half), x1 = Math.max(0, cx - half), x2 = Math.min(W, cx + half);
    for (int c = 0; c < layout.channels(); c++) {
      for (int y = y1; y < y2; y++) {
        int row = offset + (c * H + y) * W;
        java.util.Arrays.fill(x, row + x1, row + x2, 0f);
      }
    }
  }

  @Override
  public String spec() {
    return "cutout:" + size;
  }
}
