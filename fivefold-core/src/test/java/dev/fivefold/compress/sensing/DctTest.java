package dev.fivefold.compress.sensing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.tensor.Rng;
import org.junit.jupiter.api.Test;

/** The orthonormal 2-D DCT-II: an exact inverse pair, orthonormal, and the values of the definition. */
class DctTest {
  @Test
  void forwardAndInverseAreAnExactPairAndPreserveTheNorm() {
    Rng rng = new Rng(3);
    for (int[] hw : new int[][] {{5, 5}, {3, 3}, {1, 7}, {4, 6}, {1, 1}}) {
      Dct2 d = new Dct2(hw[0], hw[1]);
      int n = hw[0] * hw[1];
      double[] x = new double[3 * n], s = new double[3 * n], back = new double[3 * n];
      for (int i = 0; i < x.length; i++) x[i] = rng.nextGaussian();
      for (int off = 0; off < x.length; off += n) d.forward(x, s, off);
      for (int off = 0; off < x.length; off += n) d.inverse(s, back, off);
      for (int i = 0; i < x.length; i++) assertEquals(x[i], back[i], 1e-12);
      assertEquals(LeastSquares.norm(x), LeastSquares.norm(s), 1e-12); // Parseval: orthonormal
    }
  }

  @Test
  void matchesTheDefinition() {
    // scipy.fft.dctn(x, norm="ortho"): X[u][v] = a(u) a(v) sum x[i][j] cos(pi (2i+1) u / 2h) cos(pi (2j+1) v / 2w)
    int h = 3, w = 4;
    double[] x = new double[h * w];
    for (int i = 0; i < x.length; i++) x[i] = Math.sin(1.3 * i) + 0.1 * i;
    double[] s = new double[h * w];
    new Dct2(h, w).forward(x, s, 0);
    for (int u = 0; u < h; u++) {
      for (int v = 0; v < w; v++) {
        double sum = 0;
        for (int i = 0; i < h; i++) {
          for (int j = 0; j < w; j++) sum += x[i * w + j] * Math.cos(Math.PI * (2 * i + 1) * u / (2.0 * h)) * Math.cos(Math.PI * (2 * j + 1) * v / (2.0 * w));
        }
        double a = Math.sqrt((u == 0 ? 1.0 : 2.0) / h) * Math.sqrt((v == 0 ? 1.0 : 2.0) / w);
        assertEquals(a * sum, s[u * w + v], 1e-12);
      }
    }
    // a constant filter is all DC: X[0][0] = c sqrt(h w), every other coefficient 0
    java.util.Arrays.fill(x, 0.5);
    new Dct2(h, w).forward(x, s, 0);
    assertEquals(0.5 * Math.sqrt(h * w), s[0], 1e-12);
    for (int i = 1; i < s.length; i++) assertEquals(0, s[i], 1e-12);
  }

  @Test
  void theDctBasisActsOnTheLastTwoDimensionsOfAKernel() {
    int[] shape = {2, 3, 5, 5};
    Rng rng = new Rng(4);
    double[] w = new double[150];
    for (int i = 0; i < w.length; i++) w[i] = rng.nextGaussian();
    double[] s = Basis.DCT.analyze(w, shape);
    double[] back = Basis.DCT.synthesize(s, shape);
    for (int i = 0; i < w.length; i++) assertEquals(w[i], back[i], 1e-12);
    double[] one = new double[25];
    new Dct2(5, 5).forward(w, one, 0); // the first filter alone
    for (int i = 0; i < 25; i++) assertEquals(one[i], s[i], 0);
    assertTrue(Basis.IDENTITY.fits(new int[] {3, 4}) && !Basis.DCT.fits(new int[] {3, 4}) && Basis.DCT.fits(shape));
    assertEquals("dct", Basis.DCT.label());
  }
}
