package dev.fivefold.perception.explain;

import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Tensor;

/**
 * Occlusion sensitivity (Zeiler &amp; Fergus 2014, §4.2): a {@code patch × patch} square of every
 * channel is set to {@code baseline} at top-left corners 0, stride, 2·stride, … (and at
 * side − patch, so the last row and column are covered too), and the drop of the target class's
 * softmax probability, p_c(x) − p_c(x occluded), is credited to every pixel the square covers;
 * M(pixel) is the mean drop over the squares that cover it. Model-agnostic: any image classifier.
 * Every occluded copy of one image runs as one batch. Positive: the region supports the class;
 * negative: hiding it makes the class more likely.
 */
public final class Occlusion {
  private Occlusion() {}

  /**
   * Occlusion maps: for each image and target class, the drop in the target's probability when a square patch
   * slides over the image, averaged over the windows covering each pixel.
   *
   * @param patch side of the square, 1 &le; patch &le; the image's smaller side
   * @param stride step between squares &ge; 1
   * @param baseline the value that replaces the covered pixels (0: black for Fashion-MNIST in [0, 1])
   * @param model the classifier
   * @param x the images {@code [N, C, H, W]}
   * @param targets the class of each image to explain
   * @return one H × W map per image
   * @throws IllegalArgumentException if {@code patch} or {@code stride} is out of range or the targets do not
   *     fit
   */
  public static Heatmap[] compute(Module model, Tensor x, int[] targets, int patch, int stride, float baseline) {
    Probe p = new Probe(model);
    int n = p.count(x);
    p.checkTargets(targets, n);
    if (patch < 1 || patch > Math.min(p.height, p.width)) {
      throw new IllegalArgumentException("patch (" + patch + ") must be in [1, " + Math.min(p.height, p.width) + "] (the image side)");
    }
    if (stride < 1) throw new IllegalArgumentException("stride (" + stride + ") must be >= 1");
    int[] rows = corners(p.height, patch, stride), cols = corners(p.width, patch, stride);
    int positions = rows.length * cols.length, f = p.features, pix = p.pixels();
    float[] base = p.probabilities(x.data(), n);
    Heatmap[] out = new Heatmap[n];
    for (int i = 0; i < n; i++) {
      float[] batch = new float[positions * f];
      for (int r = 0; r < rows.length; r++) {
        for (int c = 0; c < cols.length; c++) {
          int off = (r * cols.length + c) * f;
          System.arraycopy(x.data(), i * f, batch, off, f);
          for (int ch = 0; ch < p.channels; ch++) {
            for (int dy = 0; dy < patch; dy++) {
              java.util.Arrays.fill(batch, off + ch * pix + (rows[r] + dy) * p.width + cols[c], off + ch * pix + (rows[r] + dy) * p.width + cols[c] + patch, baseline);
            }
          }
        }
      }
      float[] prob = p.probabilities(batch, positions);
      double[] sum = new double[pix];
      int[] count = new int[pix];
      float p0 = base[i * p.classes + targets[i]];
      for (int r = 0; r < rows.length; r++) {
        for (int c = 0; c < cols.length; c++) {
          double drop = p0 - prob[(r * cols.length + c) * p.classes + targets[i]];
          for (int dy = 0; dy < patch; dy++) {
            for (int dx = 0; dx < patch; dx++) {
              int q = (rows[r] + dy) * p.width + cols[c] + dx;
              sum[q] += drop;
              count[q]++;
            }
          }
        }
      }
      float[] m = new float[pix];
      for (int q = 0; q < pix; q++) m[q] = count[q] == 0 ? 0f : (float) (sum[q] / count[q]);
      out[i] = new Heatmap(p.height, p.width, m);
    }
    return out;
  }

  /** 0, stride, 2·stride, … ≤ side − patch, and side − patch itself if the steps miss it. */
  static int[] corners(int side, int patch, int stride) {
    int last = side - patch, k = last / stride + 1;
    boolean edge = last % stride != 0;
    int[] out = new int[k + (edge ? 1 : 0)];
    for (int j = 0; j < k; j++) out[j] = j * stride;
    if (edge) out[k] = last;
    return out;
  }
}
