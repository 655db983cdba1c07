package dev.fivefold.landscape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrajectoryComparisonTest {
  @Test
  void pathsAreTheOptimizersOwnTrajectories() {
    List<TestFunction> fs = List.of(TestFunction.values());
    var cfg = new TrajectoryComparison.Config(fs, List.of("sgd", "adagrad", "adam"), 40, null, null);
    var r = TrajectoryComparison.run(cfg);
    assertEquals(fs.size(), r.byFunction().size());
    for (int i = 0; i < fs.size(); i++) {
      TestFunction f = fs.get(i);
      List<Trajectory> paths = r.byFunction().get(i);
      assertEquals(List.of("sgd", "adagrad", "adam"), paths.stream().map(Trajectory::optimizer).toList());
      for (Trajectory t : paths) {
        assertEquals(f, t.function());
        assertEquals(TrajectoryComparison.defaultLearningRate(t.optimizer(), f), t.lr());
        Trajectory direct = Trajectory.run(f, t.optimizer(), t.lr(), f.start(), 40, TrajectoryComparison.ESCAPE);
        assertEquals(direct.points().size(), t.points().size());
        for (int k = 0; k < t.points().size(); k++) assertEquals(direct.points().get(k)[0], t.points().get(k)[0]);
        assertTrue(t.steps() <= 40);
      }
      assertEquals(10 * f.adaptiveLr(), paths.get(1).lr());
      assertEquals(f.sgdLr(), paths.get(0).lr());
    }
  }

  @Test
  void oneRateAndStartForAll() {
    var r = TrajectoryComparison.run(new TrajectoryComparison.Config(List.of(TestFunction.values()[0]), List.of("sgd", "lars"), 5,
        new double[] {0.5, 0.5}, 1e-3));
    for (Trajectory t : r.byFunction().getFirst()) {
      assertEquals(1e-3, t.lr());
      assertEquals(0.5, t.points().getFirst()[0]);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new TrajectoryComparison.Config(List.of(), List.of("sgdd"), 5, null, null));
    assertTrue(e.getMessage().startsWith("optimizer (sgdd) must be one of"), e.getMessage());
    assertEquals(1.0, TrajectoryComparison.defaultLearningRate("adadelta", TestFunction.values()[0]));
  }
}
