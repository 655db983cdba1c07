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
 * last partial vector of a run goes through the same kernel from a zero-padded copy. Rows left over at the edges take 1×1
 * tiles. Each element is one fixed chain of operations, independent of the thread count (the
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
    int i = 0;
    for (; i + 4 <= m; i += 4) {
      int j = 0;
      for (; j + 4 <= n; j += 4) tile(acc, pad, i, j, segs, len, vend, a, aOff, lda, aSeg, b, bOff, bRow, bSeg, c, cOff, ldc);
      for (; j < n; j++) {
        for (int ii = i; ii < i + 4; ii++) c[cOff + ii * ldc + j] = dot(ii, j, segs, len, vend, a, aOff, lda, aSeg, b, bOff, bRow, bSeg);
      }
    }
    for (; i < m; i++) {
      for (int j = 0; j < n; j++) c[cOff + i * ldc + j] = dot(i, j, segs, len, vend, a, aOff, lda, aSeg, b, bOff, bRow, bSeg);
    }
  }

  private static float dot(int i, int j, int segs, int len, int vend, float[] a, int aOff, int lda, int aSeg, float[] b,
      int bOff, int[] bRow, int bSeg) {
    FloatVector acc = FloatVector.zero(S);
    for (int s = 0; s < segs; s++) {
      int pa = aOff + i * lda + s * aSeg, pb = bOff + bRow[j] + s * bSeg;
      for (int t = 0; t < vend; t += L) acc = FloatVector.fromArray(S, a, pa + t).fma(FloatVector.fromArray(S, b, pb + t), acc);
    }
    float[] lanes = LANES.get();
    acc.intoArray(lanes, 0);
    float sum = 0f;
    for (int l = 0; l < L; l++) sum += lanes[l];
    for (int s = 0; s < segs; s++) {
      int pa = aOff + i * lda + s * aSeg, pb = bOff + bRow[j] + s * bSeg;
      for (int t = vend; t < len; t++) sum = Math.fma(a[pa + t], b[pb + t], sum);
    }
    return sum;
  }


  /** The 4×4 tile of C at (i, j): per segment, the whole vectors of the runs, then the masked last one; lanes summed in order. */
  private static void tile(float[] acc, float[] pad, int i, int j, int segs, int len, int vend, float[] a, int aOff, int lda, int aSeg,
      float[] b, int bOff, int[] bRow, int bSeg, float[] c, int cOff, int ldc) {
    java.util.Arrays.fill(acc, 0f);
    for (int s = 0; s < segs; s++) {
      int a0 = aOff + i * lda + s * aSeg, sb = bOff + s * bSeg;
      int b0 = sb + bRow[j], b1 = sb + bRow[j + 1], b2 = sb + bRow[j + 2], b3 = sb + bRow[j + 3];
      if (vend > 0) run4x4(acc, a, a0, lda, b, b0, b1, b2, b3, vend);
      if (vend < len) {
        // the last partial vector: copied, zero-padded, to pad and run through the same kernel
        // (no masked loads: C1 cannot allocate the registers of a masked 4×4 kernel, and a method it
        // gives up on was seen to stay interpreted-slow instead of reaching C2)
        int t = len - vend;
        java.util.Arrays.fill(pad, 0f);
        for (int r = 0; r < 4; r++) System.arraycopy(a, a0 + r * lda + vend, pad, r * L, t);
        System.arraycopy(b, b0 + vend, pad, 4 * L, t);
        System.arraycopy(b, b1 + vend, pad, 5 * L, t);
        System.arraycopy(b, b2 + vend, pad, 6 * L, t);
        System.arraycopy(b, b3 + vend, pad, 7 * L, t);
        run4x4(acc, pad, 0, L, pad, 4 * L, 5 * L, 6 * L, 7 * L, L);
      }
    }
    int o = cOff + i * ldc + j;
    for (int e = 0; e < 16; e++) {
      float sum = 0f;
      for (int l = 0; l < L; l++) sum += acc[e * L + l];
      c[o + e / 4 * ldc + e % 4] = sum;
    }
  }

  /**
   * acc[e·L ..] += the lane-wise products of rows a0 + (e/4)·lda of a and b_(e mod 4) of b over
   * positions [0, n), n a multiple of L: the micro-kernel, one loop and 16 accumulators held in
   * registers between a load and a store of acc (small and called often, so the JIT compiles it
   * whole; no vector crosses a call).
   */
  private static void run4x4(float[] acc, float[] a, int a0, int lda, float[] b, int b0, int b1, int b2, int b3, int n) {
    FloatVector c00 = FloatVector.fromArray(S, acc, 0), c01 = FloatVector.fromArray(S, acc, L), c02 = FloatVector.fromArray(S, acc, 2 * L);
    FloatVector c03 = FloatVector.fromArray(S, acc, 3 * L), c10 = FloatVector.fromArray(S, acc, 4 * L), c11 = FloatVector.fromArray(S, acc, 5 * L);
    FloatVector c12 = FloatVector.fromArray(S, acc, 6 * L), c13 = FloatVector.fromArray(S, acc, 7 * L), c20 = FloatVector.fromArray(S, acc, 8 * L);
    FloatVector c21 = FloatVector.fromArray(S, acc, 9 * L), c22 = FloatVector.fromArray(S, acc, 10 * L), c23 = FloatVector.fromArray(S, acc, 11 * L);
    FloatVector c30 = FloatVector.fromArray(S, acc, 12 * L), c31 = FloatVector.fromArray(S, acc, 13 * L), c32 = FloatVector.fromArray(S, acc, 14 * L);
    FloatVector c33 = FloatVector.fromArray(S, acc, 15 * L);
    int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
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
