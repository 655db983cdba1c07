package dev.fivefold.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BiasCorrectedEmaTest {
  @Test
  void firstValueIsTheInputThenTheCorrectedAverage() {
    BiasCorrectedEma e = new BiasCorrectedEma(0.98);
    double[] xs = {2.3, 2.1, 1.7, 1.9, 1.2};
    assertEquals(2.3, e.add(xs[0]), 1e-15);
    double m = (1 - 0.98) * 2.3;
    for (int t = 2; t <= xs.length; t++) {
      m = 0.98 * m + (1 - 0.98) * xs[t - 1];
      assertEquals(m / (1 - Math.pow(0.98, t)), e.add(xs[t - 1]), 1e-12);
    }
    assertEquals(Double.NaN, new BiasCorrectedEma(0.5).add(Double.NaN));
    assertEquals("beta (1.0) must be in [0, 1)", assertThrows(IllegalArgumentException.class, () -> new BiasCorrectedEma(1)).getMessage());
  }
}
