package dev.fivefold.nn;

import dev.fivefold.compress.Inference;

import dev.fivefold.perception.LeNet5;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Conv;
import dev.fivefold.tensor.kernel.Gemm;
import dev.fivefold.tensor.kernel.Parallel;
import dev.fivefold.tensor.kernel.Pool;
import dev.fivefold.tensor.kernel.VecOps;
import java.util.Map;

/**
 * The implementation before the one forward (kept verbatim as a test oracle: the models\' tape-free
 * forward must give bit-identical logits). Inference-only forward pass of a {@link LeNet5} (any widths C1-C2-H) on raw arrays, without the
 * tape, with every layer either dense or sparse, so that a pruned LeNet-5 runs without being
 * densified.
 *
 * <p>Dense: a convolution is a product with its im2col matrix: for the batch, col [C·5·5, B·P]
 * holds each image's patches side by side (P output positions per image; images split across
 * threads), and Y [O, B·P] = W [O, C·5·5] · col + b by {@link Gemm#sgemm} (O·C·25 multiply-adds per
 * position); Y is laid out as [B, O, h, w], ReLU'd and max-pooled 2×2; fc1 and fc2 as in
 * {@link MlpInference}. Sparse, batches of at least one vector of images: every activation
 * batch-innermost, [C, H, W, B]; the convolutions straight from their non-zeros
 * ({@link SparseConv2d}, nnz multiply-adds per position, no patch matrix), fc1 and fc2 by
 * {@link SparseLinear#forwardColumns} on [features, B]. Sparse, smaller batches: as dense, with
 * the convolutions' CSR times the im2col matrix (vectors along the positions) and CSR fc layers. Both forms see the same weights and give the tape forward's logits up to
 * float rounding.
 *
 * <p>Scratch buffers are kept for the last batch size; not thread-safe (one instance per caller);
 * the kernels use the {@code Parallel} pool and give the same result for any thread count.
 */
public final class LegacyLeNet5Inference {
  private static final int K = 5, SIDE = 28, P1 = 24 * 24, S1 = 12, P2 = 8 * 8, S2 = 4;
  /**
   * Smallest batch for the batch-innermost sparse form: one vector of images. Below it the sparse
   * convolutions multiply the im2col matrix instead, where the vectors run along the positions.
   */
  static final int DIRECT_MIN_BATCH = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
  private final Inference.Kind kind;
  private final int c1, c2, hidden;
  private final float[] w1, b1, w2, b2, w3, b3, w4, b4;
  private final SparseConv2d conv1, conv2;
  private final SparseLinear fc1, fc2;
  private int scratchBatch = -1;
  private float[] col1, y1, a1, p1, col2, y2, a2, feat, h, logits, xt, yt, lt;
  private int[] arg1, arg2;

  private LegacyLeNet5Inference(LeNet5 m, Inference.Kind kind) {
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
    boolean sparse = kind == Inference.Kind.SPARSE;
    conv1 = sparse ? SparseConv2d.of(Tensor.of(w1, c1, 1, K, K), Tensor.of(b1, c1)) : null;
    conv2 = sparse ? SparseConv2d.of(Tensor.of(w2, c2, c1, K, K), Tensor.of(b2, c2)) : null;
    fc1 = sparse ? SparseLinear.of(Tensor.of(w3, hidden, 16 * c2), Tensor.of(b3, hidden)) : null;
    fc2 = sparse ? SparseLinear.of(Tensor.of(w4, 10, hidden), Tensor.of(b4, 10)) : null;
  }

  /** A snapshot of {@code m}'s current weights in the given form. */
  public static LegacyLeNet5Inference of(LeNet5 m, Inference.Kind kind) {
    return new LegacyLeNet5Inference(m, kind);
  }

  public int features() {
    return SIDE * SIDE;
  }

  public int classes() {
    return 10;
  }

  /** Multiply-adds per image: conv1 at 24×24 positions, conv2 at 8×8, fc1, fc2 (dense: all weights; sparse: the non-zeros). */
  public long multiplyAdds() {
    if (kind == Inference.Kind.DENSE) return (long) c1 * K * K * P1 + (long) c2 * c1 * K * K * P2 + (long) hidden * 16 * c2 + 10L * hidden;
    return (long) conv1.nonZeros() * P1 + (long) conv2.nonZeros() * P2 + fc1.nonZeros() + fc2.nonZeros();
  }

  public float[] logits(float[] x, int batch) {
    if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be ≥ 1");
    if (x.length < (long) batch * SIDE * SIDE) throw new IllegalArgumentException("input has " + x.length + " values, need batch " + batch + " × 784");
    ensureScratch(batch);
    if (kind == Inference.Kind.SPARSE && batch >= DIRECT_MIN_BATCH) return sparseLogits(x, batch);
    Parallel.forRange(0, batch, 1, (n0, n1) -> {
      for (int n = n0; n < n1; n++) Conv.im2colSerial(x, n * SIDE * SIDE, 1, SIDE, SIDE, K, K, 1, 0, col1, n * P1, batch * P1);
    });
    conv(conv1, w1, b1, c1, K * K, col1, batch * P1, y1);
    unfoldReluPool(y1, c1, batch, P1, a1, p1, arg1, 24);
    Parallel.forRange(0, batch, 1, (n0, n1) -> {
      for (int n = n0; n < n1; n++) Conv.im2colSerial(p1, n * c1 * S1 * S1, c1, S1, S1, K, K, 1, 0, col2, n * P2, batch * P2);
    });
    conv(conv2, w2, b2, c2, c1 * K * K, col2, batch * P2, y2);
    unfoldReluPool(y2, c2, batch, P2, a2, feat, arg2, 8); // feat [B, C2·16], fc1's input order
    linear(fc1, w3, b3, batch, 16 * c2, hidden, feat, h);
    VecOps.relu(h, 0, h, 0, batch * hidden);
    linear(fc2, w4, b4, batch, hidden, 10, h, logits);
    return logits;
  }

  /**
   * The sparse form, batch-innermost throughout: x as [1, 28, 28, B], each convolution straight
   * from its non-zeros ({@link SparseConv2d}), ReLU and pooling on [C, H, W, B], and the pooled
   * [C2, 4, 4, B] is fc1's input as columns [16·C2, B] ({@link SparseLinear#forwardColumns}).
   */
  private float[] sparseLogits(float[] x, int batch) {
    int f = SIDE * SIDE;
    VecOps.transpose(x, 0, batch, f, xt, 0);
    conv1.forward(xt, SIDE, SIDE, batch, y1);
    reluPool(y1, c1, 24, batch, p1);
    conv2.forward(p1, S1, S1, batch, y2);
    reluPool(y2, c2, 8, batch, feat);
    fc1.forwardColumns(feat, batch, h);
    VecOps.relu(h, 0, h, 0, batch * hidden);
    fc2.forwardColumns(h, batch, lt);
    VecOps.transpose(lt, 0, 10, batch, logits, 0);
    return logits;
  }

  /** pooled [C, side/2, side/2, B] = max(0, 2×2 max of y [C, side, side, B]) (ReLU and max commute). */
  private static void reluPool(float[] y, int c, int side, int b, float[] pooled) {
    int half = side / 2;
    Parallel.forRange(0, c * half, Math.max(1, 4096 / (half * b)), (lo, hi) -> {
      for (int t = lo; t < hi; t++) {
        int ch = t / half, i = t % half;
        for (int j = 0; j < half; j++) {
          int a = ((ch * side + 2 * i) * side + 2 * j) * b, d = a + side * b, dst = ((ch * half + i) * half + j) * b;
          for (int r = 0; r < b; r++) {
            float m = Math.max(Math.max(y[a + r], y[a + b + r]), Math.max(y[d + r], y[d + b + r]));
            pooled[dst + r] = Math.max(m, 0f);
          }
        }
      }
    });
  }

  /** Y [out, cols] = W [out, in] · X [in, cols] + b, dense or from the non-zeros. */
  private void conv(SparseConv2d sp, float[] w, float[] bias, int out, int in, float[] x, int cols, float[] y) {
    if (sp != null) {
      sp.asColumns().forwardColumns(x, cols, y);
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
    boolean dense = kind == Inference.Kind.DENSE || batch < DIRECT_MIN_BATCH; // patch matrices, layout copies, argmax
    col1 = dense ? new float[K * K * batch * P1] : null;
    y1 = new float[c1 * batch * P1];
    a1 = dense ? new float[c1 * batch * P1] : null;
    p1 = new float[batch * c1 * S1 * S1];
    arg1 = dense ? new int[p1.length] : null;
    col2 = dense ? new float[c1 * K * K * batch * P2] : null;
    y2 = new float[c2 * batch * P2];
    a2 = dense ? new float[c2 * batch * P2] : null;
    feat = new float[batch * c2 * S2 * S2];
    arg2 = dense ? new int[feat.length] : null;
    h = new float[batch * hidden];
    logits = new float[batch * 10];
    int widest = Math.max(Math.max(16 * c2, hidden), SIDE * SIDE);
    xt = new float[widest * batch];
    yt = new float[widest * batch];
    lt = new float[10 * batch];
    scratchBatch = batch;
  }
}
