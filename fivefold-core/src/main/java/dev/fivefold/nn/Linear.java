package dev.fivefold.nn;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.VecOps;

/**
 * y = x·Wᵀ + b over the last axis; W [out, in] as PyTorch; initialised as PyTorch does (U(±1/√in)).
 *
 * <p>The weight is stored dense, or, after {@link #sparsify()}, also as the CSR of its non-zeros
 * ({@link SparseLinear}): the forward then runs from the non-zeros (nnz multiply-adds per row
 * instead of out·in, same weights, the same logits up to float rounding since the sums run in
 * another order) and is inference only: on a recording tape it refuses, {@link #densify()} first.
 * The CSR is a snapshot of the weight when {@code sparsify()} was called. Its output lives in a
 * scratch buffer of the layer, valid until the layer's next forward (as a tape's values are until
 * the tape's reset).
 */
public final class Linear extends Module {
  private final Parameter weight;
  private final Parameter bias;
  private final int in, out;
  private SparseLinear csr;
  private float[] xt, yt, y;

  /**
   * A fully connected layer with a weight [out, in] and, if {@code bias}, a bias [out] (excluded from weight
   * decay).
   *
   * @param in input features, at least 1
   * @param out output features, at least 1
   * @param bias whether to add a bias
   * @param rng the source of the initial weights
   * @throws IllegalArgumentException if {@code in} or {@code out} is below 1
   */
  public Linear(int in, int out, boolean bias, Rng rng) {
    if (in < 1 || out < 1) throw new IllegalArgumentException("Linear sizes (" + in + ", " + out + ") must be >= 1");
    this.in = in;
    this.out = out;
    this.weight = parameter("weight", Init.torchDefault(rng, in, out, in));
    this.bias = bias ? parameter("bias", Init.torchDefault(rng, in, out)).noDecay() : null;
  }

  /**
   * A fully connected layer with a bias.
   *
   * @param in input features, at least 1
   * @param out output features, at least 1
   * @param rng the source of the initial weights
   */
  public Linear(int in, int out, Rng rng) {
    this(in, out, true, rng);
  }

  @Override
  public Var forward(Var x) {
    if (csr != null) return sparseForward(x);
    return F.linear(x, weight.on(x.tape()), bias == null ? null : bias.on(x.tape()));
  }

  /** The CSR forward: y [rows, out] from x [..., in] by {@link SparseLinear#forward(float[], int, float[], float[], float[])}. */
  private Var sparseForward(Var x) {
    if (x.tape().recording()) throw new IllegalStateException("Linear(" + in + ", " + out + ") holds its weight as CSR (inference only); densify() to train");
    Shape s = x.shape();
    if (s.rank() < 1 || s.dim(-1) != in) throw new IllegalArgumentException("linear input " + s + " does not end in " + in + " features");
    int rows = s.size() / in;
    if (y == null || y.length != rows * out) {
      y = new float[rows * out];
      xt = new float[rows * in];
      yt = new float[rows * out];
    }
    csr.forward(x.data(), rows, y, xt, yt);
    int[] dims = s.dims();
    dims[dims.length - 1] = out;
    return x.tape().input(Tensor.wrap(y, Shape.of(dims)));
  }

  /**
   * The CSR forward on batch-innermost activations (inference tape only): x holds the N inputs as
   * columns, shape [d1, ..., dk, N] with d1·…·dk = in features in this layer's order (e.g. a pooled
   * [C, H, W, N] map from {@link Conv2d#reluMaxPool2BatchInnermost}, whose [N, C·H·W] flatten is
   * this layer's input), and {@link SparseLinear#forwardColumns} reads it directly, without the
   * transposes of the row form. The output is [out, N] when {@code outputBatchInnermost} (for the
   * next such layer; an elementwise activation between them does not care), else [N, out]. The
   * same values as {@link #forward} on the row form: the transposes only copy.
   *
   * @param x the input, [d1, ..., dk, N] with d1·…·dk = in
   * @param outputBatchInnermost whether to return [out, N] rather than [N, out]
   * @return y, [out, N] or [N, out], in a scratch buffer of this layer valid until its next forward
   * @throws IllegalStateException if the layer is dense or the tape records
   * @throws IllegalArgumentException if the input is not {@code in} features by N
   */
  public Var forwardBatchInnermost(Var x, boolean outputBatchInnermost) {
    if (csr == null) throw new IllegalStateException("Linear(" + in + ", " + out + ") is dense; the batch-innermost forward runs from the CSR (sparsify() first)");
    if (x.tape().recording()) throw new IllegalStateException("Linear(" + in + ", " + out + ") holds its weight as CSR (inference only); densify() to train");
    Shape s = x.shape();
    int n = s.rank() < 2 ? 0 : s.dim(-1);
    if (n < 1 || s.size() / n != in) throw new IllegalArgumentException("batch-innermost linear input " + s + " is not " + in + " features by N");
    if (y == null || y.length != n * out) {
      y = new float[n * out];
      xt = new float[n * in];
      yt = new float[n * out];
    }
    csr.forwardColumns(x.data(), n, yt);
    if (outputBatchInnermost) return x.tape().input(Tensor.wrap(yt, Shape.of(out, n)));
    VecOps.transpose(yt, 0, out, n, y, 0);
    return x.tape().input(Tensor.wrap(y, Shape.of(n, out)));
  }

  /**
   * Holds the weight also as the CSR of its current non-zeros; the forward then runs from them (inference only).
   *
   * @return this layer
   */
  public Linear sparsify() {
    csr = SparseLinear.of(weight.value(), bias == null ? null : bias.value());
    return this;
  }

  /**
   * Back to the dense forward (the dense weight was kept all along).
   *
   * @return this layer
   */
  public Linear densify() {
    csr = null;
    xt = yt = y = null;
    return this;
  }

  /**
   * {@return whether the forward runs from the CSR ({@link #sparsify()} called, {@link #densify()} not
   * since)}
   */
  public boolean isSparse() {
    return csr != null;
  }

  /**
   * Multiply-adds per input row: out·in dense, the non-zeros held when sparse.
   *
   * @return the multiply-adds per row
   */
  public long multiplyAdds() {
    return csr != null ? csr.nonZeros() : (long) in * out;
  }

  /** {@return the weight [out, in]} */
  public Parameter weight() {
    return weight;
  }

  /** {@return the bias [out], or null if the layer has none} */
  public Parameter bias() {
    return bias;
  }

  /** {@return the input features} */
  public int inFeatures() {
    return in;
  }

  /** {@return the output features} */
  public int outFeatures() {
    return out;
  }

  /**
   * Re-initialises the weight (e.g. He or GPT's N(0, 0.02)); the bias is zeroed.
   *
   * @param w the new weight, [out, in]
   * @return this layer
   */
  public Linear init(Tensor w) {
    weight.value().copyFrom(w);
    if (bias != null) java.util.Arrays.fill(bias.value().data(), 0f);
    return this;
  }

  @Override
  protected Module blank() {
    return new Linear(in, out, bias != null, new Rng(0));
  }

  @Override
  void sparseLike(Module src) {
    if (((Linear) src).isSparse()) sparsify();
  }
}
