package dev.fivefold.compress.sensing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * OMP and FISTA: exact recovery of a k-sparse vector well above the phase transition, failure far
 * below it, FISTA's objective falling (monotonically-ish: FISTA is not a descent method).
 */
class RecoveryTest {
  static double[] measure(Measurement a, double[] x) {
    double[] y = new double[a.rows()];
    a.apply(x, y);
    return y;
  }

  @Test
  void ompRecoversATenSparseVectorFromAHundredMeasurements() {
    for (String op : new String[] {"gaussian", "hadamard"}) {
      for (long seed = 1; seed <= 5; seed++) {
        Rng rng = new Rng(seed);
        double[] x = PhaseTransition.sparse(rng, 256, 10);
        Measurement a = Measurement.of(op, 100, 256, seed * 31);
        double[] xh = new Omp(10, 0).recover(a, measure(a, x));
        double err = PhaseTransition.relativeError(xh, x);
        assertTrue(err < 1e-4, op + " seed " + seed + ": relative error " + err);
      }
    }
  }

  @Test
  void ompFailsFarBelowThePhaseTransition() {
    int failures = 0;
    for (long seed = 1; seed <= 5; seed++) {
      Rng rng = new Rng(seed);
      double[] x = PhaseTransition.sparse(rng, 256, 10);
      Measurement a = Measurement.of("gaussian", 15, 256, seed * 31); // rho = k/m = 0.67 at delta = 0.06
      double err = PhaseTransition.relativeError(new Omp(10, 0).recover(a, measure(a, x)), x);
      if (err > 0.1) failures++;
    }
    assertEquals(5, failures);
  }

  @Test
  void fistaRecoversWithDebiasingAndItsObjectiveFalls() {
    for (String op : new String[] {"gaussian", "hadamard"}) {
      Rng rng = new Rng(11);
      double[] x = PhaseTransition.sparse(rng, 256, 10);
      Measurement a = Measurement.of(op, 100, 256, 12);
      double[] y = measure(a, x);
      Fista.Trace t = new Fista(1e-3, 500, 1e-8, 10).run(a, y, true);
      double err = PhaseTransition.relativeError(t.x(), x);
      assertTrue(err < 1e-4, op + ": relative error " + err);
      double[] f = t.objective();
      double f0 = 0.5 * LeastSquares.dot(y, y); // F(0)
      assertTrue(f[f.length - 1] < 1e-2 * f0, op + ": final objective " + f[f.length - 1] + " vs F(0) " + f0);
      // monotonically-ish: FISTA's momentum makes F rise now and then, but never by more than 0.1% of F(0) above the best so far
      double best = f0;
      int rises = 0;
      for (int k = 0; k < f.length; k++) {
        assertTrue(f[k] - best <= 1e-3 * f0, op + ": F at step " + k + " is " + f[k] + ", the best so far " + best);
        if (k > 0 && f[k] > f[k - 1]) rises++;
        best = Math.min(best, f[k]);
      }
      assertTrue(rises < f.length / 2, op + ": F rose at " + rises + " of " + f.length + " steps");
      // without debiasing the l1 penalty shrinks the coefficients: an error of the order of lambda, not 0
      double shrunk = PhaseTransition.relativeError(new Fista(1e-3, 500, 1e-8, 0).recover(a, y), x);
      assertTrue(shrunk > err && shrunk < 0.05, op + ": undebiased error " + shrunk);
    }
  }

  @Test
  void fistaStepUsesAnUpperBoundOnTheLipschitzConstant() {
    Measurement a = Measurement.of("hadamard", 64, 256, 3); // ||A||^2 = 256/64 = 4 exactly
    Fista.Trace t = new Fista(0.01, 5, 0, 0).run(a, new double[64], false);
    assertEquals(1.1 * 4, t.lipschitz(), 1e-9);
    assertEquals(0, t.lambdaAbs()); // y = 0: x = 0 at once
  }

  @Test
  void bothAreDeterministic() {
    Rng rng = new Rng(21);
    double[] x = PhaseTransition.sparse(rng, 128, 20);
    Measurement a = Measurement.of("gaussian", 50, 128, 22);
    double[] y = measure(a, x);
    assertTrue(java.util.Arrays.equals(new Omp(20, 0).recover(a, y), new Omp(20, 0).recover(a, y)));
    assertTrue(java.util.Arrays.equals(new Fista(1e-3, 100, 0, 20).recover(a, y), new Fista(1e-3, 100, 0, 20).recover(a, y)));
  }
}
