package dev.fivefold.optim.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.data.Dataset;
import dev.fivefold.data.TinyImages;
import dev.fivefold.optim.AdamThenSgd.RateEstimate;
import dev.fivefold.optim.experiment.AdamThenSgdExperiment.Outcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdamThenSgdExperimentTest {
  @Test
  void switchesWhereToldAndComparesOnTheMean() {
    Dataset train = TinyImages.bands(320, 1), test = TinyImages.bands(64, 2);
    var cfg = new AdamThenSgdExperiment.Config(2, 2, 1e-3, 1e9, 3, RateEstimate.MATCHED, 0, true, 1, 32, 5);
    assertEquals(List.of("adam", "swats", "adam+anneal", "adam->sgd@1"), cfg.runs());
    List<String> seen = new ArrayList<>();
    var r = AdamThenSgdExperiment.run(train, test, cfg, o -> seen.add(o.seed() + " " + o.run()));
    assertEquals(List.of("5 adam", "5 swats", "5 adam+anneal", "5 adam->sgd@1", "6 adam", "6 swats", "6 adam+anneal", "6 adam->sgd@1"), seen);
    assertEquals(10, r.stepsPerEpoch());
    for (int s = 0; s < 2; s++) {
      Outcome adam = r.outcomes().get("adam").get(s), swats = r.outcomes().get("swats").get(s), annealed = r.outcomes().get("adam+anneal").get(s);
      Outcome forced = r.outcomes().get("adam->sgd@1").get(s);
      assertEquals(-1, adam.switchedAt());
      assertFalse(adam.sgd());
      assertEquals(2, adam.epochs().size());
      assertEquals(adam.accuracy(), adam.epochs().getLast()[1]);
      // any tolerance passes: swats switches at its first allowed step; the annealed Adam starts annealing there
      assertEquals(3, swats.switchedAt());
      assertTrue(swats.sgd() && swats.sgdRate() > 0);
      assertEquals(swats.switchedAt(), annealed.switchedAt());
      assertFalse(annealed.sgd());
      assertEquals(10, forced.switchedAt());
    }
    var c = r.compare("swats", "adam");
    assertEquals(2, c.seeds());
    assertEquals(r.mean("swats", true) - r.mean("adam", true), c.diff(), 1e-15);
    int wins = 0;
    for (int s = 0; s < 2; s++) if (r.outcomes().get("swats").get(s).accuracy() >= r.outcomes().get("adam").get(s).accuracy()) wins++;
    assertEquals(wins, c.wins());
    assertEquals(c.diff() >= 0, c.holds());
  }

  @Test
  void configNamesTheBadArgument() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new AdamThenSgdExperiment.Config(2, 1, 1e-3, 1e-2, 10, RateEstimate.MATCHED, 0, true, 2, 32, 1));
    assertEquals("switchEpoch (2) must be in [0, epochs (2))", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new AdamThenSgdExperiment.Config(2, 1, 1e-3, 1e-2, 1, RateEstimate.MATCHED, 0, true, 0, 32, 1));
    assertEquals("minStep (1) must be >= 2", e.getMessage());
  }
}
