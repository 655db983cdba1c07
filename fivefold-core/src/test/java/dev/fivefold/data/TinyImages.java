package dev.fivefold.data;

import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;

/** Small 28×28 image sets for experiment tests: class c is a bright band of rows 3c..3c+2 on faint noise. */
public final class TinyImages {
  private TinyImages() {}

  /** {@code n} images {@code [n, 1, 28, 28]}, labels 0–9, drawn with {@code seed}. */
  public static Dataset bands(int n, long seed) {
    Rng r = new Rng(seed);
    float[] x = new float[n * 784];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      int c = r.nextInt(10);
      y[i] = c;
      for (int p = 0; p < 784; p++) x[i * 784 + p] = p / 28 / 3 == c ? 0.8f + 0.2f * r.nextFloat() : 0.15f * r.nextFloat();
    }
    return new Dataset(Tensor.of(x, n, 1, 28, 28), y, 10);
  }
}
