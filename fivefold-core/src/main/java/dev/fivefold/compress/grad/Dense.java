package dev.fivefold.compress.grad;

/**
 * No compression: every value as float32, 4·d bytes, summable — what a ring all-reduce of the
 * uncompressed gradient carries, the reference every compression ratio is measured against.
 * Not entropy-coded: dense all-reduce sends raw float32.
 */
public record Dense() implements GradientCompressor {
  @Override
  public String name() {
    return "dense";
  }

  @Override
  public boolean summable() {
    return true;
  }

  @Override
  public WorkerState init(Layout layout, long seed, int worker) {
    return new WorkerState(layout, worker, null);
  }

  @Override
  public byte[] compress(int round, float[][] gradient, float[][] previous, WorkerState state) {
    Compressors.checkRound(this, round);
    state.layout().check(gradient, "gradient");
    Wire.Out o = new Wire.Out();
    for (float[] g : gradient) o.floats(g, 0, g.length);
    state.step++;
    return o.bytes();
  }

  @Override
  public float[][] decode(int round, byte[] payload, Layout layout) {
    Compressors.checkRound(this, round);
    Wire.In in = new Wire.In(payload);
    float[][] out = layout.zeros();
    for (float[] g : out) in.floats(g, 0, g.length);
    in.end();
    return out;
  }

  @Override
  public String toString() {
    return "dense";
  }
}
