package dev.fivefold.compress.mdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KlApproximationTest {
  /** Molchanov et al. eq. 14 written out independently: −KL = k1·σ(k2 + k3·t) − 0.5·ln(1 + 1/α) − k1 with α = e^t. */
  static double negKl(double t) {
    double alpha = Math.exp(t);
    return 0.63576 / (1 + Math.exp(-(1.87320 + 1.48695 * t))) - 0.5 * Math.log(1 + 1 / alpha) - 0.63576;
  }

  @Test
  void matchesThePapersFormulaInsideTheClip() {
    for (double t = -10; t <= 10; t += 0.37) assertEquals(-negKl(t), KlApproximation.kl(t), 1e-12, "log alpha " + t);
  }

  @Test
  void isClippedAtTenAndNaNPropagates() {
    assertEquals(KlApproximation.kl(10), KlApproximation.kl(40), 0);
    assertEquals(KlApproximation.kl(-10), KlApproximation.kl(-40), 0);
    assertEquals(0, KlApproximation.derivative(12), 0);
    assertEquals(0, KlApproximation.derivative(-12), 0);
    assertTrue(Double.isNaN(KlApproximation.kl(Double.NaN)));
    assertTrue(Double.isNaN(KlApproximation.derivative(Double.NaN)));
  }

  @Test
  void decreasesTowardsZeroAsTheNoiseGrows() {
    double prev = Double.POSITIVE_INFINITY;
    for (double t = -10; t <= 10; t += 0.5) {
      double k = KlApproximation.kl(t);
      assertTrue(k < prev, "KL not decreasing at " + t);
      prev = k;
    }
    assertEquals(0, KlApproximation.kl(10), 1e-4); // the constant −k1 makes KL → 0 for α → ∞
    assertEquals(0.5 * 10 + 0.63576, KlApproximation.kl(-10), 1e-3); // ≈ 0.5·log(1/α) + k1 for small α
  }

  @Test
  void derivativeMatchesCentralDifferences() {
    double h = 1e-5;
    for (double t = -9.9; t < 9.9; t += 0.41) {
      double fd = (KlApproximation.kl(t + h) - KlApproximation.kl(t - h)) / (2 * h);
      assertEquals(fd, KlApproximation.derivative(t), 1e-7, "log alpha " + t);
    }
  }
}
