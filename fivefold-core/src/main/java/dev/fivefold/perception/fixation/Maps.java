package dev.fivefold.perception.fixation;

import dev.fivefold.perception.explain.Heatmap;

/**
 * The small image operations the saliency maps share (package-private): a separable Gaussian blur
 * with clamp-to-edge borders, the finite-pixel check, and scaling a map to [0, 1].
 */
final class Maps {
  private Maps() {}

  /**
   * The blurred copy of the row-major {@code h × w} map {@code v}: kernel {@code k(d) ∝ exp(−d²/2σ²)},
   * d in [−⌈3σ⌉, ⌈3σ⌉], normalised to sum 1 (so a constant map stays constant), rows then columns,
   * borders clamped to the edge pixel.
   */
  static double[] gaussian(double[] v, int h, int w, double sigma) {
    int r = (int) Math.ceil(3 * sigma);
    double[] k = new double[2 * r + 1];
    double sum = 0;
    for (int d = -r; d <= r; d++) sum += k[d + r] = Math.exp(-d * d / (2 * sigma * sigma));
    for (int i = 0; i < k.length; i++) k[i] /= sum;
    double[] tmp = new double[h * w], out = new double[h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double s = 0;
        for (int d = -r; d <= r; d++) s += k[d + r] * v[y * w + clamp(x + d, w)];
        tmp[y * w + x] = s;
      }
    }
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double s = 0;
        for (int d = -r; d <= r; d++) s += k[d + r] * tmp[clamp(y + d, h) * w + x];
        out[y * w + x] = s;
      }
    }
    return out;
  }

  static int clamp(int i, int n) {
    return i < 0 ? 0 : i >= n ? n - 1 : i;
  }

  /** The pixels as doubles, each checked finite. */
  static double[] pixels(Heatmap image) {
    float[] v = image.values();
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      if (!Float.isFinite(v[i])) throw new IllegalArgumentException("image pixel (" + i / image.width() + ", " + i % image.width() + ") is " + v[i]);
      d[i] = v[i];
    }
    return d;
  }

  /** (v − min) / (max − min) as a heatmap; all zeros if v is constant. */
  static Heatmap unit(double[] v, int h, int w) {
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    float[] out = new float[v.length];
    if (hi > lo) for (int i = 0; i < v.length; i++) out[i] = (float) ((v[i] - lo) / (hi - lo));
    return new Heatmap(h, w, out);
  }
}
