package dev.fivefold.perception.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** A model that reads one region: deleting by its saliency map falls faster than deleting at random. */
class DeletionCurveTest {
  @Test
  void salientFirstFallsFasterThanRandom() {
    TinyModels.Region m = new TinyModels.Region(2, 3, 4, 5, 5f, 0.5f);
    int n = 64;
    Tensor x = OcclusionTest.images(m, n, 0.9f, 3);
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) labels[i] = i % 2; // bright region: class 0; dark: class 1
    Probe p = new Probe(m);
    Heatmap[] maps = Saliency.gradient(m, x, p.predict(x.data(), n));
    DeletionCurve.Curve salient = DeletionCurve.of("gradient", m, x, labels, maps, 16, 0f);
    DeletionCurve.Curve random = DeletionCurve.random(m, x, labels, 16, 0f, 1);
    assertEquals(17, salient.fractions().length);
    assertEquals(1.0, salient.accuracy()[0]);
    assertEquals(1.0, random.accuracy()[0]);
    // the 4 region pixels are 1/16 of the image: after the first step the bright images read dark
    assertEquals(0.5, salient.accuracy()[1]);
    assertEquals(0.5, salient.accuracy()[16]);
    assertEquals(0.5, random.accuracy()[16]);
    assertTrue(salient.area() < random.area() - 0.1, "salient " + salient.area() + ", random " + random.area());
    assertTrue(salient.probabilityArea() < random.probabilityArea(), "probability areas");
  }

  @Test
  void orderAndArea() {
    assertArrayEquals(new int[] {1, 3, 0, 2}, DeletionCurve.descending(new float[] {0.1f, 0.5f, Float.NaN, 0.5f}));
    DeletionCurve.Curve c = new DeletionCurve.Curve("c", new double[] {0, 0.5, 1}, new double[] {1, 0.5, 0}, new double[] {1, 1, 1});
    assertEquals(0.5, c.area(), 1e-12);
    assertEquals(1.0, c.probabilityArea(), 1e-12);
  }
}
