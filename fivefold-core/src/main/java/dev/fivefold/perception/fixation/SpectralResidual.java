package dev.fivefold.perception.fixation;

import dev.fivefold.perception.explain.Heatmap;

/**
 * Spectral-residual saliency (Hou &amp; Zhang 2007, "Saliency detection: a spectral residual
 * approach", CVPR): the statistically expected part of an image's log amplitude spectrum is its
 * local average; what remains, with the original phase, transforms back to the unexpected regions.
 *
 * <pre>
 *   F = DFT(I),  A = |F|,  P = arg F,  L = log(A + ε)          ε = 1e-9
 *   R = L − h₃ * L            h₃ the 3 × 3 mean filter, circular (the spectrum is periodic)
 *   S = G_σ * |DFT⁻¹(exp(R + iP))|²,  σ = 2 px, scaled to [0, 1]
 * </pre>
 * The paper works at 64 × 64 with σ = 8 (an eighth of the side); a 28 × 28 image is used as it is,
 * with σ = 2. The transform is a direct 2-D DFT by rows then columns (O(h·w·(h + w)), ~0.2 ms at
 * 28 × 28), in double precision. A single blob on a dark background has a smooth log spectrum, so
 * R is nearly flat and S is nearly the phase-only reconstruction: a peak at the blob. A constant
 * image gives all zeros.
 */
public final class SpectralResidual implements SaliencyMap {
  /** The spectral-residual saliency model (it has no state). */
  public SpectralResidual() {}

  private static final double EPS = 1e-9, SIGMA = 2;

  @Override
  public String name() {
    return "spectral-residual";
  }

  @Override
  public Heatmap of(Heatmap image) {
    int h = image.height(), w = image.width();
    double[] re = Maps.pixels(image);
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (double v : re) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    if (!(hi > lo)) return new Heatmap(h, w, new float[h * w]);
    double[] im = new double[h * w];
    dft(re, im, h, w, -1);
    double[] logA = new double[h * w], phase = new double[h * w];
    for (int i = 0; i < re.length; i++) {
      logA[i] = Math.log(Math.hypot(re[i], im[i]) + EPS);
      phase[i] = Math.atan2(im[i], re[i]);
    }
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double mean = 0;
        for (int dy = -1; dy <= 1; dy++) for (int dx = -1; dx <= 1; dx++) mean += logA[Math.floorMod(y + dy, h) * w + Math.floorMod(x + dx, w)];
        double a = Math.exp(logA[y * w + x] - mean / 9);
        re[y * w + x] = a * Math.cos(phase[y * w + x]);
        im[y * w + x] = a * Math.sin(phase[y * w + x]);
      }
    }
    dft(re, im, h, w, +1);
    double[] s = new double[h * w];
    for (int i = 0; i < s.length; i++) s[i] = re[i] * re[i] + im[i] * im[i];
    return Maps.unit(Maps.gaussian(s, h, w, SIGMA), h, w);
  }

  /** In-place 2-D DFT with kernel exp(sign·2πi·kn/N) (unnormalised: the map is rescaled anyway). */
  static void dft(double[] re, double[] im, int h, int w, int sign) {
    double[] r = new double[Math.max(h, w)], q = new double[r.length];
    double[][] tw = twiddles(w, sign);
    for (int y = 0; y < h; y++) line(re, im, y * w, 1, w, tw, r, q);
    tw = twiddles(h, sign);
    for (int x = 0; x < w; x++) line(re, im, x, w, h, tw, r, q);
  }

  /** cos and sin of sign·2π·m/n for m in [0, n). */
  private static double[][] twiddles(int n, int sign) {
    double[][] t = new double[2][n];
    for (int m = 0; m < n; m++) {
      t[0][m] = Math.cos(sign * 2 * Math.PI * m / n);
      t[1][m] = Math.sin(sign * 2 * Math.PI * m / n);
    }
    return t;
  }

  /** One 1-D DFT of n elements starting at {@code off}, {@code stride} apart. */
  private static void line(double[] re, double[] im, int off, int stride, int n, double[][] tw, double[] r, double[] q) {
    for (int k = 0; k < n; k++) {
      double sr = 0, si = 0;
      for (int j = 0, m = 0; j < n; j++, m = (m + k) % n) {
        double c = tw[0][m], s = tw[1][m];
        double a = re[off + j * stride], b = im[off + j * stride];
        sr += a * c - b * s;
        si += a * s + b * c;
      }
      r[k] = sr;
      q[k] = si;
    }
    for (int k = 0; k < n; k++) {
      re[off + k * stride] = r[k];
      im[off + k * stride] = q[k];
    }
  }
}
