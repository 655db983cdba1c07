package dev.fivefold.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cosine anneal over the rest of the run, applied to an inner controller's output. */
class AnnealedTest {
  @Test
  void annealsTheInnerRateFromTheFirstStepSeenToTheEndOfTheRun() {
    Controller inner = ReduceOnPlateau.forRun(0.01, 1000); // holds 0.01 while the loss falls
    Annealed a = new Annealed(inner);
    // first seen at progress 0.2: factor 1 there, ½ half-way to the end, 0 at the end
    double loss = 3;
    for (int step = 200; step <= 1000; step++, loss -= 1e-3) {
      double p = step / 1000.0, lr = a.next(new Signals(step, p, loss, loss, Double.NaN, Double.NaN, null, 0, null));
      double u = (p - 0.2) / 0.8;
      assertEquals(0.01 * 0.5 * (1 + Math.cos(Math.PI * u)), lr, 1e-15, "step " + step);
    }
    assertEquals(1, Annealed.factor(0.1, 0.2), 0); // before the start: clamped
    assertEquals(0.5, Annealed.factor(0.6, 0.2), 1e-15);
    assertEquals(0, Annealed.factor(1, 0.2), 1e-15);
    assertEquals(0, Annealed.factor(1, 1), 1e-15);
  }

  @Test
  void stateRoundTripsWithTheInnerState() {
    Annealed a = new Annealed(ReduceOnPlateau.forRun(0.01, 100));
    for (int s = 30; s < 60; s++) a.next(new Signals(s, s / 100.0, 2, 2, Double.NaN, Double.NaN, null, 0, null)); // a plateau: reductions
    Map<String, String> st = a.saveState();
    Annealed b = new Annealed(ReduceOnPlateau.forRun(0.01, 100));
    b.loadState(st, "test");
    Signals next = new Signals(60, 0.6, 2, 2, Double.NaN, Double.NaN, null, 0, null);
    assertEquals(a.next(next), b.next(next), 0);
    assertThrows(IllegalArgumentException.class, () -> new Annealed(ReduceOnPlateau.forRun(0.01, 100)).loadState(Map.of(), "test"));
    assertThrows(IllegalArgumentException.class, () -> new Annealed(null));
  }
}
