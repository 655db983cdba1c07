package dev.fivefold.compress.sensing;

/**
 * The orthonormal 2-D DCT-II of an {@code h x w} block and its inverse (the DCT-III), the
 * sparsifying transform of JPEG and of convolution filters (smooth filters put their energy in
 * the low frequencies). With {@code C_N[u][x] = a(u) cos(pi (2x + 1) u / 2N)}, {@code a(0) =
 * sqrt(1/N)}, {@code a(u > 0) = sqrt(2/N)} (orthonormal: {@code C C^T = I}):
 *
 * <pre>
 *   forward  X = C_h x C_w^T        inverse  x = C_h^T X C_w
 * </pre>
 *
 * Both are direct {@code O(h w (h + w))} products with the cosine matrices (filters are 3x3 to
 * 7x7), in a fixed order, so the pair is an exact inverse up to rounding ({@code ~1e-15} in
 * double) and deterministic. The same matrices as {@code scipy.fft.dctn(x, norm="ortho")}.
 */
public final class Dct2 {
  private final int h, w;
  private final double[] ch, cw; // [h, h], [w, w] row-major: C[u][x]

  /**
   * The transform of {@code h x w} blocks; builds the two cosine matrices.
   *
   * @param h block rows, &ge; 1
   * @param w block columns, &ge; 1
   * @throws IllegalArgumentException if {@code h} or {@code w} &lt; 1
   */
  public Dct2(int h, int w) {
    if (h < 1 || w < 1) throw new IllegalArgumentException("block (" + h + " x " + w + ") must be at least 1 x 1");
    this.h = h;
    this.w = w;
    ch = cosines(h);
    cw = cosines(w);
  }

  /** {@code C_N}, row-major. */
  static double[] cosines(int n) {
    double[] c = new double[n * n];
    for (int u = 0; u < n; u++) {
      double a = Math.sqrt((u == 0 ? 1.0 : 2.0) / n);
      for (int x = 0; x < n; x++) c[u * n + x] = a * Math.cos(Math.PI * (2 * x + 1) * u / (2.0 * n));
    }
    return c;
  }

  /**
   * Forward transform of the block at {@code in[off..off+h*w)} (row-major) into {@code out[off..)}.
   *
   * @param in the input array
   * @param out the output array, written at the same positions
   * @param off the block's offset in both arrays
   */
  public void forward(double[] in, double[] out, int off) {
    double[] t = new double[h * w]; // t = C_h x
    for (int u = 0; u < h; u++) {
      for (int y = 0; y < w; y++) {
        double s = 0;
        for (int x = 0; x < h; x++) s += ch[u * h + x] * in[off + x * w + y];
        t[u * w + y] = s;
      }
    }
    for (int u = 0; u < h; u++) { // X = t C_w^T
      for (int v = 0; v < w; v++) {
        double s = 0;
        for (int y = 0; y < w; y++) s += t[u * w + y] * cw[v * w + y];
        out[off + u * w + v] = s;
      }
    }
  }

  /**
   * Inverse transform of the block at {@code in[off..off+h*w)} into {@code out[off..)}.
   *
   * @param in the input array
   * @param out the output array, written at the same positions
   * @param off the block's offset in both arrays
   */
  public void inverse(double[] in, double[] out, int off) {
    double[] t = new double[h * w]; // t = C_h^T X
    for (int x = 0; x < h; x++) {
      for (int v = 0; v < w; v++) {
        double s = 0;
        for (int u = 0; u < h; u++) s += ch[u * h + x] * in[off + u * w + v];
        t[x * w + v] = s;
      }
    }
    for (int x = 0; x < h; x++) { // x = t C_w
      for (int y = 0; y < w; y++) {
        double s = 0;
        for (int v = 0; v < w; v++) s += t[x * w + v] * cw[v * w + y];
        out[off + x * w + y] = s;
      }
    }
  }
}
