package dev.fivefold.landscape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Parameter;
import dev.fivefold.perception.Mlp;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.ClassificationTask;
import java.util.List;
import org.junit.jupiter.api.Test;

class LandscapeTest {
  static Dataset data(int n, long seed) {
    Rng r = new Rng(seed);
    float[] x = new float[n * 12];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(3);
      for (int f = 0; f < 12; f++) x[i * 12 + f] = (float) r.nextGaussian() + (f % 3 == y[i] ? 2 : 0);
    }
    return new Dataset(Tensor.of(x, n, 12), y, 3);
  }

  @Test
  void filterNormalisedRowsHaveTheWeightRowsNorms() {
    Mlp m = new Mlp(new int[] {12, 8, 3}, "relu", 3);
    List<Parameter> ps = m.parameters();
    float[][] d = Directions.filterNormalised(ps, new Rng(7));
    for (int k = 0; k < ps.size(); k++) {
      Tensor w = ps.get(k).value();
      if (w.rank() < 2) {
        assertArrayEquals(new float[w.size()], d[k], "bias direction must be zero");
        continue;
      }
      int rows = w.dim(0), cols = w.size() / rows;
      for (int r = 0; r < rows; r++) {
        double wn = Directions.rowNorm(w.data(), cols, r);
        assertEquals(wn, Directions.rowNorm(d[k], cols, r), 1e-5 * wn, "param " + k + " row " + r);
      }
      assertNotEquals(0, d[k][0]);
    }
    assertArrayEquals(d[0], Directions.filterNormalised(ps, new Rng(7))[0], "same seed, same direction");
  }

  @Test
  void gridCentreIsTheModelsLossAndWeightsAreRestored() {
    Mlp m = new Mlp(new int[] {12, 8, 3}, "relu", 3);
    Dataset test = data(50, 1);
    double loss = ClassificationTask.evaluate(m, test, 1000).get("loss");
    float[] before = m.parameters().getFirst().value().data().clone();
    float[][] d1 = Directions.filterNormalised(m.parameters(), new Rng(1)), d2 = Directions.filterNormalised(m.parameters(), new Rng(2));
    int[] calls = {0};
    Landscape.Grid g = Landscape.evaluate(m, test, d1, d2, 5, 0.7, k -> calls[0] = k);
    assertEquals(25, calls[0]);
    assertEquals(0.0, g.coords()[2]);
    assertEquals(-0.7, g.coords()[0], 1e-15);
    assertEquals(loss, g.loss()[2][2], 0.0);
    assertNotEquals(loss, g.loss()[0][4]);
    assertArrayEquals(before, m.parameters().getFirst().value().data());
    // an off-centre point equals evaluating the moved model by hand
    float[][] o = new float[m.parameters().size()][];
    for (int k = 0; k < o.length; k++) o[k] = m.parameters().get(k).value().data().clone();
    Landscape.move(m.parameters(), o, d1, d2, g.coords()[4], g.coords()[1]);
    assertEquals(ClassificationTask.evaluate(m, test, 1000).get("loss"), g.loss()[1][4], 0.0);
  }

  @Test
  void badGridAndSpanAreNamed() {
    assertEquals("grid (1) must be >= 2", assertThrows(IllegalArgumentException.class, () -> Landscape.coords(1, 1)).getMessage());
    assertEquals("span (0.0) must be > 0", assertThrows(IllegalArgumentException.class, () -> Landscape.coords(3, 0)).getMessage());
    assertTrue(Landscape.coords(21, 1.0)[10] == 0.0);
  }
}
