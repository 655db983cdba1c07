package dev.fivefold.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.train.Trainer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Closed-loop controllers: plateau, PID, stability cap; their state round trips. */
class ControllersTest {
  static Signals loss(long step, double smoothed) {
    return new Signals(step, 0, smoothed, smoothed, Double.NaN, Double.NaN, null, 0, null);
  }

  static Signals ratio(long step, double r) {
    return new Signals(step, 0, 1, 1, Double.NaN, r, null, 0, null);
  }

  @Test
  void plateauReducesAfterPatienceAndWarmup() {
    ReduceOnPlateau p = new ReduceOnPlateau(1.0, 10, 5, 0.5, 0.01, 3, 0.1);
    assertEquals(0.1, p.next(loss(0, Double.NaN)), 1e-12);
    assertEquals(0.5, p.next(loss(4, 9)), 1e-12); // warm-up ignores the loss
    long t = 10;
    assertEquals(1.0, p.next(loss(t++, 2.0)), 0);
    assertEquals(1.0, p.next(loss(t++, 1.0)), 0); // best = 1
    for (int i = 0; i < 5; i++) assertEquals(1.0, p.next(loss(t++, 0.995)), 0); // within threshold: 5 bad steps = patience
    assertEquals(0.5, p.next(loss(t++, 0.995)), 0); // the 6th bad step reduces
    for (int i = 0; i < 3 + 5; i++) assertEquals(0.5, p.next(loss(t++, 0.995)), 0); // cooldown then patience again
    assertEquals(0.25, p.next(loss(t++, 0.995)), 0);
    for (int i = 0; i < 100; i++) p.next(loss(t++, 0.995));
    assertEquals(0.1, p.next(loss(t++, 0.995)), 0); // floored at min lr
    assertTrue(p.reductions() >= 3);
  }

  @Test
  void pidHoldsASimulatedPlantAtTheSetPointWithinLimits() {
    // plant: r = 0.01·η (so η* = 0.1 for r* = 1e-3)
    PidController pid = PidController.updateRatio(1e-3, 1.0);
    double lr = pid.next(Signals.start(0, 0, 1.0));
    for (int t = 1; t < 400; t++) lr = pid.next(ratio(t, 0.01 * lr));
    assertEquals(0.1, lr, 0.005);
    // unreachable set-point: η saturates at its max and the integral does not wind up past the limit
    PidController sat = new PidController("update_ratio", 1e-3, 1.0, 0.1, 0.05, 0, 1e-2, 2.0, 3.0, 0.9);
    for (int t = 1; t < 1000; t++) lr = sat.next(ratio(t, 1e-6 * lr));
    assertEquals(2.0, lr, 0);
    double windup = sat.integral();
    assertTrue(windup <= 3.0 / 0.05 + 1e-9, "integral " + windup);
    // once the plant can reach it again, the output leaves the limit within a few steps
    int steps = 0;
    while (lr >= 2.0 && steps < 50) {
      lr = sat.next(ratio(1000 + steps, 0.1 * lr));
      steps++;
    }
    assertTrue(steps < 20, "recovered after " + steps + " steps");
  }

  @Test
  void pidDrivesTheUpdateRatioOfAnMlpToTheSetPoint() {
    PidController pid = PidController.updateRatio(1e-3, 1e-2);
    Trainer t = Runs.adam(1e-2, 8).controller(pid);
    t.fit();
    double m = pid.measured();
    assertTrue(m > 0.7e-3 && m < 1.4e-3, "update ratio " + m + " lr " + t.optimizer().learningRate().get());
    System.out.println("pid: update ratio " + m + " at lr " + t.optimizer().learningRate().get() + ", eval " + t.lastEval());
  }

  @Test
  void unmeasurableSetPointsFailAtConstruction() {
    var e = assertThrows(IllegalArgumentException.class, () -> PidController.updateRatio(0, 1e-3));
    assertTrue(e.getMessage().contains("set-point of update_ratio (0.0)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new PidController("grad_snr", 1, 1e-3, 0.1, 0.05, 0, 1e-5, 1, 1, 0.9));
    assertTrue(e.getMessage().contains("signal (grad_snr) cannot be measured"), e.getMessage());
  }

  @Test
  void powerIterationFindsLambdaMaxOfAQuadratic() {
    // L = ½ Σ i·θᵢ², θ ∈ R¹⁰, ∇L = diag(1..10)(θ + δ) at θ = 1: λmax = 10
    GradientOracle q = quadratic(new float[10]);
    assertEquals(10.0, Hessian.lambdaMax(q, 100, 1e-3, 1), 1e-3);
  }

  @Test
  void stabilityCapKeepsGradientDescentBelowTwoOverLambda() {
    float[] theta = new float[10];
    java.util.Arrays.fill(theta, 1f);
    GradientOracle q = quadratic(theta);
    StabilityCap cap = new StabilityCap(Controller.open(Schedules.constant(0.5)), 10, 50, 1e-3, 0.9, 2);
    for (long t = 0; t < 100; t++) {
      double lr = cap.next(new Signals(t, 0, 1, 1, Double.NaN, Double.NaN, null, 0, t == 0 ? null : q));
      if (t > 0) assertTrue(lr < 2 / 10.0, "lr " + lr + " at step " + t);
      float[] g = q.gradient(new float[][] {new float[10]})[0];
      for (int i = 0; i < 10; i++) theta[i] -= (float) (lr * g[i]);
    }
    assertEquals(10.0, cap.lambdaMax(), 1e-2);
    assertEquals(0.18, cap.cap(), 1e-3);
    for (float x : theta) assertTrue(Math.abs(x) < 1e-3, "θ " + x); // converged; at η = 0.5 it would have exploded
  }

  @Test
  void stateRoundTrips() {
    ReduceOnPlateau a = new ReduceOnPlateau(1.0, 0, 2, 0.5, 0, 0, 0.01), b = new ReduceOnPlateau(1.0, 0, 2, 0.5, 0, 0, 0.01);
    for (int t = 1; t < 6; t++) a.next(loss(t, 1.0));
    Map<String, String> st = a.saveState();
    b.loadState(st, "test");
    for (int t = 6; t < 20; t++) assertEquals(a.next(loss(t, 1.0)), b.next(loss(t, 1.0)), 0);
    PidController p = PidController.updateRatio(1e-3, 1.0), q = PidController.updateRatio(1e-3, 1.0);
    for (int t = 1; t < 30; t++) p.next(ratio(t, 0.02));
    q.loadState(p.saveState(), "test");
    for (int t = 30; t < 40; t++) assertEquals(p.next(ratio(t, 0.01)), q.next(ratio(t, 0.01)), 0);
    var e = assertThrows(IllegalArgumentException.class, () -> q.loadState(Map.of(), "ckpt.safetensors"));
    assertTrue(e.getMessage().contains("ckpt.safetensors: controller state 'pid.integral' missing"), e.getMessage());
  }

  @Test
  void preconditionedPowerIterationMatchesTheAnalyticEigenvalue() {
    // H = [[2, 1], [1, 2]] (λmax 3), D = diag(1, 3): DHD = [[2, 3], [3, 18]], λmax = 10 + √73
    float[][] out = {new float[2]};
    GradientOracle q = new GradientOracle() {
      public int[] sizes() {
        return new int[] {2};
      }

      public float[][] gradient(float[][] d) {
        float a = 0.5f + d[0][0], b = -1 + d[0][1];
        out[0][0] = 2 * a + b;
        out[0][1] = a + 2 * b;
        return out;
      }
    };
    assertEquals(3.0, Hessian.lambdaMax(q, 50, 1e-3, 3), 1e-3);
    assertEquals(10 + Math.sqrt(73), Hessian.lambdaMax(q, new float[][] {{1, 3}}, 50, 1e-3, 3), 1e-3);
    // the finite-difference step is ε in θ whatever D's scale: D = 1000·diag(1, 3) scales λ by 1e6
    assertEquals((10 + Math.sqrt(73)) * 1e6, Hessian.lambdaMax(q, new float[][] {{1000, 3000}}, 50, 1e-3, 3), 1e3);
    assertThrows(IllegalArgumentException.class, () -> Hessian.lambdaMax(q, new float[][] {{1}}, 5, 1e-3, 3));
  }

  @Test
  void adamCapReadsThePreconditionerFromTheSecondMoment() {
    dev.fivefold.nn.Parameter w = new dev.fivefold.nn.Parameter(dev.fivefold.tensor.Tensor.of(new float[] {1, 1, 1}, 3));
    dev.fivefold.optim.Optimizer adam = dev.fivefold.optim.Optimizers.adamw(java.util.List.of(w), 1e-3, 0.9, 0.999, 1e-8, 0);
    assertEquals(null, StabilityCap.adamScale(adam, 0.999, 1e-8, 0)); // no step yet
    float[] g = {4, 0.01f, -9};
    System.arraycopy(g, 0, w.grad(), 0, 3);
    adam.step();
    assertEquals(null, StabilityCap.adamScale(adam, 0.999, 1e-8, 2)); // fewer steps than asked for
    float[][] d = StabilityCap.adamScale(adam, 0.999, 1e-8, 1); // after one step v̂ = g², D = 1/√(|g| + ε)
    for (int j = 0; j < 3; j++) assertEquals(1 / Math.sqrt(Math.abs(g[j]) + 1e-8), d[0][j], 1e-4 * d[0][j]);
    var sgd = dev.fivefold.optim.Optimizers.sgd(java.util.List.of(w), 0.1, 0, false, 0);
    var e = assertThrows(IllegalArgumentException.class, () -> StabilityCap.adam(Controller.open(Schedules.constant(1)), sgd));
    assertTrue(e.getMessage().contains("no Adam second moment"), e.getMessage());
    // on L = ½ Σ i·θᵢ² with P = diag(√v̂) after that step, the cap is 0.9·38/max(i·D²ᵢ)
    StabilityCap cap = new StabilityCap(Controller.open(Schedules.constant(1)), 100, 10, 1e-3, 0.9, 38, () -> StabilityCap.adamScale(adam, 0.999, 1e-8, 1));
    StabilityCap early = StabilityCap.adam(Controller.open(Schedules.constant(1)), adam);
    assertEquals(1, early.next(new Signals(1, 0, 1, 1, Double.NaN, Double.NaN, null, 0, quadratic(new float[3]))), 0); // no estimate before step 100
    assertTrue(Double.isNaN(early.lambdaMax()));
    double lr = cap.next(new Signals(1, 0, 1, 1, Double.NaN, Double.NaN, null, 0, quadratic(new float[3])));
    double lam = 0;
    for (int j = 0; j < 3; j++) lam = Math.max(lam, (j + 1) * d[0][j] * d[0][j]);
    assertEquals(lam, cap.lambdaMax(), 1e-3 * lam);
    assertEquals(0.9 * 38 / lam, lr, 1e-3 * lr);
  }

  static GradientOracle quadratic(float[] theta) {
    float[][] out = {new float[theta.length]};
    return new GradientOracle() {
      public int[] sizes() {
        return new int[] {theta.length};
      }

      public float[][] gradient(float[][] d) {
        for (int i = 0; i < theta.length; i++) out[0][i] = (i + 1) * (theta[i] + d[0][i]);
        return out;
      }
    };
  }
}
