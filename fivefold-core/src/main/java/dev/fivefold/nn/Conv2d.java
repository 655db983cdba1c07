package dev.fivefold.nn;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Conv;
import dev.fivefold.tensor.kernel.Parallel;
import dev.fivefold.tensor.kernel.VecOps;

/**
 * 2-D convolution [N, C, H, W] → [N, O, H', W']; weight [O, C, k, k]; PyTorch's default init.
 *
 * <p>After {@link #sparsify()} (stride 1, no padding) the forward runs from the weight's non-zeros
 * (inference only, as {@link Linear}): for a batch of at least {@link #DIRECT_MIN_BATCH} images
 * (one vector of them) straight from the non-zeros on batch-innermost activations
 * ({@link SparseConv2d}: x [N, C·H·W] is transposed to [C, H, W, N], the result back to
 * [N, O, H', W']); below that, the CSR [O, C·k·k] times the im2col matrix (vectors along the
 * positions). Both give every output as one fixed fma chain, so the result does not depend on the
 * thread count. Output in a scratch buffer of the layer, valid until its next forward.
 */
public final class Conv2d extends Module {
  /** Smallest batch for the batch-innermost sparse form: one vector of images. */
  public static final int DIRECT_MIN_BATCH = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
  private final Parameter weight, bias;
  private final int inChannels, outChannels, kernel, stride, padding;
  private SparseConv2d csr;
  private float[] xt, yt, col, cols, y;

  /**
   * A convolution with a bias, initialised as PyTorch's.
   *
   * @param inChannels input channels C, at least 1
   * @param outChannels output channels O, at least 1
   * @param kernel the square kernel's side k, at least 1
   * @param stride the stride, at least 1
   * @param padding zeros added on each side, non-negative
   * @param rng the source of the initial weights
   * @throws IllegalArgumentException if a size is out of range
   */
  public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, Rng rng) {
    if (inChannels < 1 || outChannels < 1 || kernel < 1) {
      throw new IllegalArgumentException("Conv2d channels (" + inChannels + ", " + outChannels + ") and kernel (" + kernel + ") must be >= 1");
    }
    if (stride < 1 || padding < 0) throw new IllegalArgumentException("Conv2d stride (" + stride + ") must be >= 1, padding (" + padding + ") >= 0");
    int fanIn = inChannels * kernel * kernel;
    this.weight = parameter("weight", Init.torchDefault(rng, fanIn, outChannels, inChannels, kernel, kernel));
    this.bias = parameter("bias", Init.torchDefault(rng, fanIn, outChannels)).noDecay();
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernel = kernel;
    this.stride = stride;
    this.padding = padding;
  }

  @Override
  public Var forward(Var x) {
    if (csr != null) return sparseForward(x);
    return F.conv2d(x, weight.on(x.tape()), bias.on(x.tape()), stride, padding);
  }

  private Var sparseForward(Var x) {
    if (x.tape().recording()) throw new IllegalStateException("Conv2d holds its weight as CSR (inference only); densify() to train");
    Shape s = x.shape();
    if (s.rank() != 4 || s.dim(1) != inChannels) throw new IllegalArgumentException("conv2d input must be [N, " + inChannels + ", H, W], got " + s);
    int n = s.dim(0), h = s.dim(2), w = s.dim(3), oh = h - kernel + 1, ow = w - kernel + 1, p = oh * ow, chw = inChannels * h * w;
    if (oh < 1 || ow < 1) throw new IllegalArgumentException("conv2d kernel " + kernel + "x" + kernel + " larger than input " + s);
    float[] out = scratchOutput(n * outChannels * p);
    float[] in = x.data();
    if (n >= DIRECT_MIN_BATCH) { // [N, C·H·W] → [C, H, W, N], direct sparse convolution, → [N, O·P]
      xt = sized(xt, chw * n);
      yt = sized(yt, outChannels * p * n);
      VecOps.transpose(in, 0, n, chw, xt, 0);
      csr.forward(xt, h, w, n, yt);
      VecOps.transpose(yt, 0, outChannels * p, n, out, 0);
    } else { // CSR [O, C·k·k] · col [C·k·k, N·P] → [O, N·P] → [N, O, P]
      int ckk = inChannels * kernel * kernel, np = n * p;
      col = sized(col, ckk * np);
      cols = sized(cols, outChannels * np);
      float[] c = col, yc = cols;
      Parallel.forRange(0, n, 1, (n0, n1) -> {
        for (int img = n0; img < n1; img++) Conv.im2colSerial(in, img * chw, inChannels, h, w, kernel, kernel, 1, 0, c, img * p, np);
      });
      csr.asColumns().forwardColumns(c, np, yc);
      for (int o = 0; o < outChannels; o++) {
        for (int img = 0; img < n; img++) System.arraycopy(yc, o * np + img * p, out, (img * outChannels + o) * p, p);
      }
    }
    return x.tape().input(Tensor.wrap(out, Shape.of(n, outChannels, oh, ow)));
  }

  /**
   * conv → ReLU → 2×2 max-pool fused for a CSR layer on an inference tape with a batch of at least
   * {@link #DIRECT_MIN_BATCH} (the batch-innermost form: the pooling reads the convolution's
   * [O, H', W', N] output in place, pooled[o, i, j, n] = max(0, max of the 2×2 window), and only
   * the 4× smaller pooled map is transposed back to [N, O, H'/2, W'/2]); null otherwise, when the
   * caller runs the three layers one by one. The same values as the three layers (ReLU then the
   * first maximum) except that an input of exactly −0 comes out as +0.
   *
   * @param x the input, [N, C, H, W]
   * @return the pooled output, [N, O, H'/2, W'/2], or null
   */
  public Var reluMaxPool2(Var x) {
    Shape s = x.shape();
    if (s.rank() != 4 || !fusable(s.dim(0), s.dim(1), s.dim(2), s.dim(3), x)) return null;
    return fused(x, false, s.dim(0), s.dim(2), s.dim(3), false);
  }

  /**
   * The same fused stage kept batch-innermost for the next layer (no transpose back): the pooled
   * map as a [O, H'/2, W'/2, N] value on the inference tape, the layout that the next sparse
   * convolution ({@code inputBatchInnermost} true) or {@link Linear#forwardBatchInnermost} reads
   * directly. {@code x} is [N, C, H, W], or [C, H, W, N] when {@code inputBatchInnermost} (the
   * previous stage's output). Null when the fused form does not apply (see {@link #reluMaxPool2}).
   * Only a model's forward that knows its next layers asks for it (see {@code LeNet5}): the values
   * are those of {@link #reluMaxPool2}, only laid out otherwise.
   *
   * @param x the input, [N, C, H, W] or [C, H, W, N]
   * @param inputBatchInnermost whether {@code x} is [C, H, W, N]
   * @return the pooled output, [O, H'/2, W'/2, N], or null
   */
  public Var reluMaxPool2BatchInnermost(Var x, boolean inputBatchInnermost) {
    Shape s = x.shape();
    if (s.rank() != 4) return null;
    int n = inputBatchInnermost ? s.dim(3) : s.dim(0), c = inputBatchInnermost ? s.dim(0) : s.dim(1);
    int h = inputBatchInnermost ? s.dim(1) : s.dim(2), w = inputBatchInnermost ? s.dim(2) : s.dim(3);
    if (!fusable(n, c, h, w, x)) return null;
    return fused(x, inputBatchInnermost, n, h, w, true);
  }

  private boolean fusable(int n, int c, int h, int w, Var x) {
    int oh = h - kernel + 1, ow = w - kernel + 1;
    return csr != null && !x.tape().recording() && n >= DIRECT_MIN_BATCH && c == inChannels && oh >= 2 && ow >= 2 && oh % 2 == 0 && ow % 2 == 0;
  }

  private Var fused(Var x, boolean inputBatchInnermost, int n, int h, int w, boolean outputBatchInnermost) {
    int oh = h - kernel + 1, ow = w - kernel + 1, chw = inChannels * h * w;
    int ph = oh / 2, pw = ow / 2, o = outChannels;
    float[] in;
    if (inputBatchInnermost) {
      in = x.data();
    } else {
      xt = sized(xt, chw * n);
      VecOps.transpose(x.data(), 0, n, chw, xt, 0);
      in = xt;
    }
    yt = sized(yt, o * oh * ow * n);
    cols = sized(cols, o * ph * pw * n);
    float[] y4 = yt, pooled = cols;
    csr.forward(in, h, w, n, y4);
    Parallel.forRange(0, o * ph, Math.max(1, 4096 / (pw * n)), (lo, hi) -> {
      for (int t = lo; t < hi; t++) {
        int ch = t / ph, i = t % ph;
        for (int j = 0; j < pw; j++) {
          int a = ((ch * oh + 2 * i) * ow + 2 * j) * n, d = a + ow * n, dst = ((ch * ph + i) * pw + j) * n;
          for (int r = 0; r < n; r++) {
            float m = Math.max(Math.max(y4[a + r], y4[a + n + r]), Math.max(y4[d + r], y4[d + n + r]));
            pooled[dst + r] = Math.max(m, 0f);
          }
        }
      }
    });
    if (outputBatchInnermost) return x.tape().input(Tensor.wrap(pooled, Shape.of(o, ph, pw, n)));
    float[] out = scratchOutput(n * o * ph * pw);
    VecOps.transpose(pooled, 0, o * ph * pw, n, out, 0);
    return x.tape().input(Tensor.wrap(out, Shape.of(n, o, ph, pw)));
  }

  private float[] scratchOutput(int size) {
    y = sized(y, size);
    return y;
  }

  private static float[] sized(float[] a, int size) {
    return a != null && a.length == size ? a : new float[size];
  }

  /**
   * Holds the weight also as its non-zeros (stride 1, no padding only); the forward then runs from them (inference only).
   *
   * @return this layer
   * @throws IllegalStateException if the stride is not 1 or there is padding
   */
  public Conv2d sparsify() {
    if (stride != 1 || padding != 0) throw new IllegalStateException("a sparse Conv2d needs stride 1 and no padding, got stride " + stride + ", padding " + padding);
    csr = SparseConv2d.of(weight.value(), bias.value());
    return this;
  }

  /**
   * Back to the dense forward (the dense weight was kept all along).
   *
   * @return this layer
   */
  public Conv2d densify() {
    csr = null;
    xt = yt = col = cols = y = null;
    return this;
  }

  /** {@return whether the forward runs from the non-zeros} */
  public boolean isSparse() {
    return csr != null;
  }

  /**
   * Multiply-adds per output position: O·C·k·k dense, the non-zeros held when sparse.
   *
   * @return the multiply-adds per output position
   */
  public long multiplyAdds() {
    return csr != null ? csr.nonZeros() : (long) outChannels * inChannels * kernel * kernel;
  }

  /** {@return the weight, [O, C, k, k]} */
  public Parameter weight() {
    return weight;
  }

  @Override
  protected Module blank() {
    return new Conv2d(inChannels, outChannels, kernel, stride, padding, new Rng(0));
  }

  @Override
  void sparseLike(Module src) {
    if (((Conv2d) src).isSparse()) sparsify();
  }
}
