package dev.fivefold.autodiff;

import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Parallel;
import dev.fivefold.tensor.kernel.VecOps;

/**
 * Elementwise ops, forward and local derivative side by side. Binary ops broadcast; their
 * backward sums the gradient over broadcast dimensions.
 */
final class Elementwise {
  private Elementwise() {}

  private static final int GRAIN = 1 << 14;

  // ---- binary: out = a ∘ b --------------------------------------------------------------

  static Var binary(Op op, Var a, Var b) {
    Tape t = a.tape;
    Shape s = Broadcast.shape(a.shape(), b.shape());
    Tensor out = t.alloc(s);
    float[] o = out.data(), x = a.data(), y = b.data();
    if (a.shape().equals(b.shape()) && op != Op.DIV) { // the common case: SIMD, parallel
      Parallel.forRange(0, o.length, GRAIN, (lo, hi) -> {
        switch (op) {
          case ADD -> VecOps.add(x, lo, y, lo, o, lo, hi - lo);
          case SUB -> VecOps.sub(x, lo, y, lo, o, lo, hi - lo);
          default -> VecOps.mul(x, lo, y, lo, o, lo, hi - lo);
        }
      });
      return t.record(op, out, a, b);
    }
    Broadcast.forEachRun(s, Broadcast.strides(a.shape(), s), Broadcast.strides(b.shape(), s),
        (oo, ia, sa, ib, sb, len) -> {
          if (sa == 1 && sb == 1 && op != Op.DIV) { // both runs contiguous (e.g. a [B, T, C] plus a [T, C] table)
            switch (op) {
              case ADD -> VecOps.add(x, ia, y, ib, o, oo, len);
              case SUB -> VecOps.sub(x, ia, y, ib, o, oo, len);
              default -> VecOps.mul(x, ia, y, ib, o, oo, len);
            }
            return;
          }
          switch (op) {
            case ADD -> { for (int i = 0; i < len; i++) o[oo + i] = x[ia + i * sa] + y[ib + i * sb]; }
            case SUB -> { for (int i = 0; i < len; i++) o[oo + i] = x[ia + i * sa] - y[ib + i * sb]; }
            case MUL -> { for (int i = 0; i < len; i++) o[oo + i] = x[ia + i * sa] * y[ib + i * sb]; }
            case DIV -> { for (int i = 0; i < len; i++) o[oo + i] = x[ia + i * sa] / y[ib + i * sb]; }
            default -> throw new AssertionError(op);
          }
        });
    return t.record(op, out, a, b);
  }

  /** d(a+b) = (g, g); d(a-b) = (g, -g); d(ab) = (g b, g a); d(a/b) = (g/b, -g a/b²). */
  static void binaryBackward(Var v) {
    Var a = v.inputs[0], b = v.inputs[1];
    Shape s = v.shape();
    float[] g = v.grad, x = a.data(), y = b.data();
    int[] sa = Broadcast.strides(a.shape(), s), sb = Broadcast.strides(b.shape(), s);
    Op op = v.op;
    if ((op == Op.ADD || op == Op.SUB) && a.shape().equals(b.shape())) { // same shape: SIMD, parallel
      float[] ga = a.requiresGrad ? a.gradBuffer() : null, gb = b.requiresGrad ? b.gradBuffer() : null;
      Parallel.forRange(0, g.length, GRAIN, (lo, hi) -> {
        if (ga != null) VecOps.add(ga, lo, g, lo, ga, lo, hi - lo);
        if (gb != null) {
          if (op == Op.ADD) VecOps.add(gb, lo, g, lo, gb, lo, hi - lo);
          else VecOps.sub(gb, lo, g, lo, gb, lo, hi - lo);
        }
      });
      return;
    }
    if (a.requiresGrad) {
      float[] ga = a.gradBuffer();
      Broadcast.forEachRun(s, sa, sb, (oo, ia, ka, ib, kb, len) -> {
        if (ka == 1 && (op == Op.ADD || op == Op.SUB)) {
          VecOps.add(ga, ia, g, oo, ga, ia, len);
          return;
        }
        switch (op) {
          case ADD, SUB -> { for (int i = 0; i < len; i++) ga[ia + i * ka] += g[oo + i]; }
          case MUL -> { for (int i = 0; i < len; i++) ga[ia + i * ka] += g[oo + i] * y[ib + i * kb]; }
          case DIV -> { for (int i = 0; i < len; i++) ga[ia + i * ka] += g[oo + i] / y[ib + i * kb]; }
          default -> throw new AssertionError(op);
        }
      });
    }
    if (b.requiresGrad) {
      float[] gb = b.gradBuffer();
      Broadcast.forEachRun(s, sa, sb, (oo, ia, ka, ib, kb, len) -> {
        if (kb == 1 && (op == Op.ADD || op == Op.SUB)) {
          if (op == Op.ADD) VecOps.add(gb, ib, g, oo, gb, ib, len);
          else VecOps.sub(gb, ib, g, oo, gb, ib, len);
          return;
        }
        switch (op) {
          case ADD -> { for (int i = 0; i < len; i++) gb[ib + i * kb] += g[oo + i]; }
          case SUB -> { for (int i = 0; i < len; i++) gb[ib + i * kb] -= g[oo + i]; }
          case MUL -> { for (int i = 0; i < len; i++) gb[ib + i * kb] += g[oo + i] * x[ia + i * ka]; }
          case DIV -> {
            for (int i = 0; i < len; i++) {
              float yy = y[ib + i * kb];
              gb[ib + i * kb] -= g[oo + i] * x[ia + i * ka] / (yy * yy);
            }
          }
          default -> throw new AssertionError(op);
        }
      });
    }
  }

  // ---- affine with constants: out = c x + d ----------------------------------------------

  static Var affine(Var a, float c, float d) {
    Tensor out = a.tape.alloc(a.shape());
    float[] o = out.data(), x = a.data();
    for (int i = 0; i < o.length; i++) o[i] = c * x[i] + d;
    Var v = a.tape.record(Op.AFFINE, out, a);
    v.farg = c;
    return v;
  }

  static void affineBackward(Var v) {
    Var a = v.inputs[0];
    if (!a.requiresGrad) return;
    float[] ga = a.gradBuffer(), g = v.grad;
    float c = v.farg;
    for (int i = 0; i < g.length; i++) ga[i] += c * g[i];
  }

  // ---- unary ----------------------------------------------------------------------------

  static Var unary(Op op, Var a, float p) {
    Tensor out = a.tape.alloc(a.shape());
    float[] o = out.data(), x = a.data();
    Parallel.forRange(0, o.length, GRAIN, (lo, hi) -> {
      switch (op) {
        case EXP -> VecOps.exp(x, lo, o, lo, hi - lo);
        case LOG -> { for (int i = lo; i < hi; i++) o[i] = (float) Math.log(x[i]); }
        case SQRT -> { for (int i = lo; i < hi; i++) o[i] = (float) Math.sqrt(x[i]); }
        case POW -> { for (int i = lo; i < hi; i++) o[i] = (float) Math.pow(x[i], p); }
        case TANH -> { for (int i = lo; i < hi; i++) o[i] = (float) Math.tanh(x[i]); }
        case SIGMOID -> { for (int i = lo; i < hi; i++) o[i] = (float) (1 / (1 + Math.exp(-x[i]))); }
        case RELU -> VecOps.relu(x, lo, o, lo, hi - lo);
        case GELU -> VecOps.gelu(x, lo, o, lo, hi - lo);
        default -> throw new AssertionError(op);
      }
    });
    Var v = a.tape.record(op, out, a);
    v.farg = p;
    return v;
  }

  /**
   * exp' = exp; log' = 1/x; sqrt' = 1/(2 sqrt x); (x^p)' = p x^(p-1); tanh' = 1 - tanh²;
   * σ' = σ(1-σ); relu' = [x > 0]; gelu (tanh form) ' = ½(1+th) + ½x(1-th²)k(1+3c x²).
   */
  static void unaryBackward(Var v) {
    Var a = v.inputs[0];
    if (!a.requiresGrad) return;
    float[] g = v.grad, x = a.data(), y = v.data();
    if (v.op == Op.RELU || v.op == Op.GELU) {
      // the SIMD kernels write dx; write straight into a fresh gradient, else add through scratch
      boolean fresh = a.grad == null;
      float[] dst = fresh ? (a.grad = a.tape.pool.take(g.length)) : a.tape.scratch(g.length);
      float[] acc = a.grad;
      boolean relu = v.op == Op.RELU;
      Parallel.forRange(0, g.length, GRAIN, (lo, hi) -> {
        if (relu) VecOps.reluBackward(x, lo, g, lo, dst, lo, hi - lo);
        else VecOps.geluBackward(x, lo, g, lo, dst, lo, hi - lo);
        if (!fresh) VecOps.add(acc, lo, dst, lo, acc, lo, hi - lo);
      });
      return;
    }
    float[] ga = a.gradBuffer();
    float p = v.farg;
    Op op = v.op;
    Parallel.forRange(0, g.length, GRAIN, (lo, hi) -> {
      switch (op) {
        case EXP -> { for (int i = lo; i < hi; i++) ga[i] += g[i] * y[i]; }
        case LOG -> { for (int i = lo; i < hi; i++) ga[i] += g[i] / x[i]; }
        case SQRT -> { for (int i = lo; i < hi; i++) ga[i] += g[i] * 0.5f / y[i]; }
        case POW -> { for (int i = lo; i < hi; i++) ga[i] += g[i] * p * (float) Math.pow(x[i], p - 1); }
        case TANH -> { for (int i = lo; i < hi; i++) ga[i] += g[i] * (1 - y[i] * y[i]); }
        case SIGMOID -> { for (int i = lo; i < hi; i++) ga[i] += g[i] * y[i] * (1 - y[i]); }
        default -> throw new AssertionError(op);
      }
    });
  }
}
