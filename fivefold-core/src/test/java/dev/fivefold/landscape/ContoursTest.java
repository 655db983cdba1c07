package dev.fivefold.landscape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ContoursTest {
  /** The level set x² + y² = 1 of a sampled paraboloid lies on the unit circle (to interpolation error). */
  @Test
  void circleOfAParaboloid() {
    double[] xs = TestFunction.linspace(-2, 2, 81), ys = xs;
    double[][] z = new double[ys.length][xs.length];
    for (int i = 0; i < ys.length; i++) for (int j = 0; j < xs.length; j++) z[i][j] = xs[j] * xs[j] + ys[i] * ys[i];
    List<double[]> segs = Contours.segments(z, xs, ys, 1.0);
    assertTrue(segs.size() > 50, "segments: " + segs.size());
    double length = 0;
    for (double[] s : segs) {
      assertEquals(1.0, Math.hypot(s[0], s[1]), 3e-3);
      assertEquals(1.0, Math.hypot(s[2], s[3]), 3e-3);
      length += Math.hypot(s[2] - s[0], s[3] - s[1]);
    }
    assertEquals(2 * Math.PI, length, 0.01);
  }

  @Test
  void levelsAreEvenForLinearAndGeometricForSkewedSurfaces() {
    double[][] lin = {{0, 1}, {2, 3}};
    assertArrayEquals(new double[] {0.75, 1.5, 2.25}, Contours.levels(lin, 3), 1e-12);
    double[][] skewed = {{0, 0.1, 0.2}, {0.1, 0.2, 0.3}, {0.2, 0.3, 1000}};
    double[] l = Contours.levels(skewed, 4);
    assertTrue(l[1] / l[0] > 5 && l[3] < 1000, java.util.Arrays.toString(l));
    assertEquals(0, Contours.levels(new double[][] {{1, 1}}, 5).length);
  }

  @Test
  void nonFiniteCellsAreSkipped() {
    double[] xs = {0, 1}, ys = {0, 1};
    assertTrue(Contours.segments(new double[][] {{0, 1}, {Double.NaN, 1}}, xs, ys, 0.5).isEmpty());
    assertEquals(1, Contours.segments(new double[][] {{0, 1}, {0, 1}}, xs, ys, 0.5).size());
  }
}
