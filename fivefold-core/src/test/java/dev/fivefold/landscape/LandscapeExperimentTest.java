package dev.fivefold.landscape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fivefold.data.Dataset;
import dev.fivefold.data.TinyImages;
import dev.fivefold.perception.Mlp;
import dev.fivefold.tensor.Rng;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LandscapeExperimentTest {
  @Test
  void gridOfTheSeededDirectionsAndItsExtremes() {
    Mlp m = new Mlp(new int[] {784, 16, 10}, "relu", 3);
    Dataset d = TinyImages.bands(64, 1);
    Map<String, dev.fivefold.tensor.Tensor> before = m.stateDict();
    var r = LandscapeExperiment.run(m, d, new LandscapeExperiment.Config(5, 0.5, 7), null);
    for (var e : m.namedParameters().entrySet()) assertArrayEquals(before.get(e.getKey()).data(), e.getValue().value().data());
    Rng rng = new Rng(7);
    var ps = m.parameters();
    float[][] d1 = Directions.filterNormalised(ps, rng), d2 = Directions.filterNormalised(ps, rng);
    Landscape.Grid oracle = Landscape.evaluate(m, d, d1, d2, 5, 0.5, null);
    double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < 5; i++) {
      assertArrayEquals(oracle.loss()[i], r.grid().loss()[i]);
      for (double v : oracle.loss()[i]) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    assertEquals(min, r.min());
    assertEquals(max, r.max());
    assertEquals(min, r.grid().loss()[r.minI()][r.minJ()]);
    assertEquals(2, r.centre());
    assertEquals(0.0, r.grid().coords()[r.centre()]);
  }

  @Test
  void configIsChecked() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LandscapeExperiment.Config(1, 1, 1));
    assertEquals("grid (1) must be >= 2", e.getMessage());
  }
}
