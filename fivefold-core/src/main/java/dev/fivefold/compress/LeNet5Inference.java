package dev.fivefold.compress;

import dev.fivefold.perception.LeNet5;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Conv;
import dev.fivefold.tensor.kernel.Gemm;
import dev.fivefold.tensor.kernel.Pool;
import dev.fivefold.tensor.kernel.VecOps;
import java.util.Map;

/**
 * Inference-only forward pass of a {@link LeNet5} (any widths C1-C2-H) on raw arrays, without the
 * tape, with every layer either dense or sparse, so that a pruned LeNet-5 runs without being
 * densified.
 *
 * <p>A convolution is a product with its im2col matrix: for the batch, col [C·5·5, B·P] holds
 * each image's patches side by side (P output positions per image), and the output is
 * Y [O, B·P] = W [O, C·5·5] · col + b. Dense: {@link Gemm#sgemm} (O·C·25 multiply-adds per
 * position). Sparse: {@link SparseLinear#forwardColumns} on the CSR of W's non-zeros (nnz per
 * position). Y is then laid out as [B, O, h, w], ReLU'd and max-pooled 2×2. fc1 and fc2 run as in
 * {@link MlpInference}. Both forms see the same weights and give the tape forward's logits up to
 * float rounding.
 *
 * <p>Scratch buffers are kept for the last batch size; not thread-safe (one instance per caller);
 * the kernels use the {@code Parallel} pool and give the same result for any thread count.
 */
public final class LeNet5Inference implements Inference {
  private static final int K = 5, SIDE = 28, P1 = 24 * 24, S1 = 12, P2 = 8 * 8, S2 = 4;
  private final MlpInference.Kind kind;
  private final int c1, c2, hidden;
  private final float[] w1, b1, w2, b2, w3, b3, w4, b4;
  private final SparseLinear conv1, conv2, fc1, fc2;
  private int scratchBatch = -1;
  private float[] col1, y1, a1, p1, col2, y2, a2, feat, h, logits, xt, yt;
  private int[] arg1, arg2;

  private LeNet5Inference(LeNet5 m, MlpInference.Kind kind) {
    this.kind = kind;
    int[] w = m.widths();
    c1 = w[0];
    c2 = w[1];
    hidden = w[2];
    Map<String, Tensor> sd = m.stateDict();
    w1 = sd.get("conv1.weight").data(); // [C1, 1, 5, 5] = [C1, 25]
    b1 = sd.get("conv1.bias").data();
    w2 = sd.get("conv2.weight").data(); // [C2, C1·25]
    b2 = sd.get("conv2.bias").data();
    w3 = sd.get("fc1.weight").data(); // [H, 16·C2]
    b3 = sd.get("fc1.bias").data();
    w4 = sd.get("fc2.weight").data(); // [10, H]
    b4 = sd.get("fc2.bias").data();
    boolean sparse = kind == MlpInference.Kind.SPARSE;
    conv1 = sparse ? SparseLinear.of(Tensor.of(w1, c1, K * K), Tensor.of(b1, c1)) : null;
    conv2 = sparse ? SparseLinear.of(Tensor.of(w2, c2, c1 * K * K), Tensor.of(b2, c2)) : null;
    fc1 = sparse ? SparseLinear.of(Tensor.of(w3, hidden, 16 * c2), Tensor.of(b3, hidden)) : null;
    fc2 = sparse ? SparseLinear.of(Tensor.of(w4, 10, hidden), Tensor.of(b4, 10)) : null;
  }

  /** A snapshot of {@code m}'s current weights in the given form. */
  public static LeNet5Inference of(LeNet5 m, MlpInference.Kind kind) {
    return new LeNet5Inference(m, kind);
  }

  @Override
  public int features() {
    return SIDE * SIDE;
  }

  @Override
  public int classes() {
    return 10;
  }

  /** Multiply-adds per image: conv1 at 24×24 positions, conv2 at 8×8, fc1, fc2 (dense: all weights; sparse: the non-zeros). */
  @Override
  public long multiplyAdds() {
    if (kind == MlpInference.Kind.DENSE) return (long) c1 * K * K * P1 + (long) c2 * c1 * K * K * P2 + (long) hidden * 16 * c2 + 10L * hidden;
    return (long) conv1.nonZeros() * P1 + (long) conv2.nonZeros() * P2 + fc1.nonZeros() + fc2.nonZeros();
  }

  @Override
  public float[] logits(float[] x, int batch) {
    if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be ≥ 1");
    if (x.length < (long) batch * SIDE * SIDE) throw new IllegalArgumentException("input has " + x.length + " values, need batch " + batch + " × 784");
    ensureScratch(batch);
    for (int n = 0; n < batch; n++) Conv.im2col(x, n * SIDE * SIDE, 1, SIDE, SIDE, K, K, 1, 0, col1, n * P1, batch * P1);
    conv(conv1, w1, b1, c1, K * K, col1, batch * P1, y1);
    unfoldReluPool(y1, c1, batch, P1, a1, p1, arg1, 24);
    for (int n = 0; n < batch; n++) Conv.im2col(p1, n * c1 * S1 * S1, c1, S1, S1, K, K, 1, 0, col2, n * P2, batch * P2);
    conv(conv2, w2, b2, c2, c1 * K * K, col2, batch * P2, y2);
    unfoldReluPool(y2, c2, batch, P2, a2, feat, arg2, 8); // feat [B, C2·16], fc1's input order
    linear(fc1, w3, b3, batch, 16 * c2, hidden, feat, h);
    VecOps.relu(h, 0, h, 0, batch * hidden);
    linear(fc2, w4, b4, batch, hidden, 10, h, logits);
    return logits;
  }

  /** Y [out, cols] = W [out, in] · X [in, cols] + b, dense or sparse. */
  private void conv(SparseLinear sp, float[] w, float[] bias, int out, int in, float[] x, int cols, float[] y) {
    if (sp != null) {
      sp.forwardColumns(x, cols, y);
      return;
    }
    Gemm.sgemm(false, false, out, cols, in, w, 0, in, x, 0, cols, 0f, y, 0, cols);
    for (int o = 0; o < out; o++) {
      float b = bias[o];
      for (int j = o * cols, e = j + cols; j < e; j++) y[j] += b;
    }
  }

  /** Y [C, B·P] → [B, C, side, side], then ReLU and 2×2 max-pool into {@code pooled} [B, C, side/2, side/2]. */
  private static void unfoldReluPool(float[] y, int c, int batch, int p, float[] a, float[] pooled, int[] arg, int side) {
    for (int ch = 0; ch < c; ch++) {
      for (int n = 0; n < batch; n++) System.arraycopy(y, ch * batch * p + n * p, a, (n * c + ch) * p, p);
    }
    VecOps.relu(a, 0, a, 0, batch * c * p);
    Pool.maxPool2dForward(a, 0, batch * c, side, side, 2, 2, pooled, 0, arg, 0);
  }

  /** y [B, out] = x [B, in] · Wᵀ + b, dense or sparse. */
  private void linear(SparseLinear sp, float[] w, float[] bias, int batch, int in, int out, float[] x, float[] y) {
    if (sp != null) {
      sp.forward(x, batch, y, xt, yt);
      return;
    }
    Gemm.sgemm(false, true, batch, out, in, x, 0, in, w, 0, in, 0f, y, 0, out);
    VecOps.addRowBroadcast(y, 0, batch, out, bias, 0);
  }

  private void ensureScratch(int batch) {
    if (batch == scratchBatch) return;
    col1 = new float[K * K * batch * P1];
    y1 = new float[c1 * batch * P1];
    a1 = new float[c1 * batch * P1];
    p1 = new float[batch * c1 * S1 * S1];
    arg1 = new int[p1.length];
    col2 = new float[c1 * K * K * batch * P2];
    y2 = new float[c2 * batch * P2];
    a2 = new float[c2 * batch * P2];
    feat = new float[batch * c2 * S2 * S2];
    arg2 = new int[feat.length];
    h = new float[batch * hidden];
    logits = new float[batch * 10];
    int widest = Math.max(16 * c2, hidden);
    xt = new float[widest * batch];
    yt = new float[widest * batch];
    scratchBatch = batch;
  }
}
