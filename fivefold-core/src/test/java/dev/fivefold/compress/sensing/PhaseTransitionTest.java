package dev.fivefold.compress.sensing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The Donoho–Tanner curve against the paper's values, and the empirical transition on its right side of it. */
class PhaseTransitionTest {
  @Test
  void theCurveHasThePublishedValues() {
    // Donoho & Tanner 2009, weak threshold of the cross-polytope: rho_W(1/2) = 0.3848 (their Fig. 1 / Table)
    assertEquals(0.385, DonohoTanner.rho(0.5), 0.005);
    assertEquals(0, DonohoTanner.rho(0), 0);
    assertEquals(1, DonohoTanner.rho(1), 0);
    double prev = 0;
    for (double d = 0.05; d < 1; d += 0.05) {
      double r = DonohoTanner.rho(d);
      assertTrue(r > prev && r < 1, "rho(" + d + ") = " + r);
      prev = r;
    }
    assertEquals(1.0, DonohoTanner.erfc(0), 1e-7);
    assertEquals(0.157299207, DonohoTanner.erfc(1), 2e-7);
  }

  @Test
  void ompSucceedsAboveTheCurveAndFailsFarBelow() {
    PhaseTransition.Config cfg = new PhaseTransition.Config(100, new double[] {0.5}, new double[] {0.1, 0.9}, 10, "gaussian", "omp", 1e-3, 300,
        1e-9, 1e-3, 7);
    PhaseTransition.Result r = PhaseTransition.run(cfg);
    assertEquals(1.0, r.success()[0][0]); // rho 0.1 at delta 0.5: well inside
    assertEquals(0.0, r.success()[1][0]); // rho 0.9: far outside
    assertTrue(r.error()[0][0] < 1e-6 && r.error()[1][0] > 0.1);
    assertEquals(DonohoTanner.rho(0.5), r.theory()[0], 0);
    // and the grid is the same with one thread or two
    int threads = dev.fivefold.tensor.kernel.Parallel.threads();
    dev.fivefold.tensor.kernel.Parallel.setThreads(1);
    try {
      PhaseTransition.Result one = PhaseTransition.run(cfg);
      assertTrue(java.util.Arrays.deepEquals(r.error(), one.error()));
    } finally {
      dev.fivefold.tensor.kernel.Parallel.setThreads(threads);
    }
  }
}
