package dev.fivefold.autodiff;

import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.BatchConv;
import dev.fivefold.tensor.kernel.Pool;

/**
 * 2-D convolution and max/avg pooling.
 *
 * <p>Convolution, PyTorch's cross-correlation: y[n,o,i,j] = b[o] + Σ_{c,u,v} w[o,c,u,v] ·
 * x[n, c, i·s + u - p, j·s + v - p] (zero outside), computed by {@link BatchConv}: im2col and one
 * SGEMM per chunk of images sized to the L2 cache, the weight gradient summed over the chunks in a
 * fixed order, so results do not depend on the thread count. Nothing is saved for the backward
 * but the input, which it unfolds again.
 */
final class Vision {
  private Vision() {}

  static int outSize(int in, int k, int stride, int pad) {
    return (in + 2 * pad - k) / stride + 1;
  }

  static Var conv2d(Var x, Var w, Var b, int stride, int pad) {
    Shape sx = x.shape(), sw = w.shape();
    if (sx.rank() != 4) throw new IllegalArgumentException("conv2d input must be [N, C, H, W], got " + sx);
    if (sw.rank() != 4 || sw.dim(1) != sx.dim(1)) {
      throw new IllegalArgumentException("conv2d weight " + sw + " does not match input channels of " + sx);
    }
    if (b != null && (b.shape().rank() != 1 || b.shape().dim(0) != sw.dim(0))) {
      throw new IllegalArgumentException("conv2d bias " + b.shape() + " must be [" + sw.dim(0) + "] for weight " + sw);
    }
    if (stride < 1 || pad < 0) throw new IllegalArgumentException("conv2d stride (" + stride + ") must be >= 1 and padding (" + pad + ") >= 0");
    int n = sx.dim(0), c = sx.dim(1), h = sx.dim(2), wd = sx.dim(3);
    int oc = sw.dim(0), kh = sw.dim(2), kw = sw.dim(3);
    int oh = outSize(h, kh, stride, pad), ow = outSize(wd, kw, stride, pad);
    if (oh < 1 || ow < 1) throw new IllegalArgumentException("conv2d kernel " + kh + "x" + kw + " larger than padded input " + sx);
    Tape t = x.tape;
    var g = new BatchConv.Geometry(n, c, h, wd, oc, kh, kw, stride, pad);
    Tensor out = t.alloc(Shape.of(n, oc, oh, ow));
    BatchConv.forward(g, x.data(), w.data(), b == null ? null : b.data(), out.data(), t.buffers());
    Var v = b == null ? t.record(Op.CONV2D, out, x, w) : t.record(Op.CONV2D, out, x, w, b);
    v.args = new int[] {stride, pad};
    return v;
  }

  /** dW = Σ_chunks dY·colᵀ, db = Σ dY, dcol = Wᵀ·dY then col2im: {@link BatchConv#backward}. */
  static void conv2dBackward(Var v) {
    Var x = v.inputs[0], w = v.inputs[1];
    Shape sx = x.shape(), sw = w.shape();
    var g = new BatchConv.Geometry(sx.dim(0), sx.dim(1), sx.dim(2), sx.dim(3), sw.dim(0), sw.dim(2), sw.dim(3), v.args[0], v.args[1]);
    Var b = v.inputs.length > 2 ? v.inputs[2] : null;
    BatchConv.backward(g, x.data(), w.data(), v.grad, x.requiresGrad ? x.gradBuffer() : null,
        w.requiresGrad ? w.gradBuffer() : null, b != null && b.requiresGrad ? b.gradBuffer() : null, v.tape.buffers());
  }

  /** Max or average pooling with a k×k window and the given stride, no padding. */
  static Var pool(Op op, Var x, int k, int stride) {
    Shape s = x.shape();
    if (s.rank() != 4) throw new IllegalArgumentException(op + " input must be [N, C, H, W], got " + s);
    if (k < 1 || stride < 1) throw new IllegalArgumentException(op + " kernel (" + k + ") and stride (" + stride + ") must be >= 1");
    int planes = s.dim(0) * s.dim(1), h = s.dim(2), w = s.dim(3);
    int oh = outSize(h, k, stride, 0), ow = outSize(w, k, stride, 0);
    if (oh < 1 || ow < 1) throw new IllegalArgumentException(op + " window " + k + " larger than input " + s);
    Tape t = x.tape;
    Tensor out = t.alloc(Shape.of(s.dim(0), s.dim(1), oh, ow));
    float[] xs = x.data(), y = out.data();
    int[] arg = null;
    if (op == Op.MAX_POOL2D) {
      arg = t.scratchInts(y.length);
      Pool.maxPool2dForward(xs, 0, planes, h, w, k, stride, y, 0, arg, 0);
    } else {
      Pool.avgPool2dForward(xs, 0, planes, h, w, k, stride, y, 0);
    }
    Var v = t.record(op, out, x);
    v.args = new int[] {k, stride};
    v.saved = arg;
    return v;
  }

  /** max: the gradient goes to the arg-max of each window; avg: spread evenly over the window. */
  static void poolBackward(Var v) {
    Var x = v.inputs[0];
    if (!x.requiresGrad) return;
    float[] gx = x.gradBuffer(), g = v.grad;
    int k = v.args[0], stride = v.args[1];
    Shape s = x.shape();
    int planes = s.dim(0) * s.dim(1), h = s.dim(2), w = s.dim(3);
    if (v.op == Op.MAX_POOL2D) {
      Pool.maxPool2dBackward(g, 0, (int[]) v.saved, 0, planes, h, w, k, stride, gx, 0);
    } else {
      Pool.avgPool2dBackward(g, 0, planes, h, w, k, stride, gx, 0);
    }
  }
}
