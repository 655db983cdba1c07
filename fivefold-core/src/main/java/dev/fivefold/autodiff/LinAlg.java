package dev.fivefold.autodiff;

import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Gemm;
import dev.fivefold.tensor.kernel.VecOps;

/** Matrix products on the packed SGEMM kernel: matmul (2-D, batched, broadcast weight) and linear. */
final class LinAlg {
  private LinAlg() {}

  /**
   * {@code a [..., M, K] · b [..., K, N] -> [..., M, N]}. If b is 2-D it is shared by every
   * matrix of a (a is then treated as one [(...·M), K] matrix); otherwise the leading dimensions
   * must be equal.
   */
  static Var matmul(Var a, Var b) {
    Shape sa = a.shape(), sb = b.shape();
    if (sa.rank() < 2 || sb.rank() < 2) {
      throw new IllegalArgumentException("matmul needs rank >= 2, got " + sa + " and " + sb);
    }
    int m = sa.dim(-2), k = sa.dim(-1), n = sb.dim(-1);
    if (sb.dim(-2) != k) throw new IllegalArgumentException("matmul inner dimensions differ: " + sa + " · " + sb);
    int[] od = sa.dims();
    od[od.length - 1] = n;
    Tensor out = a.tape.alloc(Shape.of(od));
    if (sb.rank() == 2) {
      int rows = sa.size() / k;
      Gemm.sgemm(false, false, rows, n, k, a.data(), 0, k, b.data(), 0, n, 0f, out.data(), 0, n);
    } else {
      boolean same = sb.rank() == sa.rank();
      for (int i = 0; same && i < sa.rank() - 2; i++) same = sa.dim(i) == sb.dim(i);
      if (!same) {
        throw new IllegalArgumentException("matmul batch dimensions differ: " + sa + " · " + sb);
      }
      int batch = sa.prod(0, sa.rank() - 2);
      Gemm.sgemmBatched(batch, false, false, m, n, k, a.data(), 0, m * k, k, b.data(), 0, k * n, n,
          0f, out.data(), 0, m * n, n);
    }
    return a.tape.record(Op.MATMUL, out, a, b);
  }

  /** dA = G·Bᵀ, dB = Aᵀ·G (summed over the batch when B is shared). */
  static void matmulBackward(Var v) {
    Var a = v.inputs[0], b = v.inputs[1];
    Shape sa = a.shape(), sb = b.shape();
    int m = sa.dim(-2), k = sa.dim(-1), n = sb.dim(-1);
    float[] g = v.grad;
    if (sb.rank() == 2) {
      int rows = sa.size() / k;
      if (a.requiresGrad) Gemm.sgemm(false, true, rows, k, n, g, 0, n, b.data(), 0, n, 1f, a.gradBuffer(), 0, k);
      if (b.requiresGrad) Gemm.sgemm(true, false, k, n, rows, a.data(), 0, k, g, 0, n, 1f, b.gradBuffer(), 0, n);
    } else {
      int batch = sa.prod(0, sa.rank() - 2);
      if (a.requiresGrad) {
        Gemm.sgemmBatched(batch, false, true, m, k, n, g, 0, m * n, n, b.data(), 0, k * n, n,
            1f, a.gradBuffer(), 0, m * k, k);
      }
      if (b.requiresGrad) {
        Gemm.sgemmBatched(batch, true, false, k, n, m, a.data(), 0, m * k, k, g, 0, m * n, n,
            1f, b.gradBuffer(), 0, k * n, n);
      }
    }
  }

  /**
   * {@code y = x·Wᵀ + b}, x [..., in], W [out, in] (PyTorch's layout), b [out] or null.
   */
  static Var linear(Var x, Var w, Var bias) {
    Shape sx = x.shape(), sw = w.shape();
    if (sw.rank() != 2) throw new IllegalArgumentException("linear weight must be 2-D, got " + sw);
    int in = sw.dim(1), outF = sw.dim(0);
    if (sx.rank() < 1 || sx.dim(-1) != in) {
      throw new IllegalArgumentException("linear input " + sx + " does not end in " + in + " features (weight " + sw + ")");
    }
    if (bias != null && (bias.shape().rank() != 1 || bias.shape().dim(0) != outF)) {
      throw new IllegalArgumentException("linear bias " + bias.shape() + " must be [" + outF + "]");
    }
    int rows = sx.size() / in;
    int[] od = sx.dims();
    od[od.length - 1] = outF;
    Tensor out = x.tape.alloc(Shape.of(od));
    float[] y = out.data();
    Gemm.sgemm(false, true, rows, outF, in, x.data(), 0, in, w.data(), 0, in, 0f, y, 0, outF);
    if (bias != null) VecOps.addRowBroadcast(y, 0, rows, outF, bias.data(), 0);
    return bias == null ? x.tape.record(Op.LINEAR, out, x, w) : x.tape.record(Op.LINEAR, out, x, w, bias);
  }

  /** dx = G·W; dW = Gᵀ·x; db = Σ_rows G. */
  static void linearBackward(Var v) {
    Var x = v.inputs[0], w = v.inputs[1];
    int in = w.shape().dim(1), outF = w.shape().dim(0);
    int rows = x.shape().size() / in;
    float[] g = v.grad;
    if (x.requiresGrad) Gemm.sgemm(false, false, rows, in, outF, g, 0, outF, w.data(), 0, in, 1f, x.gradBuffer(), 0, in);
    if (w.requiresGrad) Gemm.sgemm(true, false, outF, in, rows, g, 0, outF, x.data(), 0, in, 1f, w.gradBuffer(), 0, in);
    if (v.inputs.length > 2 && v.inputs[2].requiresGrad) VecOps.sumRows(g, 0, rows, outF, v.inputs[2].gradBuffer(), 0, true);
  }
}
