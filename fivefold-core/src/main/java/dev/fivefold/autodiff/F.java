package dev.fivefold.autodiff;

import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;

/**
 * The differentiable functions: each runs its forward now and records itself on the inputs'
 * tape. Composite functions (neg, scale, mean of all, transpose) are built from the primitives.
 *
 * <p>Shapes follow NumPy/PyTorch conventions; a mismatch throws {@link IllegalArgumentException}
 * naming both shapes. NaN propagates as IEEE arithmetic does (no op hides it).
 */
public final class F {
  private F() {}

  // elementwise, broadcasting
  public static Var add(Var a, Var b) { return Elementwise.binary(Op.ADD, a, b); }
  public static Var sub(Var a, Var b) { return Elementwise.binary(Op.SUB, a, b); }
  public static Var mul(Var a, Var b) { return Elementwise.binary(Op.MUL, a, b); }
  public static Var div(Var a, Var b) { return Elementwise.binary(Op.DIV, a, b); }
  /** c·a + d with constants. */
  public static Var affine(Var a, float c, float d) { return Elementwise.affine(a, c, d); }
  public static Var scale(Var a, float c) { return Elementwise.affine(a, c, 0f); }
  public static Var neg(Var a) { return Elementwise.affine(a, -1f, 0f); }

  // unary
  public static Var exp(Var a) { return Elementwise.unary(Op.EXP, a, 0f); }
  public static Var log(Var a) { return Elementwise.unary(Op.LOG, a, 0f); }
  public static Var sqrt(Var a) { return Elementwise.unary(Op.SQRT, a, 0f); }
  /** a^p for a constant exponent p. */
  public static Var pow(Var a, float p) { return Elementwise.unary(Op.POW, a, p); }
  public static Var tanh(Var a) { return Elementwise.unary(Op.TANH, a, 0f); }
  public static Var sigmoid(Var a) { return Elementwise.unary(Op.SIGMOID, a, 0f); }
  public static Var relu(Var a) { return Elementwise.unary(Op.RELU, a, 0f); }
  /** GELU, tanh approximation (Hendrycks &amp; Gimpel 2016; PyTorch {@code approximate='tanh'}). */
  public static Var gelu(Var a) { return Elementwise.unary(Op.GELU, a, 0f); }

  // reductions
  public static Var sum(Var a, int axis, boolean keepDim) { return Reduce.along(Op.SUM, a, axis, keepDim); }
  public static Var mean(Var a, int axis, boolean keepDim) { return Reduce.along(Op.MEAN, a, axis, keepDim); }
  public static Var max(Var a, int axis, boolean keepDim) { return Reduce.along(Op.MAX, a, axis, keepDim); }
  public static Var sum(Var a) { return Reduce.sumAll(a); }
  public static Var mean(Var a) { return scale(Reduce.sumAll(a), 1f / Math.max(1, a.value().size())); }

  // linear algebra
  /** a [..., M, K] · b [..., K, N]; a 2-D b is shared across a's leading dimensions. */
  public static Var matmul(Var a, Var b) { return LinAlg.matmul(a, b); }
  /** x·Wᵀ + b with W [out, in]; bias may be null. */
  public static Var linear(Var x, Var w, Var bias) { return LinAlg.linear(x, w, bias); }

  // probability and normalisation
  public static Var softmax(Var a) { return Prob.softmax(Op.SOFTMAX, a); }
  public static Var logSoftmax(Var a) { return Prob.softmax(Op.LOG_SOFTMAX, a); }
  /** Mean cross-entropy (nats) of logits [..., C] against integer targets, one per row. */
  public static Var crossEntropy(Var logits, int[] targets) { return Prob.softmaxCrossEntropy(logits, targets); }
  /**
   * −(1/N) Σ_n Σ_c q_nc · log softmax(s_n)_c: mean cross-entropy of logits s [N, C] against target
   * distributions q [N, C] (a constant); its gradient is (softmax(s) − q) / N.
   */
  public static Var softCrossEntropy(Var logits, Tensor q) { return Prob.softCrossEntropy(logits, q); }
  public static Var mse(Var a, Var b) { return Prob.mse(a, b); }
  public static Var layerNorm(Var x, Var w, Var b, float eps) { return Prob.layerNorm(x, w, b, eps); }

  // shape
  public static Var reshape(Var a, int... dims) { return Shapes.reshape(a, dims); }
  public static Var permute(Var a, int... perm) { return Shapes.permute(a, perm); }
  /** Swaps two axes. */
  public static Var transpose(Var a, int axis0, int axis1) {
    int r = a.shape().rank();
    int[] p = new int[r];
    for (int i = 0; i < r; i++) p[i] = i;
    int x = a.shape().axis(axis0), y = a.shape().axis(axis1);
    p[x] = y;
    p[y] = x;
    return Shapes.permute(a, p);
  }
  public static Var slice(Var a, int axis, int start, int end) { return Shapes.slice(a, axis, start, end); }
  public static Var concat(int axis, Var... parts) { return Shapes.concat(axis, parts); }

  // lookup, regularisation
  /** Rows of table W [V, C] at the given indices; output shape idxShape + [C]. */
  public static Var embedding(Var table, int[] indices, int... idxShape) { return Lookup.embedding(table, indices, idxShape); }
  /** Inverted dropout with drop probability p (identity when p = 0). */
  public static Var dropout(Var a, float p, Rng rng) { return p == 0f ? a : Lookup.dropout(a, p, rng); }

  // vision
  public static Var conv2d(Var x, Var w, Var bias, int stride, int pad) { return Vision.conv2d(x, w, bias, stride, pad); }
  public static Var maxPool2d(Var x, int k, int stride) { return Vision.pool(Op.MAX_POOL2D, x, k, stride); }
  public static Var avgPool2d(Var x, int k, int stride) { return Vision.pool(Op.AVG_POOL2D, x, k, stride); }

  // normalisation across the batch and across channels, global pooling (Norms)
  /**
   * Batch normalisation over axis 1 of x [N, C] or [N, C, ...] with weight and bias [C]
   * (PyTorch's {@code F.batch_norm}): with {@code training}, the batch's per-channel mean and
   * biased variance, and the running statistics (if not null) updated in place with
   * {@code momentum} (the variance unbiased); otherwise the running statistics.
   */
  public static Var batchNorm(Var x, Var w, Var b, Tensor runningMean, Tensor runningVar, boolean training, float momentum, float eps) {
    return Norms.batchNorm(x, w, b, runningMean, runningVar, training, momentum, eps);
  }
  /** Local response normalisation across channels of x [N, C, ...], PyTorch's size/α/β/k (α divided by size). */
  public static Var localResponseNorm(Var x, int size, float alpha, float beta, float k) { return Norms.localResponseNorm(x, size, alpha, beta, k); }
  /** Group normalisation of x [N, C, ...] in {@code groups} groups of channels, weight and bias [C]. */
  public static Var groupNorm(Var x, int groups, Var w, Var b, float eps) { return Norms.groupNorm(x, groups, w, b, eps); }
  /** Global average pooling: x [N, C, H, W] → [N, C], the mean of each plane (a reshape and a mean). */
  public static Var globalAvgPool2d(Var x) {
    var s = x.shape();
    if (s.rank() != 4 || s.size() == 0) throw new IllegalArgumentException("global average pooling input must be [N, C, H, W] and not empty, got " + s);
    return mean(reshape(x, s.dim(0), s.dim(1), s.dim(2) * s.dim(3)), 2, false);
  }

  // sequence
  /** Fused causal self-attention of qkv [B, T, 3C] with nHead heads; output [B, T, C]. */
  public static Var causalAttention(Var qkv, int nHead) { return Attention.causal(qkv, nHead); }

  /**
   * Fused bidirectional (encoder, non-causal) self-attention of qkv [B, T, 3C] with nHead heads:
   * softmax(Q Kᵀ / √hs) V over all T keys, as in BERT and ViT; output [B, T, C].
   */
  public static Var attention(Var qkv, int nHead) { return Attention.bidirectional(qkv, nHead); }

  /**
   * Bidirectional attention with a key (padding) mask: {@code visible[b·T + j]} says whether the
   * queries of sample b may attend to key j (PyTorch's {@code key_padding_mask} is its negation).
   * Hidden keys get probability exactly 0 and no gradient through the attention weights; a sample
   * whose keys are all visible gives exactly {@link #attention(Var, int)}'s result.
   *
   * @throws IllegalArgumentException if visible has not B·T entries or a sample sees no key
   */
  public static Var attention(Var qkv, int nHead, boolean[] visible) { return Attention.masked(qkv, nHead, visible); }

  /** The attention probabilities [B, nh, T, T] saved by a {@link #causalAttention} or {@link #attention} output. */
  public static Tensor attentionProbabilities(Var attentionOutput) {
    if (attentionOutput.op != Op.CAUSAL_ATTENTION && attentionOutput.op != Op.ATTENTION) throw new IllegalArgumentException("not an attention output: " + attentionOutput);
    var s = attentionOutput.shape();
    int t = s.dim(1);
    return Tensor.wrap((float[]) attentionOutput.saved, dev.fivefold.tensor.Shape.of(s.dim(0), attentionOutput.args[0], t, t));
  }

  // recurrent
  /**
   * One LSTM layer over a whole sequence (PyTorch's {@code nn.LSTM} layer, batch first, gates i, f, g, o):
   * x [B, T, I], states h0, c0 [B, H], W_ih [4H, I], W_hh [4H, H], b_ih, b_hh [4H]. Returns [B, T, 2H]:
   * h_t in the first H columns and c_t in the last H of every step (slice them apart).
   */
  public static Var lstm(Var x, Var h0, Var c0, Var wIh, Var wHh, Var bIh, Var bHh) { return Recurrent.lstm(x, h0, c0, wIh, wHh, bIh, bHh); }

  /**
   * One GRU layer over a whole sequence (PyTorch's {@code nn.GRU} layer, batch first, gates r, z, n):
   * x [B, T, I], h0 [B, H], W_ih [3H, I], W_hh [3H, H], b_ih, b_hh [3H]. Returns h [B, T, H].
   */
  public static Var gru(Var x, Var h0, Var wIh, Var wHh, Var bIh, Var bHh) { return Recurrent.gru(x, h0, wIh, wHh, bIh, bHh); }
}
