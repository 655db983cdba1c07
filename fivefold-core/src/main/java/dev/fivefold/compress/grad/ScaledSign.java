package dev.fivefold.compress.grad;

/**
 * Scaled sign compression with error feedback, EF-signSGD (Karimireddy, Rebjock, Stich &amp; Jaggi,
 * "Error Feedback Fixes SignSGD and other Gradient Compression Schemes", ICML 2019, Algorithm 1),
 * per tensor (the paper's layer-wise variant): with p = g + e and d the tensor's size,
 * <pre>
 *   Δ = (‖p‖₁ / d) · sign(p),   e ← p − Δ        (sign(0) = +1)
 * </pre>
 * Payload: per tensor the float32 scale ‖p‖₁/d, then all sign bits as one block, entropy-coded if
 * shorter.
 */
public record ScaledSign() implements GradientCompressor {
  @Override
  public String name() {
    return "signsgd";
  }

  @Override
  public WorkerState init(Layout layout, long seed, int worker) {
    return new WorkerState(layout, worker, null);
  }

  @Override
  public byte[] compress(int round, float[][] gradient, float[][] previous, WorkerState state) {
    Compressors.checkRound(this, round);
    Layout l = state.layout();
    l.check(gradient, "gradient");
    float[][] e = state.slot("residual");
    Wire.Out o = new Wire.Out();
    int[] bits = new int[(int) l.total()];
    int at = 0;
    for (int t = 0; t < gradient.length; t++) {
      float[] p = e[t], g = gradient[t];
      double l1 = 0;
      for (int j = 0; j < p.length; j++) {
        p[j] += g[j];
        l1 += Math.abs(p[j]);
      }
      float scale = (float) (l1 / p.length);
      o.f32(scale);
      for (int j = 0; j < p.length; j++) {
        boolean b = p[j] >= 0;
        bits[at++] = b ? 1 : 0;
        p[j] -= b ? scale : -scale;
      }
    }
    o.block(Wire.pack(bits, bits.length, 1));
    state.step++;
    return o.bytes();
  }

  @Override
  public float[][] decode(int round, byte[] payload, Layout l) {
    Compressors.checkRound(this, round);
    Wire.In in = new Wire.In(payload);
    float[][] out = l.zeros();
    float[] scale = new float[out.length];
    for (int t = 0; t < out.length; t++) scale[t] = in.f32();
    int total = (int) l.total();
    int[] bits = Wire.unpack(in.block((total + 7) / 8), total, 1);
    in.end();
    int at = 0;
    for (int t = 0; t < out.length; t++) for (int j = 0; j < out[t].length; j++) out[t][j] = bits[at++] == 1 ? scale[t] : -scale[t];
    return out;
  }

  @Override
  public String toString() {
    return "signsgd";
  }
}
