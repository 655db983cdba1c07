package dev.fivefold.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The α–β fit recovers a known line; the predictions are the ring formulas; the break-even bandwidth solves them. */
class CostModelTest {
  @Test
  void leastSquaresRecoversAlphaAndBetaOfExactPoints() {
    double alpha = 2e-4, beta = 7.5e8;
    double[] b = {1e3, 1e4, 1e5, 1e6, 4e6};
    double[] t = new double[b.length];
    for (int i = 0; i < b.length; i++) t[i] = alpha + b[i] / beta;
    CostModel.Fit f = CostModel.fit(b, t);
    assertEquals(alpha, f.alpha(), 1e-12);
    assertEquals(beta, f.beta(), beta * 1e-9);
    assertEquals(0, f.rmsSeconds(), 1e-12);
    assertEquals(5, f.points());
  }

  @Test
  void predictionsAreTheRingFormulas() {
    CostModel m = new CostModel(1e-4, 2e-3, 1_000_000);
    double beta = 10e9 / 8;
    assertEquals(2e-3 + 2 * 7 * 1e-4 + 2.0 * 7 / 8 * 4e6 / beta, m.dense(8, 10), 1e-12);
    assertEquals(2e-3 + 5e-4 + 7 * 1e-4 + 7 * 1e4 / beta, m.compressed(8, 10, 1e4, false, 5e-4), 1e-12);
    assertEquals(m.dense(8, 10) + 5e-4 - m.network(10).allReduce(4e6, 8) + m.network(10).allReduce(1e4, 8), m.compressed(8, 10, 1e4, true, 5e-4), 1e-12);
    assertEquals(m.dense(8, 10) / m.compressed(8, 10, 1e4, false, 0), m.predict(new int[] {8}, new double[] {10}, 1e4, false, 0).getFirst().speedup(), 1e-12);
  }

  @Test
  void compressionPaysBelowTheBandwidthWhereItsSavingsEqualItsOverhead() {
    // two workers, no latency: dense 4d/β, 32× all-gathered 4d/32/β, plus 1 ms of coding: even at β* = (4d − 4d/32) / 1 ms
    CostModel m = new CostModel(0, 0, 1_000_000);
    double gbit = (4e6 - 4e6 / 32) / 1e-3 * 8 / 1e9;
    assertEquals(gbit, m.paysBelowGbit(2, 4e6 / 32, false, 1e-3), gbit * 1e-9);
    assertEquals(Double.POSITIVE_INFINITY, m.paysBelowGbit(2, 4e6 / 32, false, 0));
    assertEquals(0, m.paysBelowGbit(2, 8e6, false, 0)); // payloads larger than dense never pay
    // all-gather traffic grows with N: 1000 workers, 270×, all-gathered, is more traffic than a dense all-reduce
    assertTrue(new CostModel(0, 0, 1_000_000).compressed(1024, 10, 4e6 / 270, false, 0) > new CostModel(0, 0, 1_000_000).dense(1024, 10));
  }

  @Test
  void badInputNamesTheValue() {
    assertThrows(IllegalArgumentException.class, () -> CostModel.fit(new double[] {1}, new double[] {1}));
    assertThrows(IllegalArgumentException.class, () -> CostModel.fit(new double[] {5, 5}, new double[] {1, 2}));
    assertEquals("parameters (0) must be >= 1", assertThrows(IllegalArgumentException.class, () -> new CostModel(0, 0, 0)).getMessage());
  }
}
