package dev.fivefold.compress.sensing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.tensor.Rng;
import org.junit.jupiter.api.Test;

/** Both operators: adjoint and columns consistent with apply, seeded, the documented scaling. */
class MeasurementTest {
  static double[] gaussian(Rng rng, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) v[i] = rng.nextGaussian();
    return v;
  }

  @Test
  void adjointAndColumnsAgreeWithApply() {
    Rng rng = new Rng(1);
    for (String op : new String[] {"gaussian", "hadamard"}) {
      for (int[] mn : new int[][] {{30, 100}, {64, 256}, {1, 5}, {7, 7}}) {
        Measurement a = Measurement.of(op, mn[0], mn[1], 42);
        double[] x = gaussian(rng, mn[1]), y = gaussian(rng, mn[0]), ax = new double[mn[0]], aty = new double[mn[1]];
        a.apply(x, ax);
        a.adjoint(y, aty);
        assertEquals(LeastSquares.dot(ax, y), LeastSquares.dot(x, aty), 1e-9 * (1 + Math.abs(LeastSquares.dot(ax, y))), op);
        double[] col = new double[mn[0]], e = new double[mn[1]], ae = new double[mn[0]];
        for (int j = 0; j < mn[1]; j += 3) {
          java.util.Arrays.fill(e, 0);
          e[j] = 1;
          a.apply(e, ae);
          a.column(j, col);
          for (int i = 0; i < mn[0]; i++) assertEquals(ae[i], col[i], 1e-12, op + " column " + j);
        }
      }
    }
  }

  @Test
  void seededAndReproducible() {
    for (String op : new String[] {"gaussian", "hadamard"}) {
      double[] x = gaussian(new Rng(2), 200);
      double[] y1 = new double[50], y2 = new double[50], y3 = new double[50];
      Measurement.of(op, 50, 200, 7).apply(x, y1);
      Measurement.of(op, 50, 200, 7).apply(x, y2);
      Measurement.of(op, 50, 200, 8).apply(x, y3);
      assertArrayEquals(y1, y2, 0, op);
      assertFalse(java.util.Arrays.equals(y1, y3), op);
    }
  }

  @Test
  void gaussianEntriesHaveVarianceOneOverM() {
    int m = 200, n = 300;
    Measurement a = Measurement.of("gaussian", m, n, 5);
    double[] col = new double[m];
    double sum = 0, sq = 0;
    for (int j = 0; j < n; j++) {
      a.column(j, col);
      for (double v : col) {
        sum += v;
        sq += v * v;
      }
    }
    double mean = sum / (m * n), var = sq / (m * n) - mean * mean;
    assertEquals(0, mean, 4 / Math.sqrt(m * n) / Math.sqrt(m));
    assertEquals(1.0 / m, var, 0.02 / m); // 60,000 draws: the variance within 2%
  }

  @Test
  void hadamardHasUnitColumnsAndOrthogonalRowsAtAPowerOfTwo() {
    int m = 40, n = 128;
    Measurement a = Measurement.of("hadamard", m, n, 9);
    double[][] rows = new double[m][n];
    double[] col = new double[m];
    for (int j = 0; j < n; j++) {
      a.column(j, col);
      assertEquals(1, LeastSquares.norm(col), 1e-12);
      for (int i = 0; i < m; i++) rows[i][j] = col[i];
    }
    for (int i = 0; i < m; i++) {
      for (int k = 0; k < m; k++) assertEquals(i == k ? (double) n / m : 0, LeastSquares.dot(rows[i], rows[k]), 1e-9); // A A^T = (P/m) I
    }
    assertEquals((double) n / m, Fista.normSquared(a), 1e-9);
  }

  @Test
  void badSizesAreRefused() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Measurement.of("gaussian", 0, 5, 1)).getMessage().contains("rows (0)"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Measurement.of("hadamard", 6, 5, 1)).getMessage().contains("rows (6)"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Measurement.of("bernoulli", 2, 5, 1)).getMessage().contains("operator (bernoulli)"));
  }
}
