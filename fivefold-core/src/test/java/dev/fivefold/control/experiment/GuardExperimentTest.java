package dev.fivefold.control.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.data.Dataset;
import dev.fivefold.data.TinyImages;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuardExperimentTest {
  @Test
  void theGuardKeepsAHopelessRateFinite() {
    Dataset train = TinyImages.bands(640, 1), test = TinyImages.bands(64, 2);
    List<String> seen = new ArrayList<>();
    GuardExperiment.Result r = GuardExperiment.run(train, test, new GuardExperiment.Config("momentum", 0.05, 10, 2, 32, 1), x -> seen.add(x.name()));
    assertEquals(List.of("normal", "high, no guard", "high, guard"), seen);
    assertEquals(0.05, r.normal().lr());
    assertEquals(0.5, r.unguarded().lr(), 1e-9);
    assertEquals("no", r.normal().diverged());
    assertTrue(r.normal().finiteWeights());
    assertTrue(r.unguarded().diverged().startsWith("NaN at step") || r.unguarded().diverged().equals("to chance"), r.unguarded().diverged());
    assertTrue(r.guarded().finiteWeights());
    assertTrue(r.guarded().rollbacks() > 0);
    assertTrue(r.guarded().finalLr() < r.guarded().lr(), "the guard lowers the rate");
    for (double[] p : r.normal().losses()) assertTrue(Double.isFinite(p[1]) && p[1] <= r.normal().maxLoss());
  }

  @Test
  void configNamesTheBadArgument() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GuardExperiment.Config("sgdx", 0.1, 10, 1, 32, 1));
    assertTrue(e.getMessage().startsWith("optimizer (sgdx) must be one of"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new GuardExperiment.Config("sgd", 0.1, -1, 1, 32, 1));
    assertEquals("factor (-1.0) must be > 0", e.getMessage());
  }
}
