package dev.fivefold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Gemm#sgemm} against the scalar reference {@link Gemm#sgemmScalar}. */
class GemmTest {
  private static final int[] SIZES = {1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 23, 31, 32, 33, 47, 48, 63,
      64, 65, 70, 127, 128, 129, 145, 300};

  /** One product on fresh random data with padding around every operand. */
  record Case(boolean ta, boolean tb, int m, int n, int k, float beta, int pad, long seed) {
    void check() {
      var rnd = new SplittableRandom(seed);
      int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
      int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
      int aOff = pad, bOff = 2 * pad, cOff = 3 * pad;
      float[] a = rand(rnd, aOff + aRows * lda + pad);
      float[] b = rand(rnd, bOff + bRows * ldb + pad);
      float[] c0 = rand(rnd, cOff + m * ldc + pad);
      if (beta == 0f) for (int i = 0; i < m; i++) c0[cOff + i * ldc] = Float.NaN;
      float[] want = c0.clone(), got = c0.clone();
      Gemm.sgemmScalar(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, beta, want, cOff, ldc);
      Gemm.sgemm(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, beta, got, cOff, ldc);
      for (int idx = 0; idx < got.length; idx++) {
        int rel = idx - cOff, i = Math.floorDiv(rel, ldc), j = Math.floorMod(rel, ldc);
        boolean inside = rel >= 0 && i < m && j < n;
        if (!inside) {
          if (Float.floatToRawIntBits(got[idx]) != Float.floatToRawIntBits(c0[idx])) {
            fail(this + ": wrote outside C at " + idx);
          }
          continue;
        }
        double mag = beta == 0f ? 0 : Math.abs(beta * c0[idx]);
        for (int p = 0; p < k; p++) {
          float x = ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
          float y = tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
          mag += Math.abs((double) x * y);
        }
        double tol = 1e-6 * (k + 2) * mag + 1e-30;
        if (!(Math.abs(got[idx] - want[idx]) <= tol)) {
          fail(this + ": C[" + i + "][" + j + "] = " + got[idx] + ", reference " + want[idx]);
        }
      }
    }
  }

  static float[] rand(SplittableRandom rnd, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) rnd.nextDouble(-1, 1);
    return x;
  }

  @Test
  void matchesScalarAcrossShapesTransposesAndBeta() {
    var rnd = new SplittableRandom(7);
    float[] betas = {0f, 1f, 0.5f};
    for (int t = 0; t < 500; t++) {
      int m = SIZES[rnd.nextInt(SIZES.length)], n = SIZES[rnd.nextInt(SIZES.length)];
      int k = SIZES[rnd.nextInt(SIZES.length)];
      new Case(rnd.nextBoolean(), rnd.nextBoolean(), m, n, k, betas[rnd.nextInt(3)],
          rnd.nextInt(3) * 5, t).check();
    }
  }

  @Test
  void everySmallShape() {
    for (int m = 1; m <= 70; m += 3) {
      for (int n = 1; n <= 70; n += 4) {
        for (int k : new int[] {1, 2, 17, 70}) {
          for (int tr = 0; tr < 4; tr++) new Case((tr & 1) != 0, (tr & 2) != 0, m, n, k, tr % 2, 1, m * 1000 + n).check();
        }
      }
    }
  }

  @Test
  void mlpShapesAndDeepK() {
    for (int tr = 0; tr < 4; tr++) {
      boolean ta = (tr & 1) != 0, tb = (tr & 2) != 0;
      new Case(ta, tb, 128, 300, 784, 0f, 0, 1).check();
      new Case(ta, tb, 128, 100, 300, 1f, 3, 2).check();
      new Case(ta, tb, 300, 784, 128, 0f, 0, 3).check();
      new Case(ta, tb, 129, 33, 1000, 0.5f, 2, 4).check(); // four KC blocks
      new Case(ta, tb, 9, 2100, 40, 0f, 1, 5).check(); // two NC blocks
    }
  }

  /**
   * op(A) packed once ({@link Gemm#packAll}) and op(B) from a {@link Gemm.PanelSource} give the
   * stored product bit for bit, on 1 and 3 threads, with C offsets and leading dimensions.
   */
  @Test
  void prepackedAAndPanelSourcesAreTheStoredProductBitForBit() {
    int saved = Parallel.threads();
    try {
      var rnd = new SplittableRandom(21);
      for (int[] s : new int[][] {{32, 840, 288}, {130, 63, 1152}, {7, 1000, 900}, {300, 5, 40}, {64, 196, 577}}) {
        int m = s[0], n = s[1], k = s[2];
        for (boolean ta : new boolean[] {false, true}) {
          for (boolean tb : new boolean[] {false, true}) {
            if (!Gemm.packed(ta, tb, m, n, k)) continue;
            float[] a = rand(rnd, m * k), b = rand(rnd, k * n);
            int lda = ta ? m : k, ldb = tb ? k : n, ldc = n + 3;
            float[] want = new float[3 + m * ldc];
            Gemm.sgemm(ta, tb, m, n, k, a, 0, lda, b, 0, ldb, 0f, want, 3, ldc);
            float[] pa = new float[5 + Gemm.packedSize(m, k)];
            Gemm.packAll(ta, m, k, a, 0, lda, pa, 5);
            Gemm.PanelSource src = (nr, pc, kc, jc, nc, p0, p1, bp) -> Gemm.packB(nr, tb, b, 0, ldb, pc, kc, jc, nc, p0, p1, bp);
            for (int t : new int[] {1, 3}) {
              Parallel.setThreads(t);
              float[] viaPacked = new float[want.length], viaSource = new float[want.length];
              Gemm.sgemm(m, n, k, pa, 5, tb, b, 0, ldb, null, 0f, viaPacked, 3, ldc);
              if (!tb) Gemm.sgemm(ta, m, n, k, a, 0, lda, src, 0f, viaSource, 3, ldc);
              else Gemm.sgemm(m, n, k, pa, 5, false, null, 0, 0, src, 0f, viaSource, 3, ldc);
              String what = m + "x" + n + "x" + k + " ta " + ta + " tb " + tb + ", " + t + " threads";
              assertArrayEquals(want, viaPacked, "packed A: " + what);
              assertArrayEquals(want, viaSource, "panel source: " + what);
            }
          }
        }
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }

  @Test
  void tinyAndDegenerate() {
    new Case(false, false, 1, 3, 1, 0f, 0, 1).check();
    new Case(true, true, 1, 1, 1, 1f, 2, 1).check();
    float[] c = {Float.NaN, 2f};
    Gemm.sgemm(false, false, 1, 2, 0, new float[0], 0, 1, new float[0], 0, 2, 0f, c, 0, 2);
    assertArrayEquals(new float[] {0f, 0f}, c);
    c = new float[] {1f, 2f};
    Gemm.sgemm(false, false, 1, 2, 0, new float[0], 0, 1, new float[0], 0, 2, 3f, c, 0, 2);
    assertArrayEquals(new float[] {3f, 6f}, c);
    assertThrows(IllegalArgumentException.class,
        () -> Gemm.sgemm(false, false, 2, 2, 3, new float[6], 0, 2, new float[6], 0, 2, 0f, new float[4], 0, 2));
  }

  /** One row against the rows of B (batch-1 inference) takes the unpacked dot path: every β, padding, long and odd k. */
  @Test
  void oneRowTimesRows() {
    long seed = 40;
    for (int k : new int[] {1, 5, 16, 33, 784, 9000}) {
      for (int n : new int[] {1, 10, 300, 2100}) {
        for (float beta : new float[] {0f, 1f, 0.5f}) new Case(false, true, 1, n, k, beta, k % 3, seed++).check();
      }
    }
  }

  /** Small C with a long k takes the split-k path: every transpose, beta, partial last chunk. */
  @Test
  void splitKMatchesReference() {
    long seed = 99;
    for (int tr = 0; tr < 4; tr++) {
      for (float beta : new float[] {0f, 1f, 0.5f}) {
        new Case((tr & 1) != 0, (tr & 2) != 0, 20, 25, 2 * Gemm.KSPLIT + 123, beta, 3, seed++).check();
        new Case((tr & 1) != 0, (tr & 2) != 0, 1, 64, 3 * Gemm.KSPLIT, beta, 0, seed++).check();
      }
    }
  }

  @Test
  void bitIdenticalAcrossThreadCounts() {
    int saved = Parallel.threads();
    try {
      var rnd = new SplittableRandom(11);
      int[][] shapes = {{1, 300, 784}, {1, 4000, 300}, {257, 131, 300}, {128, 300, 784}, {33, 700, 129}, {300, 784, 128}, {520, 520, 520}, {20, 25, 20000}, {3, 7, 9000}};
      for (int[] s : shapes) {
        for (int tr = 0; tr < 4; tr++) {
          boolean ta = (tr & 1) != 0, tb = (tr & 2) != 0;
          int m = s[0], n = s[1], k = s[2];
          float[] a = rand(rnd, m * k), b = rand(rnd, k * n), c0 = rand(rnd, m * n);
          float[][] out = new float[3][];
          for (int th = 1; th <= 3; th++) {
            Parallel.setThreads(th);
            out[th - 1] = c0.clone();
            Gemm.sgemm(ta, tb, m, n, k, a, 0, ta ? m : k, b, 0, tb ? k : n, tr == 3 ? 0.5f : 1f, out[th - 1], 0, n);
          }
          assertArrayEquals(out[0], out[1], "threads 1 vs 2, " + Arrays.toString(s) + " tr=" + tr);
          assertArrayEquals(out[0], out[2], "threads 1 vs 3, " + Arrays.toString(s) + " tr=" + tr);
        }
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }

  @Test
  void batchedEqualsLoopAndIsThreadIndependent() {
    int saved = Parallel.threads();
    try {
      var rnd = new SplittableRandom(3);
      int batch = 6, m = 37, n = 45, k = 70;
      int aStride = m * k + 3, bStride = k * n + 1, cStride = m * n + 2;
      float[] a = rand(rnd, batch * aStride), b = rand(rnd, batch * bStride), c0 = rand(rnd, batch * cStride);
      float[] loop = c0.clone();
      for (int t = 0; t < batch; t++) {
        Gemm.sgemm(true, false, m, n, k, a, t * aStride, m, b, t * bStride, n, 1f, loop, t * cStride, n);
      }
      for (int th = 1; th <= 2; th++) {
        Parallel.setThreads(th);
        float[] got = c0.clone();
        Gemm.sgemmBatched(batch, true, false, m, n, k, a, 0, aStride, m, b, 0, bStride, n, 1f, got, 0, cStride, n);
        assertArrayEquals(loop, got);
      }
    } finally {
      Parallel.setThreads(saved);
    }
    assertEquals(saved, Parallel.threads());
  }
}
