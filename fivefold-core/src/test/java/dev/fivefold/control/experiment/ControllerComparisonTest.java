package dev.fivefold.control.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.control.Controllers;
import dev.fivefold.control.LrRangeFinder;
import dev.fivefold.control.experiment.ControllerComparison.Bench;
import dev.fivefold.control.experiment.ControllerComparison.Config;
import dev.fivefold.control.experiment.ControllerComparison.Kind;
import dev.fivefold.control.experiment.ControllerComparison.Result;
import dev.fivefold.control.experiment.ControllerComparison.Run;
import dev.fivefold.data.Dataset;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Mlp;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.ClassificationTask;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControllerComparisonTest {
  /** A separable 3-class task in 10 dimensions. */
  static Dataset data(long seed, int n) {
    Rng rng = new Rng(seed);
    Tensor x = Tensor.normal(rng, 0, 1, n, 10);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      float a = x.data()[i * 10], b = x.data()[i * 10 + 1];
      y[i] = a + b > 0.5 ? 0 : a - b > 0 ? 1 : 2;
    }
    return new Dataset(x, y, 3);
  }

  static Bench bench(long steps) {
    Dataset train = data(1, 512), test = data(2, 128);
    return new Bench("tiny", () -> new ClassificationTask(new Mlp(new int[] {10, 32, 3}, "relu", 3), train, test, 32, 5), "adam", 1e-3,
        steps, "accuracy");
  }

  @Test
  void ratiosAreStepsOverTheBestSchedulesSteps() {
    List<String> seen = new ArrayList<>();
    Result r = ControllerComparison.run(new Config(bench(60), List.of("constant", "cosine"), List.of(1e-3, 1e-2),
        List.of("plateau", "rt+plateau"), null), run -> seen.add(run.label()));
    assertEquals(List.of("constant 0.001", "constant 0.01", "cosine 0.001", "cosine 0.01", "plateau", "rt+plateau"), seen);
    assertEquals(6, r.runs().size());
    // auto target: the lowest smoothed loss of any schedule at 80% of the budget (step 48)
    assertEquals(48, r.autoStep());
    double lowest = r.runs().stream().filter(x -> x.kind() == Kind.SCHEDULE).mapToDouble(x -> x.smoothed()[47]).min().orElseThrow();
    assertEquals(lowest, r.target());
    long best = r.runs().stream().filter(x -> x.kind() == Kind.SCHEDULE).mapToLong(x -> x.stepsTo(r.target())).filter(k -> k > 0).min().orElseThrow();
    assertEquals(best, r.bestSteps());
    assertTrue(best <= 48);
    for (Run x : r.runs()) {
      assertEquals(60, x.smoothed().length);
      assertEquals(60, x.lrs().length);
      long k = x.stepsTo(r.target());
      assertEquals(k > 0 ? k / (double) best : Double.NaN, r.ratio(x));
      if (k > 0) assertTrue(x.smoothed()[(int) k - 1] <= r.target() && (k == 1 || x.smoothed()[(int) k - 2] > r.target()));
    }
    // the plateau controller does not act within 60 steps (patience 200): same weights, same batches as constant 0.001
    Run plateau = r.runs().get(4), constant = r.runs().getFirst();
    assertArrayEquals(constant.smoothed(), plateau.smoothed());
    assertNull(constant.controller());
    assertTrue(r.runs().get(5).controller() instanceof LrRangeFinder);
    int within = 0;
    for (Run c : r.controllers()) if (c.failure() == null && c.finalLoss() <= r.target() && r.ratio(c) <= ControllerComparison.WITHIN) within++;
    assertEquals(within, r.within());
  }

  @Test
  void givenTargetAndSchedulesOfTheGrid() {
    Result r = ControllerComparison.run(new Config(bench(60), List.of("step", "warmup-cosine"), List.of(3e-3), List.of(), 0.9),
        x -> {});
    assertEquals(0.9, r.target());
    assertEquals(-1, r.autoStep());
    // warmup-cosine starts at 0 and its first rate is the warm-up's first step; step keeps the peak for a third of the run
    assertEquals(3e-3, r.runs().getFirst().lrs()[0], 1e-12);
    assertEquals(3e-4, r.runs().getFirst().lrs()[20], 1e-12);
    assertTrue(r.runs().get(1).lrs()[0] < 3e-3);
    assertTrue(r.controllers().isEmpty());
  }

  @Test
  void configAndRegistryRejectUnknownNames() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Config(bench(10), List.of("linear"), List.of(1e-3), List.of(), null));
    assertTrue(e.getMessage().contains("schedule (linear)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Config(bench(10), List.of(), List.of(1e-3), List.of("pid-magic"), null));
    assertTrue(e.getMessage().contains("controller (pid-magic)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Config(bench(10), List.of(), List.of(-1.0), List.of(), null));
    assertEquals("lr (-1.0) must be > 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Controllers.byName("bang-bang", 1e-3, 100, 5, Optimizers.byName("adam", new Mlp(new int[] {2, 2}, "relu", 1).parameters(), 1e-3)));
    assertTrue(e.getMessage().startsWith("controller (bang-bang) must be one of [plateau"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Bench("t", () -> null, "adam", 1e-3, 1, "accuracy"));
  }

  @Test
  void everyRegisteredControllerBuilds() {
    Mlp m = new Mlp(new int[] {2, 2}, "relu", 1);
    for (String n : Controllers.NAMES) {
      assertNotNull(Controllers.byName(n, 1e-3, 100, 5, Optimizers.byName("adam", m.parameters(), 1e-3)), n);
    }
    assertEquals(Controllers.NAMES.size(), Arrays.stream(Controllers.NAMES.toArray()).distinct().count());
  }
}
