package dev.fivefold.compress.grad;

import dev.fivefold.tensor.Rng;

/**
 * Random-k sparsification (Stich, Cordonnier &amp; Jaggi, "Sparsified SGD with Memory", NeurIPS
 * 2018; Wangni et al. 2018): per tensor, k = ⌈ρ·n⌉ indices drawn uniformly without replacement.
 * Unbiased (the default): the values are scaled by n/k, so E[Ĉ(g)] = g (each index is kept with
 * probability k/n); no residual. With error feedback instead: p = g + e, the kept values are sent
 * unscaled and e ← p − sent (biased, lower variance).
 *
 * <p>The indices are not sent: the payload starts with the 64-bit seed of the draw (from the
 * worker's own stream), from which the receiver draws them again (a partial Fisher-Yates shuffle);
 * then per tensor the k values as a float32 byte-plane block, entropy-coded if shorter.
 *
 * @param ratio ρ, the density sent per tensor, in (0, 1]
 * @param errorFeedback keep a residual and send the values unscaled (biased) instead of scaling by n/k
 *     (unbiased)
 */
public record RandomK(double ratio, boolean errorFeedback) implements GradientCompressor {
  /**
   * Checks the ratio.
   *
   * @throws IllegalArgumentException if {@code ratio} is outside (0, 1]
   */
  public RandomK {
    Compressors.checkRatio(ratio);
  }

  @Override
  public String name() {
    return "randomk(" + ratio + (errorFeedback ? ",ef" : "") + ")";
  }

  @Override
  public WorkerState init(Layout layout, long seed, int worker) {
    return new WorkerState(layout, worker, new Rng(Compressors.mix(seed, worker, 0x52414e444bL)));
  }

  /** The k indices of a tensor of n values drawn from {@code rng}, ascending. */
  static int[] draw(Rng rng, int n, int k) {
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) perm[i] = i;
    for (int i = 0; i < k; i++) {
      int j = i + rng.nextInt(n - i);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    int[] idx = java.util.Arrays.copyOf(perm, k);
    java.util.Arrays.sort(idx);
    return idx;
  }

  @Override
  public byte[] compress(int round, float[][] gradient, float[][] previous, WorkerState state) {
    Compressors.checkRound(this, round);
    Layout l = state.layout();
    l.check(gradient, "gradient");
    long seed = state.rng().nextLong();
    Rng draw = new Rng(seed);
    Wire.Out o = new Wire.Out().i64(seed);
    float[][] e = errorFeedback ? state.slot("residual") : null;
    for (int t = 0; t < gradient.length; t++) {
      float[] g = gradient[t];
      if (e != null) for (int j = 0; j < g.length; j++) e[t][j] += g[j];
      float[] p = e != null ? e[t] : g;
      int n = p.length, k = TopK.k(ratio, n);
      int[] idx = draw(draw, n, k);
      float[] vals = new float[k];
      float s = errorFeedback ? 1f : (float) n / k;
      for (int i = 0; i < k; i++) {
        vals[i] = p[idx[i]] * s;
        if (e != null) p[idx[i]] = 0;
      }
      o.floatBlock(vals, k);
    }
    state.step++;
    return o.bytes();
  }

  @Override
  public float[][] decode(int round, byte[] payload, Layout l) {
    Compressors.checkRound(this, round);
    Wire.In in = new Wire.In(payload);
    Rng draw = new Rng(in.i64());
    float[][] out = l.zeros();
    for (float[] x : out) {
      int k = TopK.k(ratio, x.length);
      int[] idx = draw(draw, x.length, k);
      float[] vals = in.floatBlock(k);
      for (int i = 0; i < k; i++) x[idx[i]] = vals[i];
    }
    in.end();
    return out;
  }

  @Override
  public String toString() {
    return "randomk:ratio=" + ratio + (errorFeedback ? ",ef=on" : "");
  }
}
