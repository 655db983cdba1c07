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
    Trainer t = Runs.plainSgd(0.1, 1).controller(probe);
    dev.fivefold.optim.Optimizers.withClip(t.optimizer(), dev.fivefold.optim.Clipping.byGlobalNorm(0.05)); // the clip is the chain's first link
    t.fit();
    assertTrue(seen[0] > 0 && seen[0] <= 0.05 + 1e-6, "max grad norm " + seen[0]);
  }

  @Test
  void gradDotIsTheProductOfSuccessiveGradients() {
    java.util.List<Double> dots = new java.util.ArrayList<>(), norms = new java.util.ArrayList<>();
    Controller probe = new Controller() {
      public double next(Signals s) {
        dots.add(s.gradDot());
        norms.add(s.gradNorm());
        return 0.1;
      }

      public java.util.Set<Need> needs() {
        return java.util.Set.of(Need.GRAD_DOT);
      }
    };
    Trainer t = Runs.plainSgd(0.1, 1).controller(probe);
    java.util.List<double[]> grads = new java.util.ArrayList<>(); // plain SGD: g_t = (θ_t − θ_{t+1}) / η
    double[] prev = flat(t);
    for (int k = 0; k < 4; k++) {
      t.trainStep();
      double[] now = flat(t), g = new double[now.length];
      for (int j = 0; j < g.length; j++) g[j] = (prev[j] - now[j]) / 0.1;
      grads.add(g);
      prev = now;
    }
    t.trainStep(); // its signals carry the products of steps 3·2 and 4·3
    assertTrue(Double.isNaN(dots.get(1)), "no predecessor for the first gradient");
    for (int k = 2; k <= 4; k++) {
      double d = 0, n = 0;
      for (int j = 0; j < grads.get(k - 1).length; j++) {
        d += grads.get(k - 1)[j] * grads.get(k - 2)[j];
        n += grads.get(k - 1)[j] * grads.get(k - 1)[j];
      }
      assertEquals(d, dots.get(k), 2e-3 * Math.abs(d) + 1e-6, "g·g' before step " + k);
      assertEquals(Math.sqrt(n), norms.get(k), 2e-3 * Math.sqrt(n), "‖g‖ before step " + k);
    }
  }

  private static double[] flat(Trainer t) {
    int n = 0;
    for (var p : t.optimizer().parameters()) n += p.size();
    double[] v = new double[n];
    int i = 0;
    for (var p : t.optimizer().parameters()) for (float x : p.value().data()) v[i++] = x;
    return v;
  }
}
