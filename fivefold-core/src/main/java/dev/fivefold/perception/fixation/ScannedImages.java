package dev.fivefold.perception.fixation;

import dev.fivefold.data.Dataset;
import dev.fivefold.perception.explain.Heatmap;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Parallel;

/**
 * Images with their fixation paths: the dataset a {@link GlimpseClassifier} trains on. Sample i is
 * one row {@code [pixels of image i (h·w, row-major), r₀, c₀, r₁, c₁, …, r_{T−1}, c_{T−1}]}, shape
 * {@code [N, h·w + 2T]}, the labels unchanged. The pixels are there for the retina to sample; the
 * classifier reads nothing but glimpses and locations (see {@link GlimpseClassifier}).
 *
 * <p>Image i's path is {@code policy.scan(image_i, T, rng_i)} with its own generator
 * {@code rng_i} seeded from (seed, i), so a path depends only on the image, its index and the seed:
 * the same for any thread count and any subset order. The images are scanned in parallel
 * ({@link Parallel#forRange}).
 */
public final class ScannedImages {
  private ScannedImages() {}

  /**
   * Scans every image of {@code images} (grey, {@code [N, 1, h, w]} or {@code [N, h, w]}).
   *
   * @throws IllegalArgumentException if the images are not grey images or fixations &lt; 1
   * @param images grey images {@code [N, 1, h, w]} or {@code [N, h, w]}
   * @param policy the path policy
   * @param fixations T, the path length
   * @param seed the per-image generators' base seed
   * @return the scanned dataset, rows {@code [N, h·w + 2T]}, the labels kept
   */
  public static Dataset of(Dataset images, ScanPolicy policy, int fixations, long seed) {
    ScanPolicy.checkFixations(fixations);
    if (policy == null) throw new IllegalArgumentException("policy must not be null");
    int[] hw = side(images);
    int h = hw[0], w = hw[1], p = h * w, row = p + 2 * fixations, n = images.size();
    float[] src = images.x().data(), x = new float[n * row];
    Parallel.forRange(0, n, 16, (from, to) -> {
      for (int i = from; i < to; i++) {
        float[] px = new float[p];
        System.arraycopy(src, i * p, px, 0, p);
        ScanPath path = policy.scan(new Heatmap(h, w, px), fixations, imageRng(seed, i));
        System.arraycopy(px, 0, x, i * row, p);
        for (int t = 0; t < fixations; t++) {
          x[i * row + p + 2 * t] = path.row(t);
          x[i * row + p + 2 * t + 1] = path.col(t);
        }
      }
    });
    return new Dataset(Tensor.of(x, n, row), images.y().clone(), images.classes());
  }

  /** Image i's generator: SplitMix64 seeded by a hash of (seed, i), so neighbouring images' streams do not overlap. */
  static Rng imageRng(long seed, int i) {
    return new Rng(new Rng(seed ^ Long.rotateLeft((i + 1L) * 0xD1B54A32D192ED03L, 17)).nextLong());
  }

  /**
   * The path stored in row i of a scanned dataset of {@code pixels}-pixel images.
   *
   * @param scanned a scanned dataset
   * @param i the row
   * @param pixels h·w, the pixels per image
   * @return the row's path
   */
  public static ScanPath path(Dataset scanned, int i, int pixels) {
    int row = scanned.features(), t = (row - pixels) / 2;
    if (t < 1 || pixels + 2 * t != row) throw new IllegalArgumentException("a scanned row (" + row + ") must be pixels (" + pixels + ") + 2·fixations");
    float[] x = scanned.x().data();
    int[] r = new int[t], c = new int[t];
    for (int k = 0; k < t; k++) {
      r[k] = (int) x[i * row + pixels + 2 * k];
      c[k] = (int) x[i * row + pixels + 2 * k + 1];
    }
    return new ScanPath(r, c);
  }

  /**
   * Image i of a grey image dataset as a heatmap (a copy).
   *
   * @param images grey images
   * @param i the image's index
   * @return an h × w map of its pixels
   */
  public static Heatmap image(Dataset images, int i) {
    int[] hw = side(images);
    int p = hw[0] * hw[1];
    float[] px = new float[p];
    System.arraycopy(images.x().data(), i * p, px, 0, p);
    return new Heatmap(hw[0], hw[1], px);
  }

  /** (h, w) of a grey image dataset. */
  static int[] side(Dataset images) {
    int[] d = images.sampleDims();
    if (d.length == 3 && d[0] == 1) return new int[] {d[1], d[2]};
    if (d.length == 2) return d;
    throw new IllegalArgumentException("images must be grey images [N, 1, H, W] or [N, H, W], not samples of " + java.util.Arrays.toString(d));
  }
}
