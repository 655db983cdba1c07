package dev.fivefold.autodiff;

import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Conv;
import dev.fivefold.tensor.kernel.Gemm;
import dev.fivefold.tensor.kernel.Parallel;
import dev.fivefold.tensor.kernel.Pool;

/**
 * 2-D convolution (as one SGEMM over an im2col matrix of the whole batch) and max/avg pooling.
 *
 * <p>Convolution, PyTorch's cross-correlation: y[n,o,i,j] = b[o] + Σ_{c,u,v} w[o,c,u,v] ·
 * x[n, c, i·s + u - p, j·s + v - p] (zero outside). The im2col matrix is [C·KH·KW, N·OH·OW], so
 * the forward is W[O, CKK] · col and dW = dY · colᵀ is a single product whose summation order
 * does not depend on the thread count.
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
    int p = oh * ow, np = n * p, ckk = c * kh * kw;
    Tape t = x.tape;
    float[] col = t.scratch(ckk * np);
    float[] xs = x.data();
    Parallel.forRange(0, n, 1, (lo, hi) -> {
      for (int img = lo; img < hi; img++) Conv.im2col(xs, img * c * h * wd, c, h, wd, kh, kw, stride, pad, col, img * p, np);
    });
    float[] y2 = t.scratch(oc * np);
    Gemm.sgemm(false, false, oc, np, ckk, w.data(), 0, ckk, col, 0, np, 0f, y2, 0, np);
    Tensor out = t.alloc(Shape.of(n, oc, oh, ow));
    float[] y = out.data();
    float[] bias = b == null ? null : b.data();
    Parallel.forRange(0, n, 1, (lo, hi) -> {
      for (int img = lo; img < hi; img++) {
        for (int o = 0; o < oc; o++) {
          float bo = bias == null ? 0f : bias[o];
          int src = o * np + img * p, dst = (img * oc + o) * p;
          for (int q = 0; q < p; q++) y[dst + q] = y2[src + q] + bo;
        }
      }
    });
    Var v = b == null ? t.record(Op.CONV2D, out, x, w) : t.record(Op.CONV2D, out, x, w, b);
    v.args = new int[] {stride, pad};
    v.saved = col;
    return v;
  }

  /** dW = dY·colᵀ, db = Σ dY, dcol = Wᵀ·dY then col2im. */
  static void conv2dBackward(Var v) {
    Var x = v.inputs[0], w = v.inputs[1];
    Shape sx = x.shape(), sw = w.shape();
    int n = sx.dim(0), c = sx.dim(1), h = sx.dim(2), wd = sx.dim(3);
    int oc = sw.dim(0), kh = sw.dim(2), kw = sw.dim(3);
    int stride = v.args[0], pad = v.args[1];
    int oh = v.shape().dim(2), ow = v.shape().dim(3);
    int p = oh * ow, np = n * p, ckk = c * kh * kw;
    Tape t = v.tape;
    float[] g = v.grad, col = (float[]) v.saved;
    float[] g2 = t.scratch(oc * np); // [OC, N·P]
    Parallel.forRange(0, n, 1, (lo, hi) -> {
      for (int img = lo; img < hi; img++) {
        for (int o = 0; o < oc; o++) System.arraycopy(g, (img * oc + o) * p, g2, o * np + img * p, p);
      }
    });
    if (w.requiresGrad) Gemm.sgemm(false, true, oc, ckk, np, g2, 0, np, col, 0, np, 1f, w.gradBuffer(), 0, ckk);
    if (v.inputs.length > 2 && v.inputs[2].requiresGrad) {
      float[] gb = v.inputs[2].gradBuffer();
      for (int o = 0; o < oc; o++) {
        float s = 0;
        for (int q = 0; q < np; q++) s += g2[o * np + q];
        gb[o] += s;
      }
    }
    if (x.requiresGrad) {
      float[] dcol = t.scratch(ckk * np);
      Gemm.sgemm(true, false, ckk, np, oc, w.data(), 0, ckk, g2, 0, np, 0f, dcol, 0, np);
      float[] gx = x.gradBuffer();
      Parallel.forRange(0, n, 1, (lo, hi) -> {
        for (int img = lo; img < hi; img++) Conv.col2im(dcol, img * p, np, c, h, wd, kh, kw, stride, pad, gx, img * c * h * wd);
      });
    }
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
