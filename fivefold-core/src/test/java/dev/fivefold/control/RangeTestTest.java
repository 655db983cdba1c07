package dev.fivefold.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The learning-rate range test: geometric sweep, early stop, hand-over at lowest-loss rate / divisor, state. */
class RangeTestTest {
  /** A plant whose loss is lowest near η = 0.01 and rises steeply above it. */
  static double plantLoss(double lr) {
    double x = Math.log10(lr) + 2;
    return 1 + x * x;
  }

  double[] handed = {Double.NaN, Double.NaN};

  RangeTest test() {
    return new RangeTest(60, 1e-5, 1, 1.5, 10, (lr, r) -> {
      handed[0] = lr;
      handed[1] = r;
      return Controller.open(Schedules.constant(lr));
    });
  }

  @Test
  void sweepsStopsAndHandsOverBelowTheLowestLossRate() {
    RangeTest t = test();
    double lr = t.next(Signals.start(0, 0, 0));
    assertEquals(1e-5, lr, 1e-12);
    long step = 1;
    while (t.endedAt() < 0 && step < 100) {
      lr = t.next(new Signals(step, 0, plantLoss(lr), Double.NaN, Double.NaN, lr * 10, null, lr, null));
      step++;
    }
    assertTrue(t.endedAt() > 0 && t.endedAt() < 60, "stopped early when the loss rose: " + t.endedAt());
    // the lowest smoothed loss lags the sweep a little: the chosen rate is within ~3× of 0.01/10
    assertTrue(t.chosenRate() > 3e-4 && t.chosenRate() < 3e-3, "chosen " + t.chosenRate());
    assertEquals(t.chosenRate(), handed[0], 0);
    assertEquals(t.chosenRate(), lr, 0); // the inner controller runs from the chosen rate
    assertTrue(handed[1] > 0, "update ratio measured below the chosen rate");
    Map<String, String> st = t.saveState();
    RangeTest u = test();
    u.loadState(st, "test");
    assertEquals(t.chosenRate(), u.chosenRate(), 0);
    assertEquals(lr, u.next(new Signals(step, 0, 1, 1, Double.NaN, Double.NaN, null, lr, null)), 0);
  }

  @Test
  void invalidSettingsFail() {
    assertThrows(IllegalArgumentException.class, () -> new RangeTest(1, 1e-5, 1, 1.5, 10, (a, b) -> null));
    assertThrows(IllegalArgumentException.class, () -> new RangeTest(10, 1e-2, 1e-3, 1.5, 10, (a, b) -> null));
    assertThrows(IllegalArgumentException.class, () -> new RangeTest(10, 1e-5, 1, 1, 10, (a, b) -> null));
    assertThrows(IllegalArgumentException.class, () -> new RangeTest(10, 1e-5, 1, 1.5, 10, null));
  }
}
