package dev.fivefold.autodiff;

import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;

/**
 * Reductions along one axis, viewing the input as [outer, n, inner]: sum, mean and max (the
 * gradient of max goes to the first maximal element), and the sum of all elements.
 */
final class Reduce {
  private Reduce() {}

  static Var along(Op op, Var a, int axis, boolean keepDim) {
    Shape s = a.shape();
    int ax = s.axis(axis);
    int outer = s.prod(0, ax), n = s.dim(ax), inner = s.prod(ax + 1, s.rank());
    if (n == 0) throw new IllegalArgumentException(op + " over an empty axis " + axis + " of " + s);
    int[] d = s.dims();
    int[] od;
    if (keepDim) {
      od = d.clone();
      od[ax] = 1;
    } else {
      od = new int[d.length - 1];
      for (int i = 0, j = 0; i < d.length; i++) if (i != ax) od[j++] = d[i];
    }
    Tape t = a.tape;
    Tensor out = t.alloc(Shape.of(od));
    float[] o = out.data(), x = a.data();
    int[] arg = op == Op.MAX ? t.scratchInts(outer * inner) : null;
    for (int p = 0; p < outer; p++) {
      for (int q = 0; q < inner; q++) {
        int base = p * n * inner + q;
        if (op == Op.MAX) {
          float m = x[base];
          int am = 0;
          for (int i = 1; i < n; i++) {
            float xv = x[base + i * inner];
            if (xv > m || (Float.isNaN(xv) && !Float.isNaN(m))) {
              m = xv;
              am = i;
            }
          }
          o[p * inner + q] = m;
          arg[p * inner + q] = am;
        } else {
          float sum = 0;
          for (int i = 0; i < n; i++) sum += x[base + i * inner];
          o[p * inner + q] = op == Op.MEAN ? sum / n : sum;
        }
      }
    }
    Var v = t.record(op, out, a);
    v.args = new int[] {outer, n, inner};
    v.saved = arg;
    return v;
  }

  /** sum: dx = g broadcast; mean: dx = g / n; max: dx[argmax] = g. */
  static void alongBackward(Var v) {
    Var a = v.inputs[0];
    if (!a.requiresGrad) return;
    int outer = v.args[0], n = v.args[1], inner = v.args[2];
    float[] ga = a.gradBuffer(), g = v.grad;
    int[] arg = (int[]) v.saved;
    float scale = v.op == Op.MEAN ? 1f / n : 1f;
    for (int p = 0; p < outer; p++) {
      for (int q = 0; q < inner; q++) {
        int base = p * n * inner + q;
        float gv = g[p * inner + q];
        if (v.op == Op.MAX) {
          ga[base + arg[p * inner + q] * inner] += gv;
        } else {
          for (int i = 0; i < n; i++) ga[base + i * inner] += gv * scale;
        }
      }
    }
  }

  static Var sumAll(Var a) {
    Tensor out = a.tape.alloc(Shape.of());
    double s = 0;
    for (float x : a.data()) s += x;
    out.data()[0] = (float) s;
    return a.tape.record(Op.SUM_ALL, out, a);
  }

  static void sumAllBackward(Var v) {
    Var a = v.inputs[0];
    if (!a.requiresGrad) return;
    float[] ga = a.gradBuffer();
    float g = v.grad[0];
    for (int i = 0; i < ga.length; i++) ga[i] += g;
  }
}
