package dev.fivefold.spark;

import dev.fivefold.data.Dataset;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;

/** A small synthetic classification set for the tests: Gaussian blobs around seeded class centres. */
final class Blobs {
  private Blobs() {}

  static final int FEATURES = 32;
  static final int CLASSES = 4;

  /** {@code n} samples; the centres depend only on the class, the noise on {@code seed}. */
  static Dataset of(int n, long seed) {
    Rng centres = new Rng(42);
    float[][] c = new float[CLASSES][FEATURES];
    for (float[] row : c) for (int j = 0; j < FEATURES; j++) row[j] = (float) centres.nextGaussian();
    Rng r = new Rng(seed);
    float[] x = new float[n * FEATURES];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(CLASSES);
      for (int j = 0; j < FEATURES; j++) x[i * FEATURES + j] = c[y[i]][j] + 1.5f * (float) r.nextGaussian();
    }
    return new Dataset(Tensor.of(x, n, FEATURES), y, CLASSES);
  }

  static String model() {
    return "mlp:" + FEATURES + "-16-" + CLASSES;
  }
}
