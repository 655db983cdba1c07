package dev.fivefold.compress;

import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Parallel;

/**
 * Inference for a pruned Linear without densifying: W [out, in] in CSR by output row (row
 * pointers, column indices, values), y [B, out] = x [B, in] · W_sparseᵀ + b.
 *
 * <p>Kernel: x is transposed once to xᵀ [in, B] so that each non-zero (o, c, v) does a contiguous
 * axpy yᵀ[o, :] += v · xᵀ[c, :] over the batch; rows are split across threads (each row of yᵀ is
 * written by one thread, in a fixed order, so the result does not depend on the thread count).
 * Work is nnz · B multiply-adds against out · in · B for the dense SGEMM.
 */
public final class SparseLinear {
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

  /** CSR of the non-zeros of {@code w} [out, in]; bias [out] or null. */
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

  public int nonZeros() {
    return values.length;
  }

  public int inFeatures() {
    return in;
  }

  public int outFeatures() {
    return out;
  }

  /** y [B, out] = x [B, in] · Wᵀ + b. */
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
   */
  public void forward(float[] x, int b, float[] y, float[] xt, float[] yt) {
    for (int r = 0; r < b; r++) for (int c = 0; c < in; c++) xt[c * b + r] = x[r * in + c]; // [in, B]
    long work = (long) values.length * b;
    int grain = (int) Math.max(1, Math.min(out, (1L << 16) * out / Math.max(1, work)));
    Parallel.forRange(0, out, grain, (lo, hi) -> {
      for (int o = lo; o < hi; o++) {
        int yo = o * b;
        float bo = bias == null ? 0f : bias[o];
        for (int r = 0; r < b; r++) yt[yo + r] = bo;
        for (int k = rowPtr[o]; k < rowPtr[o + 1]; k++) {
          float v = values[k];
          int xo = cols[k] * b;
          for (int r = 0; r < b; r++) yt[yo + r] += v * xt[xo + r];
        }
      }
    });
    for (int r = 0; r < b; r++) for (int o = 0; o < out; o++) y[r * out + o] = yt[o * b + r]; // [B, out]
  }

  /** The dense weight [out, in] (for tests and export). */
  public Tensor dense() {
    Tensor w = Tensor.zeros(out, in);
    for (int o = 0; o < out; o++) for (int k = rowPtr[o]; k < rowPtr[o + 1]; k++) w.data()[o * in + cols[k]] = values[k];
    return w;
  }
}
