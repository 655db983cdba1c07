package dev.fivefold.tensor.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * C = A·Bᵀ where the rows of both are read in place: {@code C[i][j] = Σ_s Σ_t a_i,s[t]·b_j,s[t]},
 * every row i of A and j of B given, for each segment s, as a contiguous run of {@code len} floats
 * starting at its own offset. A convolution's weight gradient dW = dY·colᵀ is this product on the
 * wide grid ({@link WideConv}): row o of dY and row r = (c, ky, kx) of the unfolded image are both
 * runs over the positions, the latter a run of the padded image, so nothing is transposed or
 * packed — where a packed GEMM over the positions would transpose the whole unfolded image.
 *
 * <p>Kernel: 4×4 tiles of C, each with 16 lane-wise vector accumulators fed by 4 + 4 vector loads
 * per 16 fused multiply-adds, summed across lanes once, at the end, in lane order (not
 * {@code reduceLanes}, whose order may differ between the interpreter and compiled code); the
 * last partial vector of a run goes through the same kernel from a zero-padded copy. A partial
 * tile at an edge repeats its last row and stores only its own sums: one kernel for every element
 * (a second, smaller one was seen to stay in the interpreter, boxing its vectors). Each element is one fixed chain of operations, independent of the thread count (the
 * caller runs a whole product on one thread).
 */
final class RowDots {
  private static final VectorSpecies<Float> S = Gemm.S;
  private static final int L = S.length();

  private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[16 * L]);
  private static final ThreadLocal<float[]> PAD = ThreadLocal.withInitial(() -> new float[8 * L]);

  private RowDots() {}

  /**
   * C[i][j] = Σ_{s &lt; segs} Σ_{t &lt; len} a[aOff + i·lda + s·aSeg + t]·b[bOff + bRow[j] + s·bSeg + t]
   * for i &lt; m, j &lt; n, written (not added) to c[cOff + i·ldc + j].
   *
   * @param m rows of A
   * @param n rows of B
   * @param segs segments per row
   * @param len floats per segment
   * @param a the storage of A
   * @param aOff offset of A's row 0, segment 0
   * @param lda distance between rows of A
   * @param aSeg distance between segments of a row of A
   * @param b the storage of B
   * @param bOff added to every row offset of B
   * @param bRow offset of each row of B (its segment 0)
   * @param bSeg distance between segments of a row of B
   * @param c the result's storage
   * @param cOff offset of C[0][0]
   * @param ldc distance between rows of C
   */
  static void abT(int m, int n, int segs, int len, float[] a, int aOff, int lda, int aSeg, float[] b, int bOff, int[] bRow, int bSeg,
      float[] c, int cOff, int ldc) {
    int vend = len / L * L;
    float[] acc = LANES.get(), pad = PAD.get();
    for (int i = 0; i < m; i += 4) {
      int hi = Math.min(4, m - i);
      // a partial tile at the edge repeats its last row of A (or B); the repeats' sums are not stored
      int a0 = aOff + i * lda, a1 = aOff + (i + Math.min(1, hi - 1)) * lda, a2 = aOff + (i + Math.min(2, hi - 1)) * lda;
      int a3 = aOff + (i + hi - 1) * lda;
      for (int j = 0; j < n; j += 4) {
        int wd = Math.min(4, n - j);
        tile(acc, pad, segs, len, vend, a, a0, a1, a2, a3, aSeg, b, bOff + bRow[j], bOff + bRow[j + Math.min(1, wd - 1)],
            bOff + bRow[j + Math.min(2, wd - 1)], bOff + bRow[j + wd - 1], bSeg);
        for (int ii = 0; ii < hi; ii++) {
          for (int jj = 0; jj < wd; jj++) {
            float sum = 0f;
            for (int l = 0, e = (ii * 4 + jj) * L; l < L; l++) sum += acc[e + l];
            c[cOff + (i + ii) * ldc + j + jj] = sum;
          }
        }
      }
    }
  }

  /** acc = the 16 lane-wise sums of rows a0..a3 of A against rows b0..b3 of B (offsets of segment 0): per segment, the whole vectors, then the last partial one. */
  private static void tile(float[] acc, float[] pad, int segs, int len, int vend, float[] a, int a0, int a1, int a2, int a3, int aSeg,
      float[] b, int b0, int b1, int b2, int b3, int bSeg) {
    java.util.Arrays.fill(acc, 0f);
    for (int s = 0; s < segs; s++, a0 += aSeg, a1 += aSeg, a2 += aSeg, a3 += aSeg, b0 += bSeg, b1 += bSeg, b2 += bSeg, b3 += bSeg) {
      if (vend > 0) run4x4(acc, a, a0, a1, a2, a3, b, b0, b1, b2, b3, vend);
      if (vend < len) {
        // the last partial vector: copied, zero-padded, to pad and run through the same kernel
        // (no masked loads: C1 cannot allocate the registers of a masked 4×4 kernel, and a method it
        // gives up on was seen to stay interpreted-slow instead of reaching C2)
        int t = len - vend;
        java.util.Arrays.fill(pad, 0f);
        System.arraycopy(a, a0 + vend, pad, 0, t);
        System.arraycopy(a, a1 + vend, pad, L, t);
        System.arraycopy(a, a2 + vend, pad, 2 * L, t);
        System.arraycopy(a, a3 + vend, pad, 3 * L, t);
        System.arraycopy(b, b0 + vend, pad, 4 * L, t);
        System.arraycopy(b, b1 + vend, pad, 5 * L, t);
        System.arraycopy(b, b2 + vend, pad, 6 * L, t);
        System.arraycopy(b, b3 + vend, pad, 7 * L, t);
        run4x4(acc, pad, 0, L, 2 * L, 3 * L, pad, 4 * L, 5 * L, 6 * L, 7 * L, L);
      }
    }
  }

  /**
   * acc[e·L ..] += the lane-wise products of row a_(e/4) of a and b_(e mod 4) of b over
   * positions [0, n), n a multiple of L: the micro-kernel, one loop and 16 accumulators held in
   * registers between a load and a store of acc (small and called often, so the JIT compiles it
   * whole; no vector crosses a call).
   */
  private static void run4x4(float[] acc, float[] a, int a0, int a1, int a2, int a3, float[] b, int b0, int b1, int b2, int b3, int n) {
    FloatVector c00 = FloatVector.fromArray(S, acc, 0), c01 = FloatVector.fromArray(S, acc, L), c02 = FloatVector.fromArray(S, acc, 2 * L);
    FloatVector c03 = FloatVector.fromArray(S, acc, 3 * L), c10 = FloatVector.fromArray(S, acc, 4 * L), c11 = FloatVector.fromArray(S, acc, 5 * L);
    FloatVector c12 = FloatVector.fromArray(S, acc, 6 * L), c13 = FloatVector.fromArray(S, acc, 7 * L), c20 = FloatVector.fromArray(S, acc, 8 * L);
    FloatVector c21 = FloatVector.fromArray(S, acc, 9 * L), c22 = FloatVector.fromArray(S, acc, 10 * L), c23 = FloatVector.fromArray(S, acc, 11 * L);
    FloatVector c30 = FloatVector.fromArray(S, acc, 12 * L), c31 = FloatVector.fromArray(S, acc, 13 * L), c32 = FloatVector.fromArray(S, acc, 14 * L);
    FloatVector c33 = FloatVector.fromArray(S, acc, 15 * L);
    for (int t = 0; t < n; t += L) {
      FloatVector x0 = FloatVector.fromArray(S, a, a0 + t), x1 = FloatVector.fromArray(S, a, a1 + t);
      FloatVector x2 = FloatVector.fromArray(S, a, a2 + t), x3 = FloatVector.fromArray(S, a, a3 + t);
      FloatVector y0 = FloatVector.fromArray(S, b, b0 + t), y1 = FloatVector.fromArray(S, b, b1 + t);
      FloatVector y2 = FloatVector.fromArray(S, b, b2 + t), y3 = FloatVector.fromArray(S, b, b3 + t);
      c00 = x0.fma(y0, c00);
      c01 = x0.fma(y1, c01);
      c02 = x0.fma(y2, c02);
      c03 = x0.fma(y3, c03);
      c10 = x1.fma(y0, c10);
      c11 = x1.fma(y1, c11);
      c12 = x1.fma(y2, c12);
      c13 = x1.fma(y3, c13);
      c20 = x2.fma(y0, c20);
      c21 = x2.fma(y1, c21);
      c22 = x2.fma(y2, c22);
      c23 = x2.fma(y3, c23);
      c30 = x3.fma(y0, c30);
      c31 = x3.fma(y1, c31);
      c32 = x3.fma(y2, c32);
      c33 = x3.fma(y3, c33);
    }
    c00.intoArray(acc, 0);
    c01.intoArray(acc, L);
    c02.intoArray(acc, 2 * L);
    c03.intoArray(acc, 3 * L);
    c10.intoArray(acc, 4 * L);
    c11.intoArray(acc, 5 * L);
    c12.intoArray(acc, 6 * L);
    c13.intoArray(acc, 7 * L);
    c20.intoArray(acc, 8 * L);
    c21.intoArray(acc, 9 * L);
    c22.intoArray(acc, 10 * L);
    c23.intoArray(acc, 11 * L);
    c30.intoArray(acc, 12 * L);
    c31.intoArray(acc, 13 * L);
    c32.intoArray(acc, 14 * L);
    c33.intoArray(acc, 15 * L);
  }

  /**
   * The reference: the same sums in double, one element at a time.
   *
   * @param m rows of A
   * @param n rows of B
   * @param segs segments per row
   * @param len floats per segment
   * @param a the storage of A
   * @param aOff offset of A's row 0, segment 0
   * @param lda distance between rows of A
   * @param aSeg distance between segments of a row of A
   * @param b the storage of B
   * @param bOff added to every row offset of B
   * @param bRow offset of each row of B
   * @param bSeg distance between segments of a row of B
   * @param c the result's storage
   * @param cOff offset of C[0][0]
   * @param ldc distance between rows of C
   */
  static void abTScalar(int m, int n, int segs, int len, float[] a, int aOff, int lda, int aSeg, float[] b, int bOff, int[] bRow, int bSeg,
      float[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int s = 0; s < segs; s++) {
          for (int t = 0; t < len; t++) sum += (double) a[aOff + i * lda + s * aSeg + t] * b[bOff + bRow[j] + s * bSeg + t];
        }
        c[cOff + i * ldc + j] = (float) sum;
      }
    }
  }
}
