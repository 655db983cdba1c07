package dev.fivefold.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.train.DivergenceException;
import dev.fivefold.train.TrainObserver;
import dev.fivefold.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The divergence guard: plain SGD at 10× a good rate (2.0 reaches loss 0.20) diverges to NaN without it and recovers with it. */
class GuardTest {
  static final double GOOD = 2.0, HIGH = 10 * GOOD;

  @Test
  void tooHighRateDivergesWithoutGuard() {
    Trainer t = Runs.plainSgd(HIGH, 10);
    assertThrows(DivergenceException.class, t::fit);
  }

  @Test
  void guardRollsBackCutsTheRateAndFinishes() {
    Trainer t = Runs.plainSgd(HIGH, 10).guard(DivergenceGuard.defaults());
    List<TrainObserver.Rollback> rollbacks = new ArrayList<>();
    List<Double> losses = new ArrayList<>();
    t.observe(new TrainObserver() {
      public void onRollback(Rollback r) {
        rollbacks.add(r);
      }

      public void onStep(Step s) {
        losses.add(s.loss());
      }
    });
    var eval = t.fit();
    assertFalse(rollbacks.isEmpty(), "no rollback logged");
    assertTrue(losses.stream().allMatch(Double::isFinite), "a NaN loss reached the observers");
    assertTrue(Double.isFinite(eval.get("loss")), "eval " + eval);
    assertTrue(t.lrScale() < 1 && t.optimizer().learningRate().get() < HIGH, "lr " + t.optimizer().learningRate().get());
    assertEquals(t.plannedSteps(), t.step());
    TrainObserver.Rollback r = rollbacks.get(0);
    assertTrue(r.toStep() < r.atStep() && !r.reason().isEmpty(), r.toString());
    System.out.println("guard: " + rollbacks.size() + " rollbacks, lr scale " + t.lrScale() + ", final eval " + eval + ", first " + r);
  }

  @Test
  void spikeIsDetectedAgainstTheMedian() {
    DivergenceGuard g = new DivergenceGuard(3, 0, 20, 10, 0.5, 5);
    for (int i = 0; i < 20; i++) g.accept(1.0 + 0.01 * i);
    assertEquals(null, g.check(2.9));
    assertTrue(g.check(3.5).startsWith("spike"));
    assertTrue(g.check(Double.NaN).contains("NaN"));
    var e = assertThrows(IllegalArgumentException.class, () -> new DivergenceGuard(3, 0, 20, 10, 1.5, 5));
    assertTrue(e.getMessage().contains("learning-rate cut (1.5)"), e.getMessage());
  }
}
