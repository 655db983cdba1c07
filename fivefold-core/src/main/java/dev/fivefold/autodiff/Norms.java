package dev.fivefold.autodiff;

import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.ChannelStats;
import dev.fivefold.tensor.kernel.Parallel;

/**
 * Normalisation across the batch (batch norm) and across channels (local response
 * normalisation), each forward beside its backward, and group norm composed from layer norm. An
 * input [N, C, ...] is viewed as [N, C, L] with L the product of the trailing axes (1 for [N, C],
 * H·W for [N, C, H, W]).
 *
 * <p>Every channel's (or image's) statistics are summed in a fixed order by one thread (batch
 * norm: {@link ChannelStats}, float lanes within a plane, double across planes), so results do not
 * depend on the thread count.
 */
final class Norms {
  private Norms() {}

  /**
   * Batch normalisation (Ioffe &amp; Szegedy 2015), PyTorch's {@code F.batch_norm}: per channel c,
   * y = (x − μ_c) / √(σ²_c + ε) · w_c + b_c. In training μ and σ² are the mean and the biased
   * variance over the M = N·L values of the channel, and the running statistics (when given) are
   * updated in place: r_μ ← (1 − m)·r_μ + m·μ, r_σ² ← (1 − m)·r_σ² + m·σ²·M/(M − 1) (unbiased);
   * otherwise μ and σ² are the running statistics. Saves μ and 1/√(σ² + ε) per channel.
   */
  static Var batchNorm(Var x, Var w, Var b, Tensor runningMean, Tensor runningVar, boolean training, float momentum, float eps) {
    Shape s = x.shape();
    if (s.rank() < 2 || s.size() == 0) throw new IllegalArgumentException("batch norm input must be [N, C] or [N, C, ...] and not empty, got " + s);
    int n = s.dim(0), c = s.dim(1), l = s.size() / (n * c);
    if (w.shape().rank() != 1 || w.shape().dim(0) != c || b.shape().rank() != 1 || b.shape().dim(0) != c) {
      throw new IllegalArgumentException("batch norm weight " + w.shape() + " and bias " + b.shape() + " must be [" + c + "] for input " + s);
    }
    for (Tensor r : new Tensor[] {runningMean, runningVar}) {
      if (r != null && r.size() != c) throw new IllegalArgumentException("batch norm running statistics " + r.shape() + " must have " + c + " elements for input " + s);
    }
    if (!training && (runningMean == null || runningVar == null)) throw new IllegalArgumentException("batch norm in evaluation needs running statistics");
    if (!(eps >= 0) || Float.isInfinite(eps)) throw new IllegalArgumentException("batch norm eps (" + eps + ") must be finite and >= 0");
    if (!(momentum >= 0 && momentum <= 1)) throw new IllegalArgumentException("batch norm momentum (" + momentum + ") must be in [0, 1]");
    long m = (long) n * l;
    if (training && m < 2) throw new IllegalArgumentException("batch norm in training needs more than one value per channel, got input " + s);
    Tape t = x.tape;
    Tensor out = t.alloc(s);
    float[] xs = x.data(), y = out.data(), ww = w.data(), bb = b.data();
    float[] rm = runningMean == null ? null : runningMean.data(), rv = runningVar == null ? null : runningVar.data();
    float[] stats = t.scratch(2 * c);
    Parallel.forRange(0, c, 1, (lo, hi) -> {
      for (int ch = lo; ch < hi; ch++) {
        float mean, rstd;
        if (training) {
          // one pass: sums of (x − K) and (x − K)² with K the channel's first value (ChannelStats)
          float shift = xs[ch * l];
          double[] sums = new double[2];
          for (int img = 0; img < n; img++) ChannelStats.shiftedSums(xs, (img * c + ch) * l, l, shift, sums);
          double d = sums[0] / m;
          double mu = shift + d, var = Math.max(0.0, sums[1] / m - d * d);
          mean = (float) mu;
          rstd = (float) (1.0 / Math.sqrt(var + eps));
          if (rm != null) rm[ch] = (float) ((1.0 - momentum) * rm[ch] + momentum * mu);
          if (rv != null) rv[ch] = (float) ((1.0 - momentum) * rv[ch] + momentum * var * m / (m - 1));
        } else {
          mean = rm[ch];
          rstd = (float) (1.0 / Math.sqrt((double) rv[ch] + eps));
        }
        stats[2 * ch] = mean;
        stats[2 * ch + 1] = rstd;
        float a = rstd * ww[ch], sh = bb[ch];
        for (int img = 0; img < n; img++) ChannelStats.normalize(xs, (img * c + ch) * l, l, mean, a, sh, y);
      }
    });
    Var v = t.record(Op.BATCH_NORM, out, x, w, b);
    v.args = new int[] {training ? 1 : 0};
    v.saved = stats;
    v.farg = eps;
    return v;
  }

  /**
   * With x̂ = (x − μ)·r, r = 1/√(σ² + ε): dw = Σ g⊙x̂, db = Σ g over each channel; in training
   * dx = w·r·(g − Σg/M − x̂·Σ(g⊙x̂)/M) (μ and σ² depend on x), in evaluation dx = w·r·g (they are
   * constants). The running statistics get no gradient.
   */
  static void batchNormBackward(Var v) {
    Var x = v.inputs[0], w = v.inputs[1], b = v.inputs[2];
    Shape s = x.shape();
    int n = s.dim(0), c = s.dim(1), l = s.size() / (n * c);
    long m = (long) n * l;
    boolean training = v.args[0] == 1;
    float[] g = v.grad, xs = x.data(), ww = w.data(), stats = (float[]) v.saved;
    float[] gx = x.requiresGrad ? x.gradBuffer() : null;
    float[] gw = w.requiresGrad ? w.gradBuffer() : null;
    float[] gb = b.requiresGrad ? b.gradBuffer() : null;
    Parallel.forRange(0, c, 1, (lo, hi) -> {
      for (int ch = lo; ch < hi; ch++) {
        float mean = stats[2 * ch], rstd = stats[2 * ch + 1];
        double[] sums = new double[2];
        for (int img = 0; img < n; img++) ChannelStats.gradSums(g, xs, (img * c + ch) * l, l, mean, sums);
        double sg = sums[0], sgx = sums[1];
        float sumG = (float) sg, sumGx = (float) (sgx * rstd); // Σg, Σ g⊙x̂
        if (gw != null) gw[ch] += sumGx;
        if (gb != null) gb[ch] += sumG;
        if (gx == null) continue;
        float k = ww[ch] * rstd;
        // x̂·(Σ g⊙x̂)/M = (x − μ)·r²·Σ g·(x − μ)/M
        float cg = training ? (float) (sg / m) : 0f, cx = training ? (float) (sgx * rstd * rstd / m) : 0f;
        for (int img = 0; img < n; img++) ChannelStats.normalizeBackward(g, xs, (img * c + ch) * l, l, mean, k, cg, cx, gx);
      }
    });
  }

  /**
   * Local response normalisation across channels (Krizhevsky et al. 2012, §3.3), exactly
   * PyTorch's {@code F.local_response_norm}: y_c = x_c / d_c^β with
   * d_c = k + α · (1/n) Σ_{c' = c − ⌊n/2⌋}^{c + ⌊(n−1)/2⌋} x_{c'}² (channels outside [0, C) count as
   * zero; PyTorch divides α by the window size n, the paper does not). Saves d and d^β.
   */
  static Var localResponseNorm(Var x, int size, float alpha, float beta, float k) {
    Shape s = x.shape();
    if (s.rank() < 3 || s.size() == 0) throw new IllegalArgumentException("local response norm input must be [N, C, ...] with at least 3 axes and not empty, got " + s);
    if (size < 1) throw new IllegalArgumentException("local response norm size (" + size + ") must be >= 1");
    int n = s.dim(0), c = s.dim(1), l = s.size() / (n * c);
    Tape t = x.tape;
    Tensor out = t.alloc(s);
    float[] xs = x.data(), y = out.data(), d = t.scratch(s.size()), dp = t.scratch(s.size());
    int before = size / 2, after = (size - 1) / 2;
    Parallel.forRange(0, n, 1, (lo, hi) -> {
      for (int img = lo; img < hi; img++) {
        int base = img * c * l;
        for (int ch = 0; ch < c; ch++) {
          int c0 = Math.max(0, ch - before), c1 = Math.min(c - 1, ch + after), off = base + ch * l;
          for (int i = 0; i < l; i++) {
            float acc = 0;
            for (int cc = c0; cc <= c1; cc++) {
              float xv = xs[base + cc * l + i];
              acc += xv * xv;
            }
            float di = acc / size * alpha + k;
            float pi = pow(di, beta);
            d[off + i] = di;
            dp[off + i] = pi;
            y[off + i] = xs[off + i] / pi;
          }
        }
      }
    });
    Var v = t.record(Op.LOCAL_RESPONSE_NORM, out, x);
    v.args = new int[] {size};
    v.farg = alpha;
    v.saved = new Object[] {d, dp, beta};
    return v;
  }

  /** d^β; β = 0.75 (the usual value) as √(d·√d), else {@link Math#pow}. */
  private static float pow(float d, float beta) {
    if (beta == 0.75f) {
      double dd = d;
      return (float) Math.sqrt(dd * Math.sqrt(dd));
    }
    return (float) Math.pow(d, beta);
  }

  /**
   * dx_j = g_j / d_j^β − (2αβ/n) · x_j · Σ_{c : j in the window of c} g_c · y_c / d_c (the windows
   * are those of the forward, so j's partners are c = j − ⌊n/2⌋ … j + ⌊(n−1)/2⌋ mirrored:
   * c ∈ [j − ⌊(n−1)/2⌋, j + ⌊n/2⌋]).
   */
  static void localResponseNormBackward(Var v) {
    Var x = v.inputs[0];
    if (!x.requiresGrad) return;
    Shape s = x.shape();
    int n = s.dim(0), c = s.dim(1), l = s.size() / (n * c), size = v.args[0];
    Object[] sv = (Object[]) v.saved;
    float[] d = (float[]) sv[0], dp = (float[]) sv[1];
    float beta = (Float) sv[2], alpha = v.farg;
    float[] g = v.grad, xs = x.data(), y = v.data(), gx = x.gradBuffer(), tmp = v.tape.scratch(s.size());
    int before = size / 2, after = (size - 1) / 2;
    float coef = 2f * alpha * beta / size;
    Parallel.forRange(0, n, 1, (lo, hi) -> {
      for (int img = lo; img < hi; img++) {
        int base = img * c * l;
        for (int q = base; q < base + c * l; q++) tmp[q] = g[q] * y[q] / d[q];
        for (int j = 0; j < c; j++) {
          int c0 = Math.max(0, j - after), c1 = Math.min(c - 1, j + before), off = base + j * l;
          for (int i = 0; i < l; i++) {
            float acc = 0;
            for (int cc = c0; cc <= c1; cc++) acc += tmp[base + cc * l + i];
            gx[off + i] += g[off + i] / dp[off + i] - coef * xs[off + i] * acc;
          }
        }
      }
    });
  }

  /**
   * Group norm (Wu &amp; He 2018), PyTorch's {@code F.group_norm}: the C channels of each sample are
   * split into G groups of C/G; each group is normalised by its own mean and biased variance over
   * its (C/G)·L values, then y = x̂·w_c + b_c. Composed of primitives: a layer norm of
   * [N, G, (C/G)·L] with unit gain and zero bias (constants), and the per-channel affine.
   */
  static Var groupNorm(Var x, int groups, Var w, Var b, float eps) {
    Shape s = x.shape();
    if (s.rank() < 2 || s.size() == 0) throw new IllegalArgumentException("group norm input must be [N, C, ...] and not empty, got " + s);
    int n = s.dim(0), c = s.dim(1), l = s.size() / (n * c);
    if (groups < 1 || c % groups != 0) throw new IllegalArgumentException("group norm groups (" + groups + ") must divide the channels (" + c + ") of " + s);
    if (w.shape().size() != c || b.shape().size() != c) throw new IllegalArgumentException("group norm weight " + w.shape() + " and bias " + b.shape() + " must be [" + c + "] for input " + s);
    int m = c / groups * l;
    Tape t = x.tape;
    Tensor ones = t.alloc(Shape.of(m));
    java.util.Arrays.fill(ones.data(), 1f);
    Var z = F.layerNorm(F.reshape(x, n, groups, m), t.input(ones), t.input(t.allocZeroed(Shape.of(m))), eps); // [N, G, (C/G)·L]
    z = F.reshape(z, n, c, l);
    z = F.add(F.mul(z, F.reshape(w, c, 1)), F.reshape(b, c, 1)); // [N, C, L]
    return F.reshape(z, s.dims());
  }
}
