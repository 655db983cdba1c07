package dev.fivefold.autodiff;

import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Parallel;
import dev.fivefold.tensor.kernel.VecOps;

/** Softmax, log-softmax, fused softmax cross-entropy, mean squared error and layer norm. */
final class Prob {
  private Prob() {}

  /** softmax(x)_i = exp(x_i - max x) / Σ_j exp(x_j - max x) along the last axis; log form likewise. */
  static Var softmax(Op op, Var a) {
    Shape s = a.shape();
    int c = s.dim(-1), rows = s.size() / c;
    Tensor out = a.tape.alloc(s);
    float[] x = a.data(), y = out.data();
    boolean log = op == Op.LOG_SOFTMAX;
    Parallel.forRange(0, rows, 64, (lo, hi) -> {
      for (int r = lo; r < hi; r++) softmaxRow(x, y, r * c, c, log);
    });
    return a.tape.record(op, out, a);
  }

  static void softmaxRow(float[] x, float[] y, int off, int c, boolean log) {
    float m = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < c; j++) m = Math.max(m, x[off + j]);
    float sum = 0;
    for (int j = 0; j < c; j++) {
      float e = (float) Math.exp(x[off + j] - m);
      y[off + j] = e;
      sum += e;
    }
    if (log) {
      float ls = (float) Math.log(sum) + m;
      for (int j = 0; j < c; j++) y[off + j] = x[off + j] - ls;
    } else {
      float inv = 1f / sum;
      for (int j = 0; j < c; j++) y[off + j] *= inv;
    }
  }

  /** softmax: dx = y ⊙ (g - Σ g⊙y); log-softmax: dx = g - softmax(x) Σ g. */
  static void softmaxBackward(Var v) {
    Var a = v.inputs[0];
    if (!a.requiresGrad) return;
    int c = v.shape().dim(-1), rows = v.shape().size() / c;
    float[] g = v.grad, y = v.data(), ga = a.gradBuffer();
    boolean log = v.op == Op.LOG_SOFTMAX;
    Parallel.forRange(0, rows, 64, (lo, hi) -> {
      for (int r = lo; r < hi; r++) {
        int off = r * c;
        float dot = 0;
        if (log) {
          for (int j = 0; j < c; j++) dot += g[off + j];
          for (int j = 0; j < c; j++) ga[off + j] += g[off + j] - (float) Math.exp(y[off + j]) * dot;
        } else {
          for (int j = 0; j < c; j++) dot += g[off + j] * y[off + j];
          for (int j = 0; j < c; j++) ga[off + j] += y[off + j] * (g[off + j] - dot);
        }
      }
    });
  }

  /**
   * Mean cross-entropy of logits [N, C] against integer targets: L = -(1/N) Σ_n log softmax(z_n)[t_n].
   * Saves the probabilities; dz = (p - onehot(t)) / N.
   */
  static Var softmaxCrossEntropy(Var logits, int[] targets) {
    Shape s = logits.shape();
    int c = s.dim(-1), n = s.size() / c;
    if (targets.length < n) {
      throw new IllegalArgumentException("targets length (" + targets.length + ") < rows of logits (" + n + ") for " + s);
    }
    Tape t = logits.tape;
    float[] p = t.scratch(s.size());
    float[] x = logits.data();
    float[] rowLoss = t.scratch(n);
    Parallel.forRange(0, n, 64, (lo, hi) -> {
      for (int r = lo; r < hi; r++) {
        int tr = targets[r];
        if (tr < 0 || tr >= c) throw new IllegalArgumentException("target[" + r + "] (" + tr + ") outside [0, " + c + ") for logits " + s);
        softmaxRow(x, p, r * c, c, false);
        // log p_t computed stably: x_t - m - log Σ exp(x - m)
        float m = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < c; j++) m = Math.max(m, x[r * c + j]);
        double se = 0;
        for (int j = 0; j < c; j++) se += Math.exp(x[r * c + j] - m);
        rowLoss[r] = (float) (Math.log(se) + m - x[r * c + tr]);
      }
    });
    double sum = 0;
    for (int r = 0; r < n; r++) sum += rowLoss[r];
    Tensor out = t.alloc(Shape.of());
    out.data()[0] = (float) (sum / n);
    Var v = t.record(Op.SOFTMAX_CROSS_ENTROPY, out, logits);
    int[] tg = t.scratchInts(n);
    System.arraycopy(targets, 0, tg, 0, n);
    v.saved = new Object[] {p, tg};
    return v;
  }

  static void softmaxCrossEntropyBackward(Var v) {
    Var a = v.inputs[0];
    if (!a.requiresGrad) return;
    Object[] sv = (Object[]) v.saved;
    float[] p = (float[]) sv[0];
    int[] tg = (int[]) sv[1];
    int c = a.shape().dim(-1), n = a.shape().size() / c;
    float gs = v.grad[0] / n;
    float[] ga = a.gradBuffer();
    for (int r = 0; r < n; r++) {
      int off = r * c;
      for (int j = 0; j < c; j++) ga[off + j] += gs * p[off + j];
      ga[off + tg[r]] -= gs;
    }
  }

  /** See {@link F#softCrossEntropy}: composed of log-softmax, a product and a sum. */
  static Var softCrossEntropy(Var logits, Tensor q) {
    if (!logits.shape().equals(q.shape())) throw new IllegalArgumentException("logits " + logits.shape() + " and targets " + q.shape() + " differ in shape");
    int n = logits.shape().size() / logits.shape().dim(logits.shape().rank() - 1);
    Var ce = F.sum(F.mul(F.logSoftmax(logits), logits.tape().input(q)));
    return F.scale(ce, -1f / Math.max(1, n));
  }

  /** mean((a - b)²); da = 2(a-b)/N · g, db = -da. */
  static Var mse(Var a, Var b) {
    if (!a.shape().equals(b.shape())) throw new IllegalArgumentException("mse shapes differ: " + a.shape() + " vs " + b.shape());
    float[] x = a.data(), y = b.data();
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double d = x[i] - y[i];
      s += d * d;
    }
    Tensor out = a.tape.alloc(Shape.of());
    out.data()[0] = (float) (s / Math.max(1, x.length));
    return a.tape.record(Op.MSE, out, a, b);
  }

  static void mseBackward(Var v) {
    Var a = v.inputs[0], b = v.inputs[1];
    float[] x = a.data(), y = b.data();
    float k = 2f * v.grad[0] / Math.max(1, x.length);
    if (a.requiresGrad) {
      float[] ga = a.gradBuffer();
      for (int i = 0; i < x.length; i++) ga[i] += k * (x[i] - y[i]);
    }
    if (b.requiresGrad) {
      float[] gb = b.gradBuffer();
      for (int i = 0; i < x.length; i++) gb[i] -= k * (x[i] - y[i]);
    }
  }

  /**
   * Layer norm over the last axis (Ba et al. 2016): y = (x - μ) / sqrt(σ² + ε) ⊙ w + b, with the
   * biased variance as PyTorch. Saves μ and 1/sqrt(σ²+ε) per row.
   */
  static Var layerNorm(Var x, Var w, Var b, float eps) {
    Shape s = x.shape();
    int c = s.dim(-1), rows = s.size() / c;
    if (w.shape().size() != c || b.shape().size() != c) {
      throw new IllegalArgumentException("layer norm weight " + w.shape() + " / bias " + b.shape() + " must have " + c + " elements for input " + s);
    }
    Tape t = x.tape;
    Tensor out = t.alloc(s);
    float[] xs = x.data(), y = out.data(), ww = w.data(), bb = b.data();
    float[] stats = t.scratch(2 * rows);
    Parallel.forRange(0, rows, 32, (lo, hi) -> {
      int r = lo;
      if (c >= 8) {
        float[] tb = lnScratch(c * LN_L);
        for (; r + LN_L <= hi; r += LN_L) layerNormStats(xs, r, c, tb, stats, eps);
      }
      for (; r < hi; r++) {
        int off = r * c;
        float mean = 0;
        for (int j = 0; j < c; j++) mean += xs[off + j];
        mean /= c;
        float var = 0;
        for (int j = 0; j < c; j++) {
          float d = xs[off + j] - mean;
          var += d * d;
        }
        var /= c;
        float rstd = (float) (1.0 / Math.sqrt(var + eps));
        stats[2 * r] = mean;
        stats[2 * r + 1] = rstd;
      }
      for (r = lo; r < hi; r++) {
        int off = r * c, j = 0;
        float mean = stats[2 * r], rstd = stats[2 * r + 1];
        for (; j + LN_L <= c; j += LN_L) { // the scalar expression, lane by lane
          jdk.incubator.vector.FloatVector.fromArray(LN_S, xs, off + j).sub(mean).mul(rstd)
              .mul(jdk.incubator.vector.FloatVector.fromArray(LN_S, ww, j)).add(jdk.incubator.vector.FloatVector.fromArray(LN_S, bb, j)).intoArray(y, off + j);
        }
        for (; j < c; j++) y[off + j] = (xs[off + j] - mean) * rstd * ww[j] + bb[j];
      }
    });
    Var v = t.record(Op.LAYER_NORM, out, x, w, b);
    v.saved = stats;
    v.farg = eps;
    return v;
  }

  /**
   * With x̂ = (x-μ)·r and ĝ = g⊙w: dx = r (ĝ - mean(ĝ) - x̂ mean(ĝ⊙x̂)); dw = Σ g⊙x̂; db = Σ g.
   */
  static void layerNormBackward(Var v) {
    Var x = v.inputs[0], w = v.inputs[1], b = v.inputs[2];
    int c = x.shape().dim(-1), rows = x.shape().size() / c;
    float[] g = v.grad, xs = x.data(), ww = w.data(), stats = (float[]) v.saved;
    if (x.requiresGrad) {
      float[] gx = x.gradBuffer();
      Parallel.forRange(0, rows, 32, (lo, hi) -> {
        int r0 = lo;
        if (c >= 8) {
          float[] tb = lnScratch(3 * c * LN_L);
          for (; r0 + LN_L <= hi; r0 += LN_L) layerNormBackwardBlock(g, xs, ww, stats, gx, r0, c, tb);
        }
        for (int r = r0; r < hi; r++) {
          int off = r * c;
          float mean = stats[2 * r], rstd = stats[2 * r + 1];
          float sg = 0, sgx = 0;
          for (int j = 0; j < c; j++) {
            float gh = g[off + j] * ww[j];
            float xh = (xs[off + j] - mean) * rstd;
            sg += gh;
            sgx += gh * xh;
          }
          sg /= c;
          sgx /= c;
          for (int j = 0; j < c; j++) {
            float gh = g[off + j] * ww[j];
            float xh = (xs[off + j] - mean) * rstd;
            gx[off + j] += rstd * (gh - sg - xh * sgx);
          }
        }
      });
    }
    if (w.requiresGrad) {
      float[] gw = w.gradBuffer();
      int units = (c + LN_L - 1) / LN_L;
      Parallel.forRange(0, units, Math.max(1, (1 << 16) / Math.max(1, rows * LN_L)),
          (u0, u1) -> layerNormWeightGrad(g, xs, stats, rows, c, u0 * LN_L, Math.min(c, u1 * LN_L), gw));
    }
    if (b.requiresGrad) VecOps.sumRows(g, 0, rows, c, b.gradBuffer(), 0, true);
  }

  /**
   * gw[j] += g[r, j] · (x[r, j] − μ_r) · r_r for r = 0, 1, … in turn, columns [j0, j1): the row-by-row
   * loop's chain per column (multiply, multiply, add, never fused), lanes along the columns, so any
   * split of the columns across threads gives the same bits.
   */
  private static void layerNormWeightGrad(float[] g, float[] xs, float[] stats, int rows, int c, int j0, int j1, float[] gw) {
    int j = j0;
    for (; j + LN_L <= j1; j += LN_L) {
      var acc = jdk.incubator.vector.FloatVector.fromArray(LN_S, gw, j);
      for (int r = 0, off = j; r < rows; r++, off += c) {
        var d = jdk.incubator.vector.FloatVector.fromArray(LN_S, xs, off).sub(stats[2 * r]);
        acc = acc.add(jdk.incubator.vector.FloatVector.fromArray(LN_S, g, off).mul(d).mul(stats[2 * r + 1]));
      }
      acc.intoArray(gw, j);
    }
    for (; j < j1; j++) {
      float acc = gw[j];
      for (int r = 0; r < rows; r++) acc += g[r * c + j] * (xs[r * c + j] - stats[2 * r]) * stats[2 * r + 1];
      gw[j] = acc;
    }
  }

  // ---- layer norm's row sums, sixteen rows at a time ----------------------------------------------
  // Each lane runs one row's sums in the scalar code's order (a chain over j from 0, multiply then
  // add, never fused), so the statistics and gradients are bit-identical to the row-by-row loops.

  private static final jdk.incubator.vector.VectorSpecies<Float> LN_S = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
  private static final int LN_L = LN_S.length();
  private static final ThreadLocal<float[][]> LN_SCRATCH = ThreadLocal.withInitial(() -> new float[][] {new float[0]});

  private static float[] lnScratch(int n) {
    float[][] h = LN_SCRATCH.get();
    if (h[0].length < n) h[0] = new float[n];
    return h[0];
  }

  /** stats[2r], stats[2r+1] = mean and 1/sqrt(var + eps) of rows [r0, r0 + L), as the scalar loop computes them. */
  private static void layerNormStats(float[] xs, int r0, int c, float[] tb, float[] stats, float eps) {
    for (int l = 0; l < LN_L; l++) {
      int off = (r0 + l) * c;
      for (int j = 0; j < c; j++) tb[j * LN_L + l] = xs[off + j];
    }
    var mean = jdk.incubator.vector.FloatVector.zero(LN_S);
    for (int j = 0; j < c; j++) mean = mean.add(jdk.incubator.vector.FloatVector.fromArray(LN_S, tb, j * LN_L));
    mean = mean.div((float) c);
    var var = jdk.incubator.vector.FloatVector.zero(LN_S);
    for (int j = 0; j < c; j++) {
      var d = jdk.incubator.vector.FloatVector.fromArray(LN_S, tb, j * LN_L).sub(mean);
      var = var.add(d.mul(d));
    }
    var = var.div((float) c);
    for (int l = 0; l < LN_L; l++) {
      stats[2 * (r0 + l)] = mean.lane(l);
      stats[2 * (r0 + l) + 1] = (float) (1.0 / Math.sqrt(var.lane(l) + eps));
    }
  }

  /** gx rows [r0, r0 + L) += the layer norm's input gradient, as the scalar loop computes it. */
  private static void layerNormBackwardBlock(float[] g, float[] xs, float[] ww, float[] stats, float[] gx, int r0, int c, float[] tb) {
    int tx = c * LN_L, ts = 2 * c * LN_L;
    for (int l = 0; l < LN_L; l++) {
      int off = (r0 + l) * c;
      for (int j = 0; j < c; j++) {
        tb[j * LN_L + l] = g[off + j];
        tb[tx + j * LN_L + l] = xs[off + j];
      }
      tb[ts + l] = stats[2 * (r0 + l)];
      tb[ts + LN_L + l] = stats[2 * (r0 + l) + 1];
    }
    var mean = jdk.incubator.vector.FloatVector.fromArray(LN_S, tb, ts);
    var rstd = jdk.incubator.vector.FloatVector.fromArray(LN_S, tb, ts + LN_L);
    var sg = jdk.incubator.vector.FloatVector.zero(LN_S);
    var sgx = sg;
    for (int j = 0; j < c; j++) {
      var gh = jdk.incubator.vector.FloatVector.fromArray(LN_S, tb, j * LN_L).mul(ww[j]);
      var xh = jdk.incubator.vector.FloatVector.fromArray(LN_S, tb, tx + j * LN_L).sub(mean).mul(rstd);
      sg = sg.add(gh);
      sgx = sgx.add(gh.mul(xh));
    }
    sg = sg.div((float) c);
    sgx = sgx.div((float) c);
    for (int l = 0; l < LN_L; l++) {
      int off = (r0 + l) * c, j = 0;
      float m = mean.lane(l), rs = rstd.lane(l), a = sg.lane(l), bx = sgx.lane(l);
      for (; j + LN_L <= c; j += LN_L) { // along the row: the scalar expression, lane by lane
        var gh = jdk.incubator.vector.FloatVector.fromArray(LN_S, g, off + j).mul(jdk.incubator.vector.FloatVector.fromArray(LN_S, ww, j));
        var xh = jdk.incubator.vector.FloatVector.fromArray(LN_S, xs, off + j).sub(m).mul(rs);
        var d = gh.sub(a).sub(xh.mul(bx)).mul(rs);
        jdk.incubator.vector.FloatVector.fromArray(LN_S, gx, off + j).add(d).intoArray(gx, off + j);
      }
      for (; j < c; j++) {
        float gh = g[off + j] * ww[j];
        float xh = (xs[off + j] - m) * rs;
        gx[off + j] += rs * (gh - a - xh * bx);
      }
    }
  }
}
