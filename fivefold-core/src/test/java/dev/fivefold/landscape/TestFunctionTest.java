package dev.fivefold.landscape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.optim.Optimizers;
import org.junit.jupiter.api.Test;

class TestFunctionTest {
  @Test
  void gradientsMatchCentralDifferences() {
    double h = 1e-6;
    for (TestFunction f : TestFunction.values()) {
      for (double[] p : new double[][] {{-1.3, 0.7}, {0.4, -1.1}, {2.0, 1.5}, f.start()}) {
        double[] g = f.gradient(p[0], p[1]);
        double gx = (f.value(p[0] + h, p[1]) - f.value(p[0] - h, p[1])) / (2 * h);
        double gy = (f.value(p[0], p[1] + h) - f.value(p[0], p[1] - h)) / (2 * h);
        assertEquals(gx, g[0], 1e-5 * Math.max(1, Math.abs(gx)), f + " d/dx at " + p[0] + "," + p[1]);
        assertEquals(gy, g[1], 1e-5 * Math.max(1, Math.abs(gy)), f + " d/dy at " + p[0] + "," + p[1]);
      }
    }
  }

  @Test
  void minimaAreZeroWithZeroGradient() {
    for (TestFunction f : new TestFunction[] {TestFunction.ROSENBROCK, TestFunction.BEALE}) {
      double[] m = f.minimum();
      assertEquals(0, f.value(m[0], m[1]), 1e-12);
      double[] g = f.gradient(m[0], m[1]);
      assertEquals(0, Math.hypot(g[0], g[1]), 1e-12);
    }
  }

  @Test
  void byNameIsCaseInsensitiveAndListsTheNames() {
    assertEquals(TestFunction.BEALE, TestFunction.byName("Beale"));
    var e = assertThrows(IllegalArgumentException.class, () -> TestFunction.byName("himmelblau"));
    assertEquals("function (himmelblau) must be one of rosenbrock, beale, saddle", e.getMessage());
  }

  /** Plain gradient descent through the real optimizer equals the hand-written update θ ← θ − η∇f. */
  @Test
  void sgdTrajectoryIsGradientDescent() {
    TestFunction f = TestFunction.ROSENBROCK;
    Trajectory t = Trajectory.run(f, "sgd", 5e-4, f.start(), 50, 3);
    float x = (float) f.start()[0], y = (float) f.start()[1];
    for (int s = 0; s < 50; s++) {
      double[] g = f.gradient(x, y);
      x += (float) (-5e-4) * (float) g[0];
      y += (float) (-5e-4) * (float) g[1];
    }
    assertEquals(51, t.points().size());
    assertEquals(x, t.last()[0], 1e-5);
    assertEquals(y, t.last()[1], 1e-5);
  }

  @Test
  void adamReachesTheRosenbrockMinimumAndEveryOptimizerRuns() {
    TestFunction f = TestFunction.ROSENBROCK;
    Trajectory adam = Trajectory.run(f, "adam", 0.05, f.start(), 2000, 3);
    assertTrue(adam.stepsTo(0.05) > 0, "adam ended at " + adam.last()[0] + "," + adam.last()[1]);
    for (String name : Optimizers.NAMES) {
      Trajectory t = Trajectory.run(TestFunction.BEALE, name, 1e-3, TestFunction.BEALE.start(), 20, 3);
      assertFalse(t.points().isEmpty(), name);
    }
  }

  @Test
  void saddleEscapesAlongYAndStopsOutsideTheWindow() {
    Trajectory t = Trajectory.run(TestFunction.SADDLE, "sgd", 0.1, TestFunction.SADDLE.start(), 10_000, 2);
    assertTrue(t.stoppedEarly());
    assertTrue(Math.abs(t.last()[1]) > 1.5 && Math.abs(t.last()[0]) < 1e-3, t.last()[0] + "," + t.last()[1]);
    assertEquals(-1, t.stepsTo(0.1));
  }
}
