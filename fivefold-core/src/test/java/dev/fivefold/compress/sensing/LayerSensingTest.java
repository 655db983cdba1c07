package dev.fivefold.compress.sensing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.compress.archive.SensedTensor;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.kernel.Parallel;
import org.junit.jupiter.api.Test;

/** A tensor through blocks: the target is what exact recovery gives back, in either basis, at any thread count. */
class LayerSensingTest {
  static float[] weights(long seed, int n) {
    Rng rng = new Rng(seed);
    float[] w = new float[n];
    for (int i = 0; i < n; i++) w[i] = (float) (0.1 * rng.nextGaussian());
    return w;
  }

  static double error(float[] a, float[] b) {
    double d = 0, n = 0;
    for (int i = 0; i < a.length; i++) {
      d += (a[i] - b[i]) * (double) (a[i] - b[i]);
      n += b[i] * (double) b[i];
    }
    return Math.sqrt(d / n);
  }

  @Test
  void identityBasisRecoversThePrunedTargetExactly() {
    int[] shape = {30, 50}; // 1500 weights: 5 full blocks of 256 and one of 220
    float[] w = weights(1, 1500);
    for (String op : new String[] {"gaussian", "hadamard"}) {
      for (String rec : new String[] {"omp", "fista"}) {
        SensedTensor.Recipe r = SensingExperiment.recipe(op, "identity", rec, 256, w.length, 0.4, 0.1, 1e-3, 500, 1e-8, 5);
        assertEquals(102, r.rows());
        assertEquals(10, r.sparsity());
        LayerSensing.Encoded e = LayerSensing.encode("w", w, shape, r, 32);
        assertEquals(5 * 102 + 88, e.sensed().measurementCount()); // ceil(102 * 220 / 256) = 88 in the last block
        int nz = 0;
        for (float v : e.target()) if (v != 0) nz++;
        assertEquals(5 * 10 + 8, nz); // floor(10 * 88 / 102) = 8
        for (int i = 0; i < w.length; i++) assertTrue(e.target()[i] == 0 || e.target()[i] == w[i]);
        float[] back = LayerSensing.decode(e.sensed());
        assertTrue(error(back, e.target()) < 1e-5, op + "/" + rec + ": error " + error(back, e.target()));
      }
    }
  }

  @Test
  void dctBasisOnSmoothFiltersAndEightBitMeasurements() {
    int[] shape = {8, 4, 5, 5};
    // smooth filters: a constant plus a vertical gradient, two DCT coefficients each (DC and u = 1)
    double[] s = new double[800];
    Rng rng = new Rng(2);
    for (int f = 0; f < 32; f++) {
      s[f * 25] = rng.nextGaussian();
      s[f * 25 + 5] = rng.nextGaussian();
    }
    float[] w = LayerSensing.toFloat(Basis.DCT.synthesize(s, shape));
    SensedTensor.Recipe r = SensingExperiment.recipe("gaussian", "dct", "fista", 256, w.length, 0.5, 0.2, 1e-3, 500, 1e-8, 3);
    assertEquals(25, r.sparsity()); // at most 2 x 11 non-zeros in a block of 256: nothing is pruned
    LayerSensing.Encoded e = LayerSensing.encode("conv", w, shape, r, 32);
    assertTrue(error(e.target(), w) < 1e-6, "the target is the filters themselves: " + error(e.target(), w));
    assertTrue(error(LayerSensing.decode(e.sensed()), e.target()) < 1e-5);
    LayerSensing.Encoded q = LayerSensing.encode("conv", w, shape, r, 8);
    assertEquals(4 + e.sensed().measurementCount(), q.sensed().payload().length);
    double err8 = error(LayerSensing.decode(q.sensed()), q.target());
    assertTrue(err8 > 1e-4 && err8 < 0.05, "int8 measurements: error " + err8);
  }

  @Test
  void decodingIsBitIdenticalForAnyThreadCount() {
    float[] w = weights(4, 2000);
    SensedTensor.Recipe r = SensingExperiment.recipe("gaussian", "identity", "omp", 128, w.length, 0.3, 0.25, 1e-3, 300, 0, 9);
    SensedTensor t = LayerSensing.encode("w", w, new int[] {40, 50}, r, 32).sensed();
    int threads = Parallel.threads();
    try {
      Parallel.setThreads(1);
      float[] one = LayerSensing.decode(t);
      Parallel.setThreads(2);
      assertArrayEquals(one, LayerSensing.decode(t));
    } finally {
      Parallel.setThreads(threads);
    }
  }

  @Test
  void magnitudeBudgetArithmetic() {
    // n = 1000: positions at 10 bits, or a 125-byte bitmap
    assertEquals(4 * 10 + 13, SensingExperiment.magnitudeBytes(10, 1000, 32)); // 100 bits -> 13 bytes
    assertEquals(4 * 200 + 125, SensingExperiment.magnitudeBytes(200, 1000, 32)); // the bitmap is smaller
    assertEquals(200 + 4 + 125, SensingExperiment.magnitudeBytes(200, 1000, 8));
    int k = SensingExperiment.keptAtBudget(4 * 400, 1000, 32);
    assertTrue(SensingExperiment.magnitudeBytes(k, 1000, 32) <= 1600 && SensingExperiment.magnitudeBytes(k + 1, 1000, 32) > 1600);
    assertEquals(0, SensingExperiment.keptAtBudget(0, 1000, 32));
  }
}
