package dev.fivefold.data;

import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;

/**
 * Random translation ("jitter") of images, the augmentation of Hinton, Vinyals &amp; Dean's MNIST
 * teacher ("Distilling the Knowledge in a Neural Network", 2015, §3: inputs jittered by up to two
 * pixels in any direction). Each sample of a batch {@code [N, ...]} is read as {@code C} planes of
 * {@code height × width} pixels and moved by its own offset (dx, dy), each drawn uniformly from
 * {@code {−maxShift, …, maxShift}}; all planes of a sample move together:
 * <pre>
 *   out[c, y, x] = in[c, y − dy, x − dx]   if that pixel is inside the image, else 0
 * </pre>
 * Zero is the background of (Fashion-)MNIST, so pixels shifted in are blank. Labels are not
 * touched (a shift of a few pixels does not change the class). Deterministic for a given {@link Rng}
 * state; maxShift 0 copies the input.
 */
public final class RandomShift {
  private final int height, width, maxShift;
  private final Rng rng;

  /**
   * A jitter for images of {@code height × width} planes.
   *
   * @param height image height &ge; 1
   * @param width image width &ge; 1
   * @param maxShift largest offset in pixels, in [0, min(height, width))
   * @param rng the generator; owned by this object from now on
   * @throws IllegalArgumentException if a size is below 1, {@code maxShift} is out of range, or {@code rng}
   *   is null
   */
  public RandomShift(int height, int width, int maxShift, Rng rng) {
    if (height < 1) throw new IllegalArgumentException("height (" + height + ") must be >= 1");
    if (width < 1) throw new IllegalArgumentException("width (" + width + ") must be >= 1");
    if (maxShift < 0 || maxShift >= Math.min(height, width)) {
      throw new IllegalArgumentException("maxShift (" + maxShift + ") must be in [0, " + Math.min(height, width) + ")");
    }
    if (rng == null) throw new IllegalArgumentException("rng must not be null");
    this.height = height;
    this.width = width;
    this.maxShift = maxShift;
    this.rng = rng;
  }

  /**
   * Jitter of up to {@code maxShift} pixels for 28 × 28 (Fashion-)MNIST images.
   *
   * @param maxShift the largest offset in pixels, in [0, 28)
   * @param rng the generator; owned by the result from now on
   * @return the jitter
   */
  public static RandomShift mnist(int maxShift, Rng rng) {
    return new RandomShift(28, 28, maxShift, rng);
  }

  /** {@return the largest offset in pixels} */
  public int maxShift() {
    return maxShift;
  }

  /**
   * A new tensor of x's shape, each sample shifted by a fresh random offset; x is not changed.
   *
   * @param x the images, [N, ...] with C·height·width values per sample
   * @return the shifted images
   * @throws IllegalArgumentException if a sample's size is not a multiple of height × width
   */
  public Tensor apply(Tensor x) {
    int n = x.rank() == 0 ? 0 : x.dim(0), per = n == 0 ? 0 : x.size() / n, plane = height * width;
    if (x.rank() < 2 || per % plane != 0) {
      throw new IllegalArgumentException("images " + x.shape() + " are not [N, ...] of " + height + "x" + width + " planes");
    }
    float[] src = x.data(), dst = new float[src.length];
    for (int i = 0; i < n; i++) {
      int dx = rng.nextInt(2 * maxShift + 1) - maxShift, dy = rng.nextInt(2 * maxShift + 1) - maxShift;
      for (int c = 0; c < per / plane; c++) {
        int off = i * per + c * plane;
        shift(src, off, dst, off, height, width, dx, dy);
      }
    }
    return Tensor.wrap(dst, x.shape());
  }

  /**
   * A jittered copy of {@code d}: every image shifted as by {@link #apply}, the labels the same.
   *
   * @param d the dataset of images
   * @return the jittered dataset
   */
  public Dataset apply(Dataset d) {
    return new Dataset(apply(d.x()), d.y().clone(), d.classes());
  }

  /**
   * One plane: {@code dst[y, x] = src[y − dy, x − dx]} inside the image, 0 elsewhere (positive dx
   * moves the picture right, positive dy down). |dx| or |dy| &ge; the side gives a blank plane.
   *
   * @param src the source pixels
   * @param srcOff the plane's offset in {@code src}
   * @param dst receives the shifted plane
   * @param dstOff the plane's offset in {@code dst}
   * @param height the plane's height
   * @param width the plane's width
   * @param dx the horizontal offset (positive: right)
   * @param dy the vertical offset (positive: down)
   */
  public static void shift(float[] src, int srcOff, float[] dst, int dstOff, int height, int width, int dx, int dy) {
    for (int y = 0; y < height; y++) {
      int sy = y - dy, row = dstOff + y * width;
      if (sy < 0 || sy >= height) {
        java.util.Arrays.fill(dst, row, row + width, 0f);
        continue;
      }
      int lo = Math.max(0, dx), hi = Math.min(width, width + dx); // destination columns with a source
      if (lo >= hi) {
        java.util.Arrays.fill(dst, row, row + width, 0f);
        continue;
      }
      java.util.Arrays.fill(dst, row, row + lo, 0f);
      System.arraycopy(src, srcOff + sy * width + lo - dx, dst, row + lo, hi - lo);
      java.util.Arrays.fill(dst, row + hi, row + width, 0f);
    }
  }
}
