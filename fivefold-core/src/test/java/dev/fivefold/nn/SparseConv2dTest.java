package dev.fivefold.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.compress.Pruner;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Parallel;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The direct sparse convolution against the definition of a convolution, evaluated in double. */
class SparseConv2dTest {
  @Test
  void equalsTheDefinitionAtEverySparsityAndBatch() {
    Rng rng = new Rng(7);
    int cases = 0;
    for (double sparsity : new double[] {0, 0.5, 0.95, 1}) {
      for (int[] g : new int[][] {{1, 3, 5, 9, 9}, {4, 5, 3, 7, 6}, {2, 2, 1, 4, 4}}) { // C, O, k, H, W
        for (int b : new int[] {1, 5, 16, 70}) {
          int c = g[0], o = g[1], k = g[2], h = g[3], w = g[4], oh = h - k + 1, ow = w - k + 1;
          Tensor wt = Tensor.normal(rng, 0, 1, o, c, k, k), bias = Tensor.normal(rng, 0, 1, o);
          if (sparsity == 1) java.util.Arrays.fill(wt.data(), 0f);
          else if (sparsity > 0) Pruner.perLayerSparsity(Map.of("w", new Parameter(wt)), sparsity);
          SparseConv2d sc = SparseConv2d.of(wt, bias);
          float[] x = Tensor.normal(rng, 0, 1, c, h, w, b).data(), y = new float[o * oh * ow * b];
          java.util.Arrays.fill(y, Float.NaN); // every output must be written
          sc.forward(x, h, w, b, y);
          for (int oc = 0; oc < o; oc++) for (int oy = 0; oy < oh; oy++) for (int ox = 0; ox < ow; ox++) for (int r = 0; r < b; r++) {
            double ref = bias.data()[oc];
            for (int ci = 0; ci < c; ci++) for (int ky = 0; ky < k; ky++) for (int kx = 0; kx < k; kx++) {
              ref += (double) wt.data()[((oc * c + ci) * k + ky) * k + kx] * x[((ci * h + oy + ky) * w + ox + kx) * b + r];
            }
            float got = y[((oc * oh + oy) * ow + ox) * b + r];
            assertEquals(ref, got, 1e-4 * (1 + Math.abs(ref)), "sparsity " + sparsity + " geometry " + java.util.Arrays.toString(g) + " b " + b);
          }
          cases++;
        }
      }
    }
    assertEquals(48, cases);
  }

  @Test
  void resultsDoNotDependOnTheThreadCount() {
    Rng rng = new Rng(3);
    Tensor wt = Tensor.normal(rng, 0, 1, 16, 6, 5, 5);
    Pruner.perLayerSparsity(Map.of("w", new Parameter(wt)), 0.7);
    SparseConv2d sc = SparseConv2d.of(wt, null);
    float[] x = Tensor.normal(rng, 0, 1, 6, 12, 12, 37).data(), one = new float[16 * 64 * 37], two = new float[one.length];
    int before = Parallel.threads();
    try {
      Parallel.setThreads(1);
      sc.forward(x, 12, 12, 37, one);
      Parallel.setThreads(2);
      sc.forward(x, 12, 12, 37, two);
    } finally {
      Parallel.setThreads(before);
    }
    assertArrayEquals(one, two);
    assertEquals(Math.round(16 * 150 * 0.3), sc.nonZeros(), 1);
  }

  @Test
  void badShapesNameTheValues() {
    SparseConv2d sc = SparseConv2d.of(Tensor.zeros(2, 3, 5, 5), null);
    var e = assertThrows(IllegalArgumentException.class, () -> sc.forward(new float[3 * 4 * 4], 4, 4, 1, new float[8]));
    assertTrue(e.getMessage().contains("4×4"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> sc.forward(new float[10], 6, 6, 1, new float[8]));
    assertTrue(e.getMessage().contains("10"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SparseConv2d.of(Tensor.zeros(2, 3, 5, 4), null));
    assertTrue(e.getMessage().contains("[O, C, k, k]"), e.getMessage());
  }
}
