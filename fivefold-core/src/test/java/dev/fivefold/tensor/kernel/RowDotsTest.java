package dev.fivefold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link RowDots} against its double-precision reference, on tiles and edges, runs shorter and longer than a vector. */
class RowDotsTest {
  @Test
  void matchesTheReferenceOnEveryEdge() {
    var rnd = new SplittableRandom(17);
    int[][] shapes = {{4, 4, 1, 16}, {5, 7, 2, 3}, {1, 1, 1, 1}, {8, 13, 3, 37}, {32, 36, 2, 840}, {3, 9, 4, 17}, {6, 4, 1, 64}};
    for (int[] sh : shapes) {
      int m = sh[0], n = sh[1], segs = sh[2], len = sh[3];
      int lda = segs * len + 5, aSeg = len + 2, bSeg = len + 7;
      float[] a = ConvTest.rand(rnd, 3 + m * lda + segs * aSeg);
      int[] bRow = new int[n];
      for (int j = 0; j < n; j++) bRow[j] = rnd.nextInt(50); // rows of B overlap, as the unfolded image's runs do
      float[] b = ConvTest.rand(rnd, 11 + 50 + segs * bSeg + len);
      int ldc = n + 2;
      float[] want = new float[1 + m * ldc], got = new float[1 + m * ldc];
      RowDots.abTScalar(m, n, segs, len, a, 3, lda, aSeg, b, 11, bRow, bSeg, want, 1, ldc);
      java.util.Arrays.fill(got, Float.NaN); // every element is written, none added to
      got[0] = 0f;
      RowDots.abT(m, n, segs, len, a, 3, lda, aSeg, b, 11, bRow, bSeg, got, 1, ldc);
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          float w = want[1 + i * ldc + j];
          assertEquals(w, got[1 + i * ldc + j], 1e-5 * Math.sqrt(segs * len) * (1 + Math.abs(w)), m + "x" + n + " segs " + segs + " len " + len + " [" + i + "][" + j + "]");
        }
      }
    }
  }
}
