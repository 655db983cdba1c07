package dev.fivefold.autodiff;

import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;

/** Embedding gather and dropout. */
final class Lookup {
  private Lookup() {}

  /** out[i, :] = W[idx[i], :]; W is [V, C]; out has shape idxShape + [C]. */
  static Var embedding(Var w, int[] idx, int... idxShape) {
    Shape ws = w.shape();
    if (ws.rank() != 2) throw new IllegalArgumentException("embedding table must be 2-D, got " + ws);
    int vocab = ws.dim(0), c = ws.dim(1);
    int n = Shape.of(idxShape).size();
    if (n > idx.length) throw new IllegalArgumentException("index shape " + Shape.of(idxShape) + " larger than indices (" + idx.length + ")");
    int[] od = new int[idxShape.length + 1];
    System.arraycopy(idxShape, 0, od, 0, idxShape.length);
    od[idxShape.length] = c;
    Tape t = w.tape;
    Tensor out = t.alloc(Shape.of(od));
    int[] saved = t.scratchInts(n);
    for (int i = 0; i < n; i++) {
      int k = idx[i];
      if (k < 0 || k >= vocab) throw new IllegalArgumentException("index[" + i + "] (" + k + ") outside vocabulary [0, " + vocab + ") of table " + ws);
      saved[i] = k;
      System.arraycopy(w.data(), k * c, out.data(), i * c, c);
    }
    Var v = t.record(Op.EMBEDDING, out, w);
    v.saved = saved;
    return v;
  }

  /** dW[idx[i], :] += g[i, :]. */
  static void embeddingBackward(Var v) {
    Var w = v.inputs[0];
    if (!w.requiresGrad) return;
    int[] idx = (int[]) v.saved;
    int c = w.shape().dim(1);
    float[] gw = w.gradBuffer(), g = v.grad;
    for (int i = 0; i < idx.length; i++) {
      int off = idx[i] * c;
      for (int j = 0; j < c; j++) gw[off + j] += g[i * c + j];
    }
  }

  /** Inverted dropout: each element kept with probability 1-p and scaled by 1/(1-p). */
  static Var dropout(Var a, float p, Rng rng) {
    if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("dropout p (" + p + ") must be in [0, 1)");
    Tape t = a.tape;
    Tensor out = t.alloc(a.shape());
    float[] mask = t.scratch(a.data().length);
    float keep = 1f / (1f - p);
    float[] x = a.data(), y = out.data();
    for (int i = 0; i < x.length; i++) {
      mask[i] = rng.nextFloat() >= p ? keep : 0f;
      y[i] = x[i] * mask[i];
    }
    Var v = t.record(Op.DROPOUT, out, a);
    v.saved = mask;
    return v;
  }

  static void dropoutBackward(Var v) {
    Var a = v.inputs[0];
    if (!a.requiresGrad) return;
    float[] ga = a.gradBuffer(), g = v.grad, mask = (float[]) v.saved;
    for (int i = 0; i < g.length; i++) ga[i] += g[i] * mask[i];
  }
}
