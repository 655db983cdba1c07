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
  /**
   * {@code a + b} element-wise, broadcasting.
   * @param a the first operand
   * @param b the second operand, broadcast against {@code a}
   * @return the result, of the broadcast shape of {@code a} and {@code b}
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  public static Var add(Var a, Var b) { return Elementwise.binary(Op.ADD, a, b); }
  /**
   * {@code a − b} element-wise, broadcasting.
   * @param a the first operand
   * @param b the second operand, broadcast against {@code a}
   * @return the result, of the broadcast shape of {@code a} and {@code b}
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  public static Var sub(Var a, Var b) { return Elementwise.binary(Op.SUB, a, b); }
  /**
   * {@code a · b} element-wise (Hadamard product), broadcasting.
   * @param a the first operand
   * @param b the second operand, broadcast against {@code a}
   * @return the result, of the broadcast shape of {@code a} and {@code b}
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  public static Var mul(Var a, Var b) { return Elementwise.binary(Op.MUL, a, b); }
  /**
   * {@code a / b} element-wise, broadcasting (IEEE: division by 0 gives ±∞ or NaN).
   * @param a the first operand
   * @param b the second operand, broadcast against {@code a}
   * @return the result, of the broadcast shape of {@code a} and {@code b}
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  public static Var div(Var a, Var b) { return Elementwise.binary(Op.DIV, a, b); }
  /**
   * c·a + d with constants.
   * @param a the input
   * @param c the constant factor
   * @param d the constant offset
   * @return a new variable of {@code a}'s shape
   */
  public static Var affine(Var a, float c, float d) { return Elementwise.affine(a, c, d); }
  /**
   * {@code c·a} for a constant c.
   * @param a the input
   * @param c the constant factor
   * @return a new variable of {@code a}'s shape
   */
  public static Var scale(Var a, float c) { return Elementwise.affine(a, c, 0f); }
  /**
   * {@code −a}.
   * @param a the input
   * @return a new variable of {@code a}'s shape
   */
  public static Var neg(Var a) { return Elementwise.affine(a, -1f, 0f); }

  // unary
  /**
   * {@code e^a} element-wise.
   * @param a the input
   * @return a new variable of {@code a}'s shape
   */
  public static Var exp(Var a) { return Elementwise.unary(Op.EXP, a, 0f); }
  /**
   * Natural logarithm element-wise (−∞ at 0, NaN below).
   * @param a the input
   * @return a new variable of {@code a}'s shape
   */
  public static Var log(Var a) { return Elementwise.unary(Op.LOG, a, 0f); }
  /**
   * Square root element-wise (NaN below 0).
   * @param a the input
   * @return a new variable of {@code a}'s shape
   */
  public static Var sqrt(Var a) { return Elementwise.unary(Op.SQRT, a, 0f); }
  /**
   * a^p for a constant exponent p.
   * @param a the base
   * @param p the constant exponent
   * @return a new variable of {@code a}'s shape
   */
  public static Var pow(Var a, float p) { return Elementwise.unary(Op.POW, a, p); }
  /**
   * Hyperbolic tangent element-wise.
   * @param a the input
   * @return a new variable of {@code a}'s shape
   */
  public static Var tanh(Var a) { return Elementwise.unary(Op.TANH, a, 0f); }
  /**
   * Logistic sigmoid {@code σ(a) = 1/(1 + e^−a)} element-wise.
   * @param a the input
   * @return a new variable of {@code a}'s shape
   */
  public static Var sigmoid(Var a) { return Elementwise.unary(Op.SIGMOID, a, 0f); }
  /**
   * {@code max(a, 0)} element-wise (NaN stays NaN); the gradient is 0 at and below 0.
   * @param a the input
   * @return a new variable of {@code a}'s shape
   */
  public static Var relu(Var a) { return Elementwise.unary(Op.RELU, a, 0f); }
  /**
   * GELU, tanh approximation (Hendrycks &amp; Gimpel 2016; PyTorch {@code approximate='tanh'}).
   * @param a the input
   * @return a new variable of {@code a}'s shape
   */
  public static Var gelu(Var a) { return Elementwise.unary(Op.GELU, a, 0f); }

  // reductions
  /**
   * Sum along one axis.
   * @param a the input
   * @param axis the axis reduced (negative counts from the end)
   * @param keepDim keep the reduced axis with length 1 rather than drop it
   * @return the reduction
   * @throws IllegalArgumentException if the axis is out of range
   */
  public static Var sum(Var a, int axis, boolean keepDim) { return Reduce.along(Op.SUM, a, axis, keepDim); }
  /**
   * Mean along one axis.
   * @param a the input
   * @param axis the axis reduced (negative counts from the end)
   * @param keepDim keep the reduced axis with length 1 rather than drop it
   * @return the reduction
   * @throws IllegalArgumentException if the axis is out of range
   */
  public static Var mean(Var a, int axis, boolean keepDim) { return Reduce.along(Op.MEAN, a, axis, keepDim); }
  /**
   * Maximum along one axis; the gradient goes to the first maximal element.
   * @param a the input
   * @param axis the axis reduced (negative counts from the end)
   * @param keepDim keep the reduced axis with length 1 rather than drop it
   * @return the reduction
   * @throws IllegalArgumentException if the axis is out of range
   */
  public static Var max(Var a, int axis, boolean keepDim) { return Reduce.along(Op.MAX, a, axis, keepDim); }
  /**
   * Sum of all elements.
   * @param a the input
   * @return a scalar (shape [])
   */
  public static Var sum(Var a) { return Reduce.sumAll(a); }
  /**
   * Mean of all elements (0 for an empty input).
   * @param a the input
   * @return a scalar (shape [])
   */
  public static Var mean(Var a) { return scale(Reduce.sumAll(a), 1f / Math.max(1, a.value().size())); }

  // linear algebra
  /**
   * a [..., M, K] · b [..., K, N]; a 2-D b is shared across a's leading dimensions.
   * @param a the left factor [..., M, K]
   * @param b the right factor [..., K, N] or [K, N]
   * @return the product [..., M, N]
   * @throws IllegalArgumentException if the inner dimensions or the leading dimensions differ
   */
  public static Var matmul(Var a, Var b) { return LinAlg.matmul(a, b); }
  /**
   * x·Wᵀ + b with W [out, in]; bias may be null.
   * @param x the input [..., in]
   * @param w the weight [out, in]
   * @param bias the bias [out], or null for none
   * @return the output [..., out]
   * @throws IllegalArgumentException if the shapes do not match
   */
  public static Var linear(Var x, Var w, Var bias) { return LinAlg.linear(x, w, bias); }

  // probability and normalisation
  /**
   * Softmax along the last axis, {@code e^{a_i − max a} / Σ_j e^{a_j − max a}}.
   * @param a the input
   * @return a new variable of {@code a}'s shape
   */
  public static Var softmax(Var a) { return Prob.softmax(Op.SOFTMAX, a); }
  /**
   * Log-softmax along the last axis, {@code a_i − max a − log Σ_j e^{a_j − max a}}.
   * @param a the input
   * @return a new variable of {@code a}'s shape
   */
  public static Var logSoftmax(Var a) { return Prob.softmax(Op.LOG_SOFTMAX, a); }
  /**
   * Mean cross-entropy (nats) of logits [..., C] against integer targets, one per row.
   * @param logits the unnormalised log-probabilities [..., C]
   * @param targets the class index in [0, C) of each row, one per row of {@code logits}
   * @return the mean loss, a scalar
   * @throws IllegalArgumentException if the number of targets differs from the number of rows or a target is
   *     out of range
   */
  public static Var crossEntropy(Var logits, int[] targets) { return Prob.softmaxCrossEntropy(logits, targets); }
  /**
   * −(1/N) Σ_n Σ_c q_nc · log softmax(s_n)_c: mean cross-entropy of logits s [N, C] against target
   * distributions q [N, C] (a constant); its gradient is (softmax(s) − q) / N.
   * @param logits the logits s [N, C]
   * @param q the target distributions [N, C], each row summing to 1 (not differentiated)
   * @return the mean loss, a scalar
   * @throws IllegalArgumentException if the shapes differ
   */
  public static Var softCrossEntropy(Var logits, Tensor q) { return Prob.softCrossEntropy(logits, q); }
  /**
   * Mean squared error {@code mean((a − b)²)} over all elements.
   * @param a the prediction
   * @param b the target, of the same shape
   * @return the mean, a scalar
   * @throws IllegalArgumentException if the shapes differ
   */
  public static Var mse(Var a, Var b) { return Prob.mse(a, b); }
  /**
   * Layer normalisation over the last axis (Ba et al. 2016): {@code (x − μ)/√(σ² + ε)·w + b}, with the biased
   * variance as PyTorch.
   * @param x the input [..., C]
   * @param w the weight (gain) [C]
   * @param b the bias [C]
   * @param eps ε added to the variance, &gt; 0 (PyTorch's default 1e-5)
   * @return the normalised input, of {@code x}'s shape
   * @throws IllegalArgumentException if the shapes do not match
   */
  public static Var layerNorm(Var x, Var w, Var b, float eps) { return Prob.layerNorm(x, w, b, eps); }

  // shape
  /**
   * The same elements in another shape (a view; one dimension may be −1, inferred).
   * @param a the input
   * @param dims the new dimensions, with the same number of elements
   * @return the reshaped variable, sharing {@code a}'s data
   * @throws IllegalArgumentException if the element counts differ
   */
  public static Var reshape(Var a, int... dims) { return Shapes.reshape(a, dims); }
  /**
   * Reorders the axes: output axis i is input axis {@code perm[i]} (a copy).
   * @param a the input
   * @param perm a permutation of 0..rank−1
   * @return the permuted copy
   * @throws IllegalArgumentException if {@code perm} is not a permutation of the axes
   */
  public static Var permute(Var a, int... perm) { return Shapes.permute(a, perm); }
  /**
   * Swaps two axes.
   * @param a the input
   * @param axis0 one axis (negative counts from the end)
   * @param axis1 the other axis
   * @return the permuted copy
   * @throws IllegalArgumentException if an axis is out of range
   */
  public static Var transpose(Var a, int axis0, int axis1) {
    int r = a.shape().rank();
    int[] p = new int[r];
    for (int i = 0; i < r; i++) p[i] = i;
    int x = a.shape().axis(axis0), y = a.shape().axis(axis1);
    p[x] = y;
    p[y] = x;
    return Shapes.permute(a, p);
  }
  /**
   * Elements {@code [start, end)} along {@code axis} (a copy).
   * @param a the input
   * @param axis the axis sliced (negative counts from the end)
   * @param start the first index kept, ≥ 0
   * @param end one past the last index kept, ≤ the axis length
   * @return the slice
   * @throws IllegalArgumentException if the axis or the range is out of bounds
   */
  public static Var slice(Var a, int axis, int start, int end) { return Shapes.slice(a, axis, start, end); }
  /**
   * Joins variables along {@code axis} (a copy); all other dimensions must agree.
   * @param axis the axis joined along (negative counts from the end)
   * @param parts the variables, in order, at least one
   * @return the concatenation
   * @throws IllegalArgumentException if the other dimensions differ
   */
  public static Var concat(int axis, Var... parts) { return Shapes.concat(axis, parts); }

  // lookup, regularisation
  /**
   * Rows of table W [V, C] at the given indices; output shape idxShape + [C].
   * @param table the embedding table W [V, C]
   * @param indices the row of each lookup, each in [0, V)
   * @param idxShape the shape of {@code indices}
   * @return the looked-up rows, shape idxShape + [C]
   * @throws IllegalArgumentException if an index is out of range or the shape does not match the indices
   */
  public static Var embedding(Var table, int[] indices, int... idxShape) { return Lookup.embedding(table, indices, idxShape); }
  /**
   * Inverted dropout with drop probability p (identity when p = 0).
   * Each element is zeroed with probability p and the others scaled by 1/(1 − p).
   * @param a the input
   * @param p the drop probability, in [0, 1)
   * @param rng the source of the masks
   * @return {@code a} itself when p = 0, else a new variable of its shape
   */
  public static Var dropout(Var a, float p, Rng rng) { return p == 0f ? a : Lookup.dropout(a, p, rng); }

  // vision
  /**
   * 2-D convolution (cross-correlation, as PyTorch's {@code F.conv2d}) by im2col and GEMM ({@link
   * dev.fivefold.tensor.kernel.Conv}).
   * @param x the input [N, C, H, W]
   * @param w the kernels [Cout, C, kh, kw]
   * @param bias the bias [Cout], or null for none
   * @param stride the stride along both axes, ≥ 1
   * @param pad the zero padding on each side, ≥ 0
   * @return the output [N, Cout, oh, ow], {@code oh = (H + 2·pad − kh)/stride + 1} (likewise ow)
   * @throws IllegalArgumentException if the shapes do not match or the kernel is larger than the padded input
   */
  public static Var conv2d(Var x, Var w, Var bias, int stride, int pad) { return Vision.conv2d(x, w, bias, stride, pad); }
  /**
   * Max pooling with a k×k window, no padding; the gradient goes to the first maximal element of each window.
   * @param x the input [N, C, H, W]
   * @param k the window side, ≥ 1
   * @param stride the stride, ≥ 1
   * @return the output [N, C, (H − k)/stride + 1, (W − k)/stride + 1]
   * @throws IllegalArgumentException if the input is not 4-D or the window does not fit
   */
  public static Var maxPool2d(Var x, int k, int stride) { return Vision.pool(Op.MAX_POOL2D, x, k, stride); }
  /**
   * Average pooling with a k×k window, no padding.
   * @param x the input [N, C, H, W]
   * @param k the window side, ≥ 1
   * @param stride the stride, ≥ 1
   * @return the output [N, C, (H − k)/stride + 1, (W − k)/stride + 1]
   * @throws IllegalArgumentException if the input is not 4-D or the window does not fit
   */
  public static Var avgPool2d(Var x, int k, int stride) { return Vision.pool(Op.AVG_POOL2D, x, k, stride); }

  // normalisation across the batch and across channels, global pooling (Norms)
  /**
   * Batch normalisation over axis 1 of x [N, C] or [N, C, ...] with weight and bias [C]
   * (PyTorch's {@code F.batch_norm}): with {@code training}, the batch's per-channel mean and
   * biased variance, and the running statistics (if not null) updated in place with
   * {@code momentum} (the variance unbiased); otherwise the running statistics.
   * @param x the input [N, C] or [N, C, ...]
   * @param w the weight (gain) [C]
   * @param b the bias [C]
   * @param runningMean the running mean [C], updated in training; may be null in training
   * @param runningVar the running (unbiased) variance [C], updated in training; may be null in training
   * @param training normalise by the batch's statistics (and update the running ones) rather than the running
   *     ones
   * @param momentum the weight of the batch statistic in the running update, in [0, 1] (PyTorch's default
   *     0.1)
   * @param eps ε added to the variance, &gt; 0
   * @return the normalised input, of {@code x}'s shape
   */
  public static Var batchNorm(Var x, Var w, Var b, Tensor runningMean, Tensor runningVar, boolean training, float momentum, float eps) {
    return Norms.batchNorm(x, w, b, runningMean, runningVar, training, momentum, eps);
  }
  /**
   * Local response normalisation across channels of x [N, C, ...], PyTorch's size/α/β/k (α divided by size).
   * @param x the input [N, C, ...]
   * @param size the number of neighbouring channels summed over, ≥ 1
   * @param alpha the scale α
   * @param beta the exponent β
   * @param k the additive constant k
   * @return the normalised input, of {@code x}'s shape
   */
  public static Var localResponseNorm(Var x, int size, float alpha, float beta, float k) { return Norms.localResponseNorm(x, size, alpha, beta, k); }
  /**
   * Group normalisation of x [N, C, ...] in {@code groups} groups of channels, weight and bias [C].
   * @param x the input [N, C, ...]
   * @param groups the number of groups, dividing C
   * @param w the weight (gain) [C]
   * @param b the bias [C]
   * @param eps ε added to the variance, &gt; 0
   * @return the normalised input, of {@code x}'s shape
   */
  public static Var groupNorm(Var x, int groups, Var w, Var b, float eps) { return Norms.groupNorm(x, groups, w, b, eps); }
  /**
   * Global average pooling: x [N, C, H, W] → [N, C], the mean of each plane (a reshape and a mean).
   * @param x the input [N, C, H, W], not empty
   * @return the plane means [N, C]
   * @throws IllegalArgumentException if the input is not 4-D or is empty
   */
  public static Var globalAvgPool2d(Var x) {
    var s = x.shape();
    if (s.rank() != 4 || s.size() == 0) throw new IllegalArgumentException("global average pooling input must be [N, C, H, W] and not empty, got " + s);
    return mean(reshape(x, s.dim(0), s.dim(1), s.dim(2) * s.dim(3)), 2, false);
  }

  // sequence
  /**
   * Fused causal self-attention of qkv [B, T, 3C] with nHead heads; output [B, T, C].
   * @param qkv the concatenated projections (Q, K, V) [B, T, 3C]
   * @param nHead the number of heads, dividing C
   * @return the attention output [B, T, C]
   */
  public static Var causalAttention(Var qkv, int nHead) { return Attention.causal(qkv, nHead); }

  /**
   * Fused bidirectional (encoder, non-causal) self-attention of qkv [B, T, 3C] with nHead heads:
   * softmax(Q Kᵀ / √hs) V over all T keys, as in BERT and ViT; output [B, T, C].
   * @param qkv the concatenated projections (Q, K, V) [B, T, 3C]
   * @param nHead the number of heads, dividing C
   * @return the attention output [B, T, C]
   */
  public static Var attention(Var qkv, int nHead) { return Attention.bidirectional(qkv, nHead); }

  /**
   * Bidirectional attention with a key (padding) mask: {@code visible[b·T + j]} says whether the
   * queries of sample b may attend to key j (PyTorch's {@code key_padding_mask} is its negation).
   * Hidden keys get probability exactly 0 and no gradient through the attention weights; a sample
   * whose keys are all visible gives exactly {@link #attention(Var, int)}'s result.
   *
   * @param qkv the concatenated projections (Q, K, V) [B, T, 3C]
   * @param nHead the number of heads, dividing C
   * @param visible the key mask [B·T], true where a key may be attended to
   * @return the attention output [B, T, C]
   * @throws IllegalArgumentException if visible has not B·T entries or a sample sees no key
   */
  public static Var attention(Var qkv, int nHead, boolean[] visible) { return Attention.masked(qkv, nHead, visible); }

  /**
   * The attention probabilities [B, nh, T, T] saved by a {@link #causalAttention} or {@link #attention}
   * output.
   * @param attentionOutput the output of {@link #causalAttention} or {@link #attention}
   * @return the saved probabilities, a view (not a copy) valid until the tape is reset
   * @throws IllegalArgumentException if the variable is not an attention output
   */
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
   * @param x the input sequence [B, T, I]
   * @param h0 the initial hidden state [B, H]
   * @param c0 the initial cell state [B, H]
   * @param wIh the input weights W_ih [4H, I]
   * @param wHh the recurrent weights W_hh [4H, H]
   * @param bIh the input bias b_ih [4H]
   * @param bHh the recurrent bias b_hh [4H]
   * @return h and c of every step [B, T, 2H]
   */
  public static Var lstm(Var x, Var h0, Var c0, Var wIh, Var wHh, Var bIh, Var bHh) { return Recurrent.lstm(x, h0, c0, wIh, wHh, bIh, bHh); }

  /**
   * One GRU layer over a whole sequence (PyTorch's {@code nn.GRU} layer, batch first, gates r, z, n):
   * x [B, T, I], h0 [B, H], W_ih [3H, I], W_hh [3H, H], b_ih, b_hh [3H]. Returns h [B, T, H].
   * @param x the input sequence [B, T, I]
   * @param h0 the initial hidden state [B, H]
   * @param wIh the input weights W_ih [3H, I]
   * @param wHh the recurrent weights W_hh [3H, H]
   * @param bIh the input bias b_ih [3H]
   * @param bHh the recurrent bias b_hh [3H]
   * @return h of every step [B, T, H]
   */
  public static Var gru(Var x, Var h0, Var wIh, Var wHh, Var bIh, Var bHh) { return Recurrent.gru(x, h0, wIh, wHh, bIh, bHh); }
}
