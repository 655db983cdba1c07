package dev.fivefold.data.augment;

import dev.fivefold.tensor.Tensor;

/**
 * How a batch {@code [N, ...]} holds its images: each sample is {@code channels} planes of
 * {@code height × width} pixels, row-major. Read from the batch's shape by {@link #of}:
 * {@code [N, C, H, W]} as it says, {@code [N, H, W]} as one channel, and a flat {@code [N, F]} as
 * one square channel when F is a perfect square ({@code [N, 784]} is 28 × 28), so the same
 * augmentation serves the MLP, LeNet-5 and the ViT.
 *
 * @param channels planes per sample, &ge; 1
 * @param height rows, &ge; 1
 * @param width columns, &ge; 1
 */
public record ImageLayout(int channels, int height, int width) {
  /**
   * Checks the sizes.
   *
   * @throws IllegalArgumentException if a size is below 1
   */
  public ImageLayout {
    if (channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException("image layout (" + channels + "x" + height + "x" + width + ") must have every side >= 1");
    }
  }

  /**
   * Values per sample, C·H·W.
   *
   * @return C·H·W
   */
  public int size() {
    return channels * height * width;
  }

  /**
   * Pixels per plane, H·W.
   *
   * @return H·W
   */
  public int plane() {
    return height * width;
  }

  /**
   * The layout of a batch or dataset tensor, samples first.
   *
   * @param batch the tensor, [N, C, H, W], [N, H, W] or [N, H·W] with a square H·W
   * @return the layout of one sample
   * @throws IllegalArgumentException for rank 1 or &gt; 4, or a flat sample that is not a square
   */
  public static ImageLayout of(Tensor batch) {
    return switch (batch.rank()) {
      case 4 -> new ImageLayout(batch.dim(1), batch.dim(2), batch.dim(3));
      case 3 -> new ImageLayout(1, batch.dim(1), batch.dim(2));
      case 2 -> {
        int f = batch.dim(1), side = (int) Math.round(Math.sqrt(f));
        if (side < 1 || side * side != f) {
          throw new IllegalArgumentException("images " + batch.shape() + ": " + f + " values a sample is not a square image; give [N, C, H, W]");
        }
        yield new ImageLayout(1, side, side);
      }
      default -> throw new IllegalArgumentException("images " + batch.shape() + " must be [N, C, H, W], [N, H, W] or [N, side²]");
    };
  }
}
