package dev.fivefold.compress.grad;

import dev.fivefold.tensor.Rng;

/**
 * QSGD (Alistarh, Grubic, Li, Tomioka &amp; Vojnovic, "QSGD: Communication-Efficient SGD via
 * Gradient Quantization and Encoding", NeurIPS 2017, §3.1): each bucket of {@code bucket}
 * consecutive values of a tensor (the paper's "bucket size", 512 in its experiments) is sent as its
 * norm and s stochastic levels,
 * <pre>
 *   Q_s(v_i) = ‖v‖₂ · sign(v_i) · ξ_i(v, s) / s,   ξ_i = ℓ + 1 with probability s|v_i|/‖v‖₂ − ℓ, else ℓ,
 *   ℓ = ⌊s|v_i|/‖v‖₂⌋
 * </pre>
 * so E[Q_s(v)] = v (unbiased; no error feedback). Payload per tensor: the buckets' float32 norms,
 * then the signed levels ξ·sign + s as symbols of an alphabet of 2s+1, entropy-coded (the paper
 * uses Elias codes) or packed at ⌈log2(2s+1)⌉ bits, whichever is shorter.
 *
 * @param levels s &ge; 1 (at most 32767)
 * @param bucket values per norm, &ge; 1
 */
public record Qsgd(int levels, int bucket) implements GradientCompressor {
  /**
   * Checks the settings.
   *
   * @throws IllegalArgumentException if {@code levels} is outside [1, 32767] or {@code bucket} &lt; 1
   */
  public Qsgd {
    if (levels < 1 || levels > 32767) throw new IllegalArgumentException("levels (" + levels + ") must be in [1, 32767]");
    if (bucket < 1) throw new IllegalArgumentException("bucket (" + bucket + ") must be >= 1");
  }

  @Override
  public String name() {
    return "qsgd(s=" + levels + ")";
  }

  @Override
  public WorkerState init(Layout layout, long seed, int worker) {
    return new WorkerState(layout, worker, new Rng(Compressors.mix(seed, worker, 0x51534744L)));
  }

  @Override
  public byte[] compress(int round, float[][] gradient, float[][] previous, WorkerState state) {
    Compressors.checkRound(this, round);
    Layout l = state.layout();
    l.check(gradient, "gradient");
    Rng rng = state.rng();
    Wire.Out o = new Wire.Out();
    int s = levels;
    for (float[] v : gradient) {
      int n = v.length, buckets = (n + bucket - 1) / bucket;
      int[] sym = new int[n];
      for (int b = 0; b < buckets; b++) {
        int lo = b * bucket, hi = Math.min(n, lo + bucket);
        double sq = 0;
        for (int j = lo; j < hi; j++) sq += (double) v[j] * v[j];
        float norm = (float) Math.sqrt(sq);
        o.f32(norm);
        for (int j = lo; j < hi; j++) {
          int level = 0;
          if (norm > 0) {
            double x = Math.abs(v[j]) / (double) norm * s;
            level = (int) Math.floor(x);
            if (rng.nextDouble() < x - level) level++;
            level = Math.min(level, s);
          }
          sym[j] = s + (v[j] < 0 ? -level : level);
        }
      }
      o.symbols(sym, n, 2 * s + 1);
    }
    state.step++;
    return o.bytes();
  }

  @Override
  public float[][] decode(int round, byte[] payload, Layout l) {
    Compressors.checkRound(this, round);
    Wire.In in = new Wire.In(payload);
    float[][] out = l.zeros();
    int s = levels;
    for (float[] x : out) {
      int n = x.length, buckets = (n + bucket - 1) / bucket;
      float[] norms = new float[buckets];
      for (int b = 0; b < buckets; b++) norms[b] = in.f32();
      int[] sym = in.symbols(n, 2 * s + 1);
      for (int j = 0; j < n; j++) x[j] = (float) ((double) norms[j / bucket] * (sym[j] - s) / s);
    }
    in.end();
    return out;
  }

  @Override
  public String toString() {
    return "qsgd:levels=" + levels + ",bucket=" + bucket;
  }
}
