package dev.fivefold.perception.fixation;

import dev.fivefold.perception.explain.Heatmap;

/**
 * Itti–Koch-style bottom-up saliency (Itti, Koch &amp; Niebur 1998, "A model of saliency-based visual
 * attention for rapid scene analysis", IEEE PAMI 20(11)), cut down to a grey image of a few dozen
 * pixels: no colour channel and no pyramid, the scales are Gaussian blurs of the full-size image.
 *
 * <pre>
 *   features      I = the image,  E = |∇I| (Sobel gradient magnitude, edges clamped)
 *   centre-surround  C_F(c, s) = | G_c * F − G_s * F |   for (σ_c, σ_s) in {(1, 4), (2, 8)} pixels
 *   conspicuity   F̄ = N(Σ_(c,s) N(C_F(c, s)))   for F in {I, E}
 *   saliency      S = (N(Ī) + N(Ē)) / 2, scaled to [0, 1]
 * </pre>
 * N(·) is Itti's map normalisation: scale the map to [0, 1], then multiply it by (1 − m̄)², m̄ the
 * mean of its local maxima (a pixel ≥ its 8 neighbours and &gt; 0) other than the global one; a map
 * with one clear peak keeps its weight, a map with many equal peaks is suppressed. The blurs clamp
 * to the edge pixel, so a border is not a contrast. A constant image gives all zeros. Pure function
 * of the image.
 */
public final class CentreSurround implements SaliencyMap {
  /** The centre-surround saliency model (it has no state). */
  public CentreSurround() {}

  /** (centre σ, surround σ) in pixels: a surround 4× the centre, at two scales. */
  private static final double[][] SCALES = {{1, 4}, {2, 8}};

  @Override
  public String name() {
    return "centre-surround";
  }

  @Override
  public Heatmap of(Heatmap image) {
    int h = image.height(), w = image.width();
    double[] in = Maps.pixels(image);
    double[] a = conspicuity(in, h, w), b = conspicuity(sobel(in, h, w), h, w);
    normalise(a, h, w);
    normalise(b, h, w);
    double[] s = new double[h * w];
    for (int i = 0; i < s.length; i++) s[i] = (a[i] + b[i]) / 2;
    return Maps.unit(s, h, w);
  }

  /** N(Σ N(|G_c * F − G_s * F|)) over the centre-surround scales. */
  private static double[] conspicuity(double[] f, int h, int w) {
    double[] sum = new double[h * w];
    for (double[] cs : SCALES) {
      double[] c = Maps.gaussian(f, h, w, cs[0]), s = Maps.gaussian(f, h, w, cs[1]);
      double[] d = new double[h * w];
      for (int i = 0; i < d.length; i++) d[i] = Math.abs(c[i] - s[i]);
      normalise(d, h, w);
      for (int i = 0; i < d.length; i++) sum[i] += d[i];
    }
    normalise(sum, h, w);
    return sum;
  }

  /** Sobel gradient magnitude √(g_x² + g_y²), neighbours clamped to the edge. */
  static double[] sobel(double[] v, int h, int w) {
    double[] out = new double[h * w];
    for (int y = 0; y < h; y++) {
      int ym = Maps.clamp(y - 1, h), yp = Maps.clamp(y + 1, h);
      for (int x = 0; x < w; x++) {
        int xm = Maps.clamp(x - 1, w), xp = Maps.clamp(x + 1, w);
        double gx = (v[ym * w + xp] + 2 * v[y * w + xp] + v[yp * w + xp]) - (v[ym * w + xm] + 2 * v[y * w + xm] + v[yp * w + xm]);
        double gy = (v[yp * w + xm] + 2 * v[yp * w + x] + v[yp * w + xp]) - (v[ym * w + xm] + 2 * v[ym * w + x] + v[ym * w + xp]);
        out[y * w + x] = Math.sqrt(gx * gx + gy * gy);
      }
    }
    return out;
  }

  /**
   * Itti's N(·) in place: scale to [0, 1] (a constant map becomes zeros), then multiply by (1 − m̄)²,
   * m̄ the mean of the local maxima other than the global maximum (0 if there is none).
   */
  static void normalise(double[] m, int h, int w) {
    int n = m.length;
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    int top = 0;
    for (int i = 0; i < n; i++) {
      lo = Math.min(lo, m[i]);
      if (m[i] > hi) {
        hi = m[i];
        top = i;
      }
    }
    if (!(hi > lo)) {
      java.util.Arrays.fill(m, 0);
      return;
    }
    for (int i = 0; i < n; i++) m[i] = (m[i] - lo) / (hi - lo);
    double sum = 0;
    int count = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        if (i == top || m[i] <= 0) continue;
        boolean peak = true;
        for (int dy = -1; dy <= 1 && peak; dy++) {
          for (int dx = -1; dx <= 1; dx++) {
            int yy = y + dy, xx = x + dx;
            if ((dy != 0 || dx != 0) && yy >= 0 && yy < h && xx >= 0 && xx < w && m[yy * w + xx] > m[i]) {
              peak = false;
              break;
            }
          }
        }
        if (peak) {
          sum += m[i];
          count++;
        }
      }
    }
    double mean = count == 0 ? 0 : sum / count, k = (1 - mean) * (1 - mean);
    for (int i = 0; i < n; i++) m[i] *= k;
  }
}
