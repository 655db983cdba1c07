package dev.fivefold.nn;

import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Parallel;
import dev.fivefold.tensor.kernel.VecOps;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Inference for a pruned Linear without densifying: W [out, in] in CSR by output row (row
 * pointers, column indices, values), y [B, out] = x [B, in] · W_sparseᵀ + b.
 *
 * <p>Kernel: x is transposed once to xᵀ [in, B]; for each output row o and each vector-width chunk
 * of the batch, an accumulator (starting at b_o) takes one fused multiply-add per non-zero (o, c, v),
 * acc += v · xᵀ[c, chunk], in column order, and is stored to yᵀ[o, chunk]. Four chunks are done
 * together (four independent fma chains share each broadcast value and read 4 contiguous vectors of
 * xᵀ's row c), which hides the fma latency. Batch columns left over after whole vectors (all of batch
 * 1) run four scalar chains over the row's non-zeros k ≡ 0, 1, 2, 3 (mod 4), summed (c0+c1)+(c2+c3). Rows (or, for inputs wider than a cache tile, such as a batch's im2col columns, column tiles) are split across
 * threads; each element is one fixed fma chain, so the result does not depend on the thread count.
 * Work is nnz · B multiply-adds against out · in · B for the dense SGEMM.
 */
public final class SparseLinear {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private final int in, out;
  private final int[] rowPtr, cols;
  private final float[] values, bias;

  private SparseLinear(int in, int out, int[] rowPtr, int[] cols, float[] values, float[] bias) {
    this.in = in;
    this.out = out;
    this.rowPtr = rowPtr;
    this.cols = cols;
    this.values = values;
    this.bias = bias;
  }

  /**
   * CSR of the non-zeros of {@code w} [out, in]; bias [out] or null.
   *
   * @param w the weight, [out, in]
   * @param bias the bias, [out], or null (copied)
   * @return the CSR form
   * @throws IllegalArgumentException if {@code w} is not rank 2 or the bias size is not {@code out}
   */
  public static SparseLinear of(Tensor w, Tensor bias) {
    if (w.rank() != 2) throw new IllegalArgumentException("weight must be [out, in], got " + w.shape());
    int out = w.dim(0), in = w.dim(1);
    if (bias != null && bias.size() != out) throw new IllegalArgumentException("bias size (" + bias.size() + ") != out (" + out + ")");
    float[] d = w.data();
    int nnz = 0;
    for (float v : d) if (v != 0f) nnz++;
    int[] rowPtr = new int[out + 1], cols = new int[nnz];
    float[] vals = new float[nnz];
    int k = 0;
    for (int o = 0; o < out; o++) {
      for (int c = 0; c < in; c++) {
        float v = d[o * in + c];
        if (v != 0f) {
          cols[k] = c;
          vals[k++] = v;
        }
      }
      rowPtr[o + 1] = k;
    }
    return new SparseLinear(in, out, rowPtr, cols, vals, bias == null ? null : bias.data().clone());
  }

  /** {@return the number of non-zero weights held} */
  public int nonZeros() {
    return values.length;
  }

  /** Row pointers and column indices of the CSR (shared, not copied): for {@link SparseConv2d}. */
  int[] rowPointers() {
    return rowPtr;
  }

  int[] columns() {
    return cols;
  }

  /** {@return the input features, {@code in}} */
  public int inFeatures() {
    return in;
  }

  /** {@return the output features, {@code out}} */
  public int outFeatures() {
    return out;
  }

  /**
   * y [B, out] = x [B, in] · Wᵀ + b.
   *
   * @param x the input, [B, in]
   * @return y, [B, out] (a new tensor)
   * @throws IllegalArgumentException if {@code x} is not [B, in]
   */
  public Tensor forward(Tensor x) {
    if (x.rank() != 2 || x.dim(1) != in) throw new IllegalArgumentException("input must be [B, " + in + "], got " + x.shape());
    int b = x.dim(0);
    Tensor y = Tensor.zeros(b, out);
    forward(x.data(), b, y.data(), new float[in * b], new float[out * b]);
    return y;
  }

  /**
   * Allocation-free form: {@code xt} [in·B] and {@code yt} [out·B] are scratch; {@code y} [B, out]
   * is overwritten.
   *
   * @param x the input, [B, in] row-major
   * @param b the batch size B
   * @param y receives the output, [B, out] row-major
   * @param xt scratch, at least in·B floats
   * @param yt scratch, at least out·B floats
   */
  public void forward(float[] x, int b, float[] y, float[] xt, float[] yt) {
    VecOps.transpose(x, 0, b, in, xt, 0); // [in, B]
    forwardColumns(xt, b, yt);
    VecOps.transpose(yt, 0, out, b, y, 0); // [B, out]
  }

  /**
   * The same product on inputs stored as columns: yᵀ [out, B] = W · xᵀ [in, B] + b, the layout of
   * im2col (B = the output positions), so a pruned convolution runs as one call on its column
   * matrix (see {@link Conv2d}).
   *
   * @param xt the input columns, [in, B] row-major
   * @param b the number of columns B
   * @param yt receives the output, [out, B] row-major
   * @throws IllegalArgumentException if an array is too short
   */
  public void forwardColumns(float[] xt, int b, float[] yt) {
    if (xt.length < (long) in * b || yt.length < (long) out * b) {
      throw new IllegalArgumentException("columns need " + in + " × " + b + " inputs and " + out + " × " + b + " outputs, got " + xt.length + " and " + yt.length);
    }
    int tile = tileColumns(b);
    if (tile >= b) { // one tile: rows split across threads
      long work = (long) values.length * b;
      int grain = (int) Math.max(1, Math.min(out, (1L << 16) * out / Math.max(1, work)));
      Parallel.forRange(0, out, grain, (lo, hi) -> {
        for (int o = lo; o < hi; o++) row(o, cols, 0, 0, b, xt, b, yt, o * b);
      });
      return;
    }
    int tiles = (b + tile - 1) / tile; // column tiles split across threads; every row within a tile
    Parallel.forRange(0, tiles, 1, (t0, t1) -> {
      for (int t = t0; t < t1; t++) {
        int lo = t * tile, hi = Math.min(b, lo + tile);
        for (int o = 0; o < out; o++) row(o, cols, 0, lo, hi, xt, b, yt, o * b);
      }
    });
  }

  /**
   * Columns per tile: a multiple of 4 vectors whose rows of xᵀ (in × tile floats) fit in ~256 KB,
   * so that every output row re-reads the tile from cache, not memory (im2col matrices of a batch
   * are megabytes). Depends on the shape only, never on the thread count.
   */
  private int tileColumns(int b) {
    int t = Math.max(4 * L, (1 << 16) / Math.max(1, in) / (4 * L) * (4 * L));
    return Math.min(b, t);
  }

  /**
   * y[yo + r] = b_o + Σ_k values[k] · x[(idx[k] + pos)·b + r] for r in [lo, hi), over row o's
   * non-zeros k in column order: with idx = the CSR columns and pos = 0 the linear form (x = xᵀ
   * [in, B]); {@link SparseConv2d} passes the non-zeros' offsets in a [C, H, W, B] input and the
   * output position, so a convolution runs the same fma chains without an im2col matrix.
   */
  void row(int o, int[] idx, int pos, int lo, int hi, float[] x, int b, float[] y, int yo) {
    int k0 = rowPtr[o], k1 = rowPtr[o + 1];
    float bo = bias == null ? 0f : bias[o];
    int r = lo;
    for (; r + 4 * L <= hi; r += 4 * L) { // four vectors of the batch: four independent fma chains per non-zero
      FloatVector a0 = FloatVector.broadcast(S, bo), a1 = a0, a2 = a0, a3 = a0;
      for (int k = k0; k < k1; k++) {
        FloatVector v = FloatVector.broadcast(S, values[k]);
        int base = (idx[k] + pos) * b + r;
        a0 = FloatVector.fromArray(S, x, base).fma(v, a0);
        a1 = FloatVector.fromArray(S, x, base + L).fma(v, a1);
        a2 = FloatVector.fromArray(S, x, base + 2 * L).fma(v, a2);
        a3 = FloatVector.fromArray(S, x, base + 3 * L).fma(v, a3);
      }
      a0.intoArray(y, yo + r);
      a1.intoArray(y, yo + r + L);
      a2.intoArray(y, yo + r + 2 * L);
      a3.intoArray(y, yo + r + 3 * L);
    }
    for (; r + L <= hi; r += L) { // one vector of the batch kept in a register across the row
      FloatVector acc = FloatVector.broadcast(S, bo);
      for (int k = k0; k < k1; k++) acc = FloatVector.fromArray(S, x, (idx[k] + pos) * b + r).fma(FloatVector.broadcast(S, values[k]), acc);
      acc.intoArray(y, yo + r);
    }
    for (; r < hi; r++) { // the batch's last columns (all of batch 1): four interleaved chains, summed at the end
      float c0 = bo, c1 = 0f, c2 = 0f, c3 = 0f;
      int k = k0;
      for (; k + 4 <= k1; k += 4) {
        c0 = Math.fma(values[k], x[(idx[k] + pos) * b + r], c0);
        c1 = Math.fma(values[k + 1], x[(idx[k + 1] + pos) * b + r], c1);
        c2 = Math.fma(values[k + 2], x[(idx[k + 2] + pos) * b + r], c2);
        c3 = Math.fma(values[k + 3], x[(idx[k + 3] + pos) * b + r], c3);
      }
      for (; k < k1; k++) c0 = Math.fma(values[k], x[(idx[k] + pos) * b + r], c0);
      y[yo + r] = (c0 + c1) + (c2 + c3);
    }
  }

  /**
   * The dense weight [out, in] (for tests and export).
   *
   * @return the weight, zeros where the CSR holds nothing
   */
  public Tensor dense() {
    Tensor w = Tensor.zeros(out, in);
    for (int o = 0; o < out; o++) for (int k = rowPtr[o]; k < rowPtr[o + 1]; k++) w.data()[o * in + cols[k]] = values[k];
    return w;
  }
}
