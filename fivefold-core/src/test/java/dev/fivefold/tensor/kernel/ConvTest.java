package dev.fivefold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Conv} against its scalar references, and im2col/col2im as adjoints. */
class ConvTest {
  static float[] rand(SplittableRandom rnd, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) rnd.nextDouble(-1, 1);
    return x;
  }

  @Test
  void matchesReferenceAndIsAdjoint() {
    var rnd = new SplittableRandom(1);
    int cases = 0;
    for (int c : new int[] {1, 3}) {
      for (int h : new int[] {1, 5, 8, 13}) {
        for (int w : new int[] {1, 4, 7, 28}) {
          for (int k : new int[] {1, 2, 3, 5}) {
            for (int stride = 1; stride <= 3; stride++) {
              for (int pad = 0; pad <= 2; pad++) {
                if (h + 2 * pad < k || w + 2 * pad < k) continue;
                int kh = k, kw = Math.max(1, k - 1 + (w % 2));
                if (w + 2 * pad < kw) continue;
                int oh = Conv.outSize(h, kh, stride, pad), ow = Conv.outSize(w, kw, stride, pad);
                int rows = c * kh * kw, n = oh * ow;
                float[] x = rand(rnd, 2 + c * h * w);
                float[] col1 = rand(rnd, 3 + rows * n), col2 = col1.clone();
                Conv.im2col(x, 2, c, h, w, kh, kw, stride, pad, col1, 3);
                Conv.im2colScalar(x, 2, c, h, w, kh, kw, stride, pad, col2, 3);
                assertArrayEquals(col2, col1);
                // the serial form, rows ld = n + 1 apart: each row equals the reference's, the gaps are untouched
                float[] col3 = rand(rnd, 3 + rows * (n + 1)), untouched = col3.clone();
                Conv.im2colSerial(x, 2, c, h, w, kh, kw, stride, pad, col3, 3, n + 1);
                for (int r = 0; r < rows; r++) {
                  for (int j = 0; j < n; j++) assertEquals(col2[3 + r * n + j], col3[3 + r * (n + 1) + j], "row " + r);
                  assertEquals(untouched[3 + r * (n + 1) + n], col3[3 + r * (n + 1) + n], "gap after row " + r);
                }
                float[] y = rand(rnd, 1 + rows * n);
                float[] dx1 = rand(rnd, 4 + c * h * w), dx2 = dx1.clone(), dx0 = dx1.clone();
                Conv.col2im(y, 1, c, h, w, kh, kw, stride, pad, dx1, 4);
                Conv.col2imScalar(y, 1, c, h, w, kh, kw, stride, pad, dx2, 4);
                assertArrayEquals(dx2, dx1);
                // <im2col(x), y> = <x, col2im(y)>
                double lhs = 0, rhs = 0;
                for (int i = 0; i < rows * n; i++) lhs += (double) col1[3 + i] * y[1 + i];
                for (int i = 0; i < c * h * w; i++) rhs += (double) x[2 + i] * (dx1[4 + i] - dx0[4 + i]);
                assertEquals(lhs, rhs, 1e-4 * (1 + Math.abs(lhs)));
                cases++;
              }
            }
          }
        }
      }
    }
    assertEquals(true, cases > 300);
  }

  @Test
  void knownSmallCase() {
    // x = 1..9 as 3x3, 2x2 kernel, stride 1, no pad: col rows are the 4 shifted 2x2 windows.
    float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9}, col = new float[16];
    Conv.im2col(x, 0, 1, 3, 3, 2, 2, 1, 0, col, 0);
    assertArrayEquals(new float[] {1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9}, col);
    assertThrows(IllegalArgumentException.class, () -> Conv.outSize(2, 5, 1, 1));
  }

  @Test
  void threadIndependent() {
    int saved = Parallel.threads();
    try {
      var rnd = new SplittableRandom(2);
      int c = 16, h = 30, w = 30, k = 3;
      float[] x = rand(rnd, c * h * w), y = rand(rnd, c * k * k * 30 * 30);
      float[][] cols = new float[2][], dxs = new float[2][];
      for (int t = 1; t <= 2; t++) {
        Parallel.setThreads(t);
        cols[t - 1] = new float[c * k * k * 30 * 30];
        Conv.im2col(x, 0, c, h, w, k, k, 1, 1, cols[t - 1], 0);
        dxs[t - 1] = new float[c * h * w];
        Conv.col2im(y, 0, c, h, w, k, k, 1, 1, dxs[t - 1], 0);
      }
      assertArrayEquals(cols[0], cols[1]);
      assertArrayEquals(dxs[0], dxs[1]);
    } finally {
      Parallel.setThreads(saved);
    }
  }
}
