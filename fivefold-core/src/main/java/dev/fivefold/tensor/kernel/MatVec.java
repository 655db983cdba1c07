package dev.fivefold.tensor.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batch-1 matrix–vector product {@code y = W·x} for W [out, in] (a Linear layer's weight, PyTorch
 * layout), the kernel of token-by-token generation: one row of activations against a weight that
 * is read once per token.
 *
 * <p>Layout: {@link #pack} copies W once into panels of {@link #panelWidth()} = 4·L consecutive
 * outputs (L the float lanes of the preferred species, 16 with AVX-512); panel q holds, for each
 * input p, the weights W[q·NB .. q·NB+NB)[p] side by side (zero-padded past {@code out}), so a
 * panel is one contiguous stream: per p, one broadcast of x[p], four vector loads and four fmas.
 *
 * <p>Summation order — the same as {@link Gemm#sgemm}'s for every row of a product with two or
 * more rows: each y[j] is, for each depth block of {@link Gemm#KC} inputs in increasing order, a
 * chain {@code acc = fma(x[p], W[j][p], acc)} from zero over p, then {@code y = acc} (first block)
 * or {@code y = y + acc}. So a row computed here is bit-identical to the same row of
 * {@code x·Wᵀ} computed by Gemm inside a batch of T ≥ 2 rows (a one-row Gemm call takes its dot
 * path, which sums in another order; and Gemm's split-k path, for in ≥ 8192 with out·T ≤ 4096, also
 * differs). {@link #matvecScalar} computes the same chains with {@link Math#fma} on the unpacked
 * weight; the two agree bit for bit.
 *
 * <p>Panels are split across threads ({@link Parallel#forRange}), each output computed by one
 * thread the same way, so the result does not depend on the thread count. Nothing is allocated per
 * call.
 */
public final class MatVec {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();
  /** Outputs per panel: four vectors. */
  static final int NB = 4 * L;
  /** Below this many multiply-adds a call stays on the calling thread. */
  static final long PARALLEL_MIN = 1L << 17;

  private MatVec() {}

  /**
   * Outputs per packed panel (4 × the float lanes).
   * @return NB = 4·L (64 with AVX-512, 32 with AVX2)
   */
  public static int panelWidth() {
    return NB;
  }

  /**
   * Depth block of the summation order (Gemm's KC, 384 unless {@code -Dff.kc} says otherwise).
   * @return the number of inputs summed per fma chain before the chains are added
   */
  public static int depthBlock() {
    return Gemm.KC;
  }

  /**
   * Floats of the packed form of an [out, in] matrix: ⌈out/NB⌉·in·NB.
   * @param out the number of rows (outputs)
   * @param in the number of columns (inputs)
   * @return the length of the array {@link #pack} returns
   */
  public static int packedSize(int out, int in) {
    return panels(out) * in * NB;
  }

  static int panels(int out) {
    return (out + NB - 1) / NB;
  }

  /**
   * W [out, in] at {@code w[wOff..]}, row-major, into panels (see the class comment).
   * @param w the storage of W
   * @param wOff offset of W[0][0]
   * @param out the number of rows (outputs), ≥ 1
   * @param in the number of columns (inputs), ≥ 1
   * @return a new array of {@link #packedSize} floats
   * @throws IllegalArgumentException if {@code out} or {@code in} is below 1
   */
  public static float[] pack(float[] w, int wOff, int out, int in) {
    check(out, in);
    float[] p = new float[packedSize(out, in)];
    for (int j = 0; j < out; j++) {
      int q = j / NB, lane = j % NB, src = wOff + j * in, dst = q * in * NB + lane;
      for (int k = 0; k < in; k++, dst += NB) p[dst] = w[src + k];
    }
    return p;
  }

  /**
   * {@code y[yOff..yOff+out) = W·x[xOff..xOff+in)} from the packed W (see the class comment for the order).
   * @param packed W as packed by {@link #pack}
   * @param out the number of outputs, ≥ 1
   * @param in the number of inputs, ≥ 1
   * @param x the input vector [in]
   * @param xOff offset of x[0]
   * @param y the output vector [out], overwritten
   * @param yOff offset of y[0]
   * @throws IllegalArgumentException if {@code out} or {@code in} is below 1, or {@code packed} is too short
   */
  public static void matvec(float[] packed, int out, int in, float[] x, int xOff, float[] y, int yOff) {
    check(out, in);
    if (packed.length < packedSize(out, in)) throw new IllegalArgumentException("packed weight (" + packed.length + " floats) is smaller than [" + out + ", " + in + "] packed (" + packedSize(out, in) + ")");
    int np = panels(out);
    Parallel.RangeBody body = (lo, hi) -> {
      for (int q = lo; q < hi; q++) panel(packed, q, out, in, x, xOff, y, yOff);
    };
    if ((long) out * in < PARALLEL_MIN || Parallel.threads() == 1) body.run(0, np);
    else Parallel.forRange(0, np, 1, body);
  }

  private static void panel(float[] w, int q, int out, int in, float[] x, int xOff, float[] y, int yOff) {
    int base = q * in * NB;
    float[] t = TILE.get();
    block(w, base, 0, Math.min(in, Gemm.KC), x, xOff, t, false);
    for (int pc = Gemm.KC; pc < in; pc += Gemm.KC) block(w, base, pc, Math.min(in, pc + Gemm.KC), x, xOff, t, true);
    int j0 = q * NB, n = Math.min(NB, out - j0);
    System.arraycopy(t, 0, y, yOff + j0, n);
  }

  /** One depth block [pc, end) of a panel: t = acc (first block) or t = t + acc, acc the fma chains from zero. */
  private static void block(float[] w, int base, int pc, int end, float[] x, int xOff, float[] t, boolean add) {
    FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
    for (int p = pc, wo = base + pc * NB; p < end; p++, wo += NB) {
      FloatVector xv = FloatVector.broadcast(S, x[xOff + p]);
      a0 = xv.fma(FloatVector.fromArray(S, w, wo), a0);
      a1 = xv.fma(FloatVector.fromArray(S, w, wo + L), a1);
      a2 = xv.fma(FloatVector.fromArray(S, w, wo + 2 * L), a2);
      a3 = xv.fma(FloatVector.fromArray(S, w, wo + 3 * L), a3);
    }
    if (add) {
      a0 = FloatVector.fromArray(S, t, 0).add(a0);
      a1 = FloatVector.fromArray(S, t, L).add(a1);
      a2 = FloatVector.fromArray(S, t, 2 * L).add(a2);
      a3 = FloatVector.fromArray(S, t, 3 * L).add(a3);
    }
    a0.intoArray(t, 0);
    a1.intoArray(t, L);
    a2.intoArray(t, 2 * L);
    a3.intoArray(t, 3 * L);
  }

  private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[NB]);

  /** Stores the four vectors of outputs [j0, j0 + NB) ∩ [0, out). */
  static void store(FloatVector y0, FloatVector y1, FloatVector y2, FloatVector y3, int j0, int out, float[] y, int yOff) {
    if (j0 + NB <= out) {
      y0.intoArray(y, yOff + j0);
      y1.intoArray(y, yOff + j0 + L);
      y2.intoArray(y, yOff + j0 + 2 * L);
      y3.intoArray(y, yOff + j0 + 3 * L);
      return;
    }
    FloatVector[] v = {y0, y1, y2, y3};
    for (int i = 0; i < 4; i++) {
      int j = j0 + i * L, n = Math.min(L, out - j);
      if (n <= 0) break;
      if (n == L) v[i].intoArray(y, yOff + j);
      else for (int l = 0; l < n; l++) y[yOff + j + l] = v[i].lane(l);
    }
  }

  /**
   * The reference on the unpacked W [out, in] at {@code w[wOff..]}: the same fma chains, scalar.
   * @param w the storage of W, row-major, unpacked
   * @param wOff offset of W[0][0]
   * @param out the number of outputs, ≥ 1
   * @param in the number of inputs, ≥ 1
   * @param x the input vector [in]
   * @param xOff offset of x[0]
   * @param y the output vector [out], overwritten
   * @param yOff offset of y[0]
   * @throws IllegalArgumentException if {@code out} or {@code in} is below 1
   */
  public static void matvecScalar(float[] w, int wOff, int out, int in, float[] x, int xOff, float[] y, int yOff) {
    check(out, in);
    for (int j = 0; j < out; j++) {
      float acc = 0f;
      int row = wOff + j * in;
      for (int pc = 0; pc < in; pc += Gemm.KC) {
        int end = Math.min(in, pc + Gemm.KC);
        float s = 0f;
        for (int p = pc; p < end; p++) s = Math.fma(x[xOff + p], w[row + p], s);
        acc = pc == 0 ? s : acc + s;
      }
      y[yOff + j] = acc;
    }
  }

  static void check(int out, int in) {
    if (out < 1) throw new IllegalArgumentException("out (" + out + ") must be >= 1");
    if (in < 1) throw new IllegalArgumentException("in (" + in + ") must be >= 1");
  }
}
