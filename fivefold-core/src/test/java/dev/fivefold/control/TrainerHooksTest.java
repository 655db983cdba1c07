package dev.fivefold.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.train.Trainer;
import org.junit.jupiter.api.Test;

/** The trainer feeds controllers the signals they ask for, and builds the gradient oracle on the last batch. */
class TrainerHooksTest {
  @Test
  void stabilityCapEstimatesCurvatureThroughTheTrainerOracle() {
    StabilityCap cap = new StabilityCap(Controller.open(Schedules.constant(2.0)), 20, 10, 1e-3, 0.9, 2);
    Trainer t = Runs.plainSgd(2.0, 2).controller(cap);
    t.fit();
    double lambda = cap.lambdaMax();
    assertTrue(lambda > 0 && Double.isFinite(lambda), "λmax " + lambda);
    assertEquals(Math.min(2.0, 1.8 / lambda), t.optimizer().learningRate().get(), 1e-9);
    System.out.println("stability: λmax " + lambda + " cap " + cap.cap() + ", eval " + t.lastEval());
  }

  @Test
  void oracleLeavesParametersAndStreamUnchanged() {
    Trainer a = Runs.plainSgd(0.5, 1), b = Runs.plainSgd(0.5, 1);
    a.controller(new StabilityCap(Controller.open(Schedules.constant(0.5)), 1, 3, 1e-3, 1.0, 100));
    for (int i = 0; i < 5; i++) assertEquals(b.trainStep(), a.trainStep(), 0, "step " + i); // the cap (100/λ) never binds
  }

  @Test
  void clipAndGradNormSignals() {
    double[] seen = new double[1];
    Controller probe = new Controller() {
      public double next(Signals s) {
        if (!Double.isNaN(s.gradNorm())) seen[0] = Math.max(seen[0], s.gradNorm());
        return 0.1;
      }

      public java.util.Set<Need> needs() {
        return java.util.Set.of(Need.GRAD_NORM);
      }
    };
    Runs.plainSgd(0.1, 1).controller(probe).clip(Clipping.byGlobalNorm(0.05)).fit();
    assertTrue(seen[0] > 0 && seen[0] <= 0.05 + 1e-6, "max grad norm " + seen[0]);
  }
}
