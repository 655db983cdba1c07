package dev.fivefold.tensor.kernel;

/** Placeholder naive SGEMM (replaced by the packed kernel on merge). */
public final class Gemm {
  private Gemm() {}

  public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
    Parallel.forRange(0, m, 4, (lo, hi) -> {
      for (int i = lo; i < hi; i++) {
        for (int j = 0; j < n; j++) {
          float s = 0;
          for (int p = 0; p < k; p++) {
            float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
            float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
            s += av * bv;
          }
          int ci = cOff + i * ldc + j;
          c[ci] = beta == 0 ? s : beta * c[ci] + s;
        }
      }
    });
  }

  public static void sgemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int aStride, int lda, float[] b, int bOff, int bStride, int ldb,
      float beta, float[] c, int cOff, int cStride, int ldc) {
    Parallel.forRange(0, batch, (lo, hi) -> {
      for (int i = lo; i < hi; i++) {
        sgemm(transA, transB, m, n, k, a, aOff + i * aStride, lda, b, bOff + i * bStride, ldb, beta, c, cOff + i * cStride, ldc);
      }
    });
  }
}
