package dev.fivefold.autodiff;

import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import java.util.Arrays;

/** Reshape (a view), permute (transpose), slice and concat: the gradient moves the data back. */
final class Shapes {
  private Shapes() {}

  static Var reshape(Var a, int... dims) {
    Shape s = Tensor.resolve(a.shape(), dims);
    return a.tape.record(Op.RESHAPE, Tensor.wrap(a.data(), s), a);
  }

  static void reshapeBackward(Var v) {
    Var a = v.inputs[0];
    if (!a.requiresGrad) return;
    float[] ga = a.gradBuffer(), g = v.grad;
    for (int i = 0; i < g.length; i++) ga[i] += g[i];
  }

  /** out dimension i is input dimension perm[i]. */
  static Var permute(Var a, int... perm) {
    Shape s = a.shape();
    int r = s.rank();
    if (perm.length != r) throw new IllegalArgumentException("permutation " + Arrays.toString(perm) + " does not match rank of " + s);
    boolean[] seen = new boolean[r];
    int[] od = new int[r];
    for (int i = 0; i < r; i++) {
      int p = perm[i] < 0 ? perm[i] + r : perm[i];
      if (p < 0 || p >= r || seen[p]) throw new IllegalArgumentException("invalid permutation " + Arrays.toString(perm) + " for " + s);
      seen[p] = true;
      od[i] = s.dim(p);
    }
    Shape os = Shape.of(od);
    Tensor out = a.tape.alloc(os);
    int[] inStride = s.strides();
    int[] st = new int[r];
    for (int i = 0; i < r; i++) st[i] = inStride[perm[i] < 0 ? perm[i] + r : perm[i]];
    gather(a.data(), out.data(), os, st, false);
    Var v = a.tape.record(Op.PERMUTE, out, a);
    v.args = st;
    return v;
  }

  /** out[idx] = in[Σ idx_i st_i] (or the reverse accumulation when {@code scatter}). */
  private static void gather(float[] in, float[] out, Shape os, int[] st, boolean scatter) {
    int r = os.rank();
    int n = os.size();
    if (n == 0) return;
    int[] idx = new int[r];
    int src = 0;
    int last = r == 0 ? 1 : os.dim(r - 1), ls = r == 0 ? 0 : st[r - 1];
    for (int o = 0; o < n; o += last) {
      if (scatter) {
        for (int j = 0; j < last; j++) in[src + j * ls] += out[o + j];
      } else {
        for (int j = 0; j < last; j++) out[o + j] = in[src + j * ls];
      }
      for (int d = r - 2; d >= 0; d--) {
        idx[d]++;
        src += st[d];
        if (idx[d] < os.dim(d)) break;
        src -= st[d] * idx[d];
        idx[d] = 0;
      }
    }
  }

  static void permuteBackward(Var v) {
    Var a = v.inputs[0];
    if (!a.requiresGrad) return;
    gather(a.gradBuffer(), v.grad, v.shape(), v.args, true);
  }

  /** Elements [start, end) along {@code axis}. */
  static Var slice(Var a, int axis, int start, int end) {
    Shape s = a.shape();
    int ax = s.axis(axis);
    int n = s.dim(ax);
    if (start < 0 || end > n || start > end) {
      throw new IllegalArgumentException("slice [" + start + ", " + end + ") out of range for axis " + axis + " of " + s);
    }
    int outer = s.prod(0, ax), inner = s.prod(ax + 1, s.rank());
    int[] od = s.dims();
    od[ax] = end - start;
    Tensor out = a.tape.alloc(Shape.of(od));
    int len = (end - start) * inner;
    for (int p = 0; p < outer; p++) {
      System.arraycopy(a.data(), (p * n + start) * inner, out.data(), p * len, len);
    }
    Var v = a.tape.record(Op.SLICE, out, a);
    v.args = new int[] {outer, n, inner, start, end};
    return v;
  }

  static void sliceBackward(Var v) {
    Var a = v.inputs[0];
    if (!a.requiresGrad) return;
    int outer = v.args[0], n = v.args[1], inner = v.args[2], start = v.args[3], end = v.args[4];
    int len = (end - start) * inner;
    float[] ga = a.gradBuffer(), g = v.grad;
    for (int p = 0; p < outer; p++) {
      int dst = (p * n + start) * inner;
      for (int j = 0; j < len; j++) ga[dst + j] += g[p * len + j];
    }
  }

  /** Joins tensors along {@code axis}; all other dimensions must agree. */
  static Var concat(int axis, Var... parts) {
    if (parts.length == 0) throw new IllegalArgumentException("concat of nothing");
    Shape s0 = parts[0].shape();
    int ax = s0.axis(axis);
    int total = 0;
    for (Var p : parts) {
      Shape s = p.shape();
      if (s.rank() != s0.rank()) throw new IllegalArgumentException("concat rank mismatch: " + s0 + " vs " + s);
      for (int i = 0; i < s.rank(); i++) {
        if (i != ax && s.dim(i) != s0.dim(i)) throw new IllegalArgumentException("concat shapes " + s0 + " and " + s + " differ off axis " + axis);
      }
      total += s.dim(ax);
    }
    int outer = s0.prod(0, ax), inner = s0.prod(ax + 1, s0.rank());
    int[] od = s0.dims();
    od[ax] = total;
    Tensor out = parts[0].tape.alloc(Shape.of(od));
    int rowLen = total * inner;
    int at = 0;
    int[] sizes = new int[parts.length];
    for (int k = 0; k < parts.length; k++) {
      int len = parts[k].shape().dim(ax) * inner;
      sizes[k] = parts[k].shape().dim(ax);
      for (int p = 0; p < outer; p++) System.arraycopy(parts[k].data(), p * len, out.data(), p * rowLen + at, len);
      at += len;
    }
    Var v = parts[0].tape.record(Op.CONCAT, out, parts);
    v.args = new int[] {outer, inner, total};
    return v;
  }

  static void concatBackward(Var v) {
    int outer = v.args[0], inner = v.args[1], total = v.args[2];
    int rowLen = total * inner, at = 0;
    for (Var part : v.inputs) {
      int len = part.data().length / Math.max(1, outer);
      if (part.requiresGrad) {
        float[] gp = part.gradBuffer();
        for (int p = 0; p < outer; p++) {
          for (int j = 0; j < len; j++) gp[p * len + j] += v.grad[p * rowLen + at + j];
        }
      }
      at += len;
    }
  }
}
