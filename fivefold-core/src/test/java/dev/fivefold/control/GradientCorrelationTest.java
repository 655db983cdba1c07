package dev.fivefold.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.tensor.Rng;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The successive-gradient correlation controller on synthetic gradients g = G + ξ of known noise. */
class GradientCorrelationTest {
  /** Feeds gradients of mean ‖G‖ = 1 in 64 dimensions and noise σ per coordinate; returns the last rate. */
  static double feed(GradientCorrelation c, Rng rng, double sigma, int steps, double[] last, double[] mean) {
    double lr = Double.NaN;
    for (int t = 0; t < steps; t++) {
      double[] g = new double[64];
      double n = 0, d = 0;
      for (int j = 0; j < g.length; j++) {
        g[j] = mean[j] + sigma * rng.nextGaussian();
        n += g[j] * g[j];
        d += g[j] * last[j];
      }
      System.arraycopy(g, 0, last, 0, g.length);
      lr = c.next(new Signals(t, 0, 1, 1, Math.sqrt(n), Double.NaN, null, lr, null, t == 0 ? Double.NaN : d));
    }
    return lr;
  }

  static double[] unitMean() {
    double[] m = new double[64];
    java.util.Arrays.fill(m, 1 / Math.sqrt(64));
    return m;
  }

  @Test
  void measuresTheSignalFractionAndLowersTheRateAsNoiseGrows() {
    GradientCorrelation c = new GradientCorrelation(0.01, 200, 0.995, 1, 1e-6);
    Rng rng = new Rng(3);
    double[] last = new double[64], mean = unitMean();
    // ν = tr Σ / ‖G‖² = 64σ²: σ = 1/8 gives ν = 1, ρ = ½
    assertEquals(0.01, feed(c, rng, 0.125, 2000, last, mean), 0.002, "as much noise as at calibration: the rate holds");
    assertEquals(0.5, c.reference(), 0.08);
    assertEquals(0.5, c.correlation(), 0.08);
    // σ = ¼: ν = 4, ρ = 1/5: η = η₀ · (1/5)/(1/2) = 0.4 η₀
    double lr = feed(c, rng, 0.25, 3000, last, mean);
    assertEquals(0.2, c.correlation(), 0.05);
    assertEquals(0.01 * c.correlation() / c.reference(), lr, 1e-12);
    assertEquals(0.004, lr, 0.0015);
    // less noise than at calibration: the ceiling η₀ holds
    assertEquals(0.01, feed(c, rng, 0.01, 3000, last, mean), 0);
  }

  @Test
  void antiCorrelatedSteps_anOvershoot_driveTheRateToItsFloor() {
    GradientCorrelation c = new GradientCorrelation(0.01, 20, 0.9, 1, 1e-5);
    Rng rng = new Rng(4);
    double[] last = new double[64], mean = unitMean();
    feed(c, rng, 0.05, 100, last, mean);
    double lr = Double.NaN;
    for (int t = 0; t < 200; t++) { // the gradient flips sign every step: g_t·g_{t−1} = −‖g‖²
      lr = c.next(new Signals(100 + t, 0, 1, 1, 1, Double.NaN, null, lr, null, -1));
    }
    assertEquals(1e-5, lr, 0);
  }

  @Test
  void stateRoundTripsAndUnmeasuredStepsChangeNothing() {
    GradientCorrelation a = GradientCorrelation.defaults(0.01);
    Rng rng = new Rng(5);
    double[] last = new double[64], mean = unitMean();
    feed(a, rng, 0.2, 120, last, mean);
    GradientCorrelation b = GradientCorrelation.defaults(0.01);
    b.loadState(a.saveState(), "test");
    Signals s = new Signals(120, 0, 1, 1, 1.1, Double.NaN, null, 0.01, null, 0.3);
    assertEquals(a.next(s), b.next(s), 0);
    double before = a.next(new Signals(121, 0, 1, 1, 1, Double.NaN, null, 0.01, null, Double.NaN));
    assertEquals(b.next(new Signals(121, 0, 1, 1, 1, Double.NaN, null, 0.01, null, Double.NaN)), before, 0);
    assertTrue(a.needs().contains(Controller.Need.GRAD_DOT));
    assertThrows(IllegalArgumentException.class, () -> b.loadState(Map.of(), "test"));
  }

  @Test
  void invalidSettingsFail() {
    assertThrows(IllegalArgumentException.class, () -> new GradientCorrelation(-1, 50, 0.98, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new GradientCorrelation(0.01, 0, 0.98, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new GradientCorrelation(0.01, 50, 1, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new GradientCorrelation(0.01, 50, 0.98, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new GradientCorrelation(0.01, 50, 0.98, 1, 0.1));
  }
}
