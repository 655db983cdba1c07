package dev.fivefold.optim.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.data.Dataset;
import dev.fivefold.data.TinyImages;
import dev.fivefold.optim.OptimizerDefaults;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.optim.experiment.OptimizerComparison.Run;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptimizerComparisonTest {
  @Test
  void runsEachOptimizerAtItsDefaultRate() {
    Dataset train = TinyImages.bands(320, 1), test = TinyImages.bands(64, 2);
    List<String> seen = new ArrayList<>();
    var r = OptimizerComparison.run(train, test, new OptimizerComparison.Config(List.of("sgd", "adam"), 2, 32, 2.0, 1), x -> seen.add(x.name()));
    assertEquals(List.of("sgd", "adam"), seen);
    for (Run x : r.runs()) {
      assertNull(x.failure());
      assertEquals(OptimizerDefaults.learningRate(x.name()), x.lr());
      assertEquals(20, x.raw().size());
      assertEquals(20, x.smoothed().size());
      // bias-corrected EMA: the first smoothed value is the first loss
      assertEquals(x.raw().getFirst(), x.smoothed().getFirst()[1], 1e-12);
      assertEquals(x.smoothed().getLast()[1], x.finalLoss());
      long first = -1;
      for (double[] p : x.smoothed()) if (first < 0 && p[1] <= 2.0) first = (long) p[0];
      assertEquals(first, x.stepsToTarget());
      assertTrue(x.eval().get("accuracy") >= 0 && x.eval().get("accuracy") <= 1);
    }
    assertTrue(r.runs().get(1).stepsToTarget() > 0, "adam reaches a smoothed loss of 2.0 on the bands in 20 steps");
  }

  @Test
  void defaultRatesAndUnknownNames() {
    for (String n : Optimizers.NAMES) assertTrue(OptimizerDefaults.learningRate(n) > 0, n);
    assertEquals(0.1, OptimizerDefaults.learningRate("sgd"));
    assertEquals(5.0, OptimizerDefaults.learningRate("lars"));
    assertEquals(2e-3, OptimizerDefaults.learningRate("nadam"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OptimizerDefaults.learningRate("adamx"));
    assertTrue(e.getMessage().startsWith("optimizer (adamx) must be one of sgd"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new OptimizerComparison.Config(List.of("adamx"), 1, 32, 0.5, 1));
    e = assertThrows(IllegalArgumentException.class, () -> new OptimizerComparison.Config(List.of("sgd"), 1, 32, 0, 1));
    assertEquals("target (0.0) must be > 0", e.getMessage());
  }
}
