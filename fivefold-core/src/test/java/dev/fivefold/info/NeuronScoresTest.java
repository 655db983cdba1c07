package dev.fivefold.info;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.perception.Mlp;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class NeuronScoresTest {
  /**
   * 4000 samples, 10 balanced classes; unit 0 copies the label (scaled), unit 1 is constant, unit 2
   * is pure noise, unit 3 is the label plus noise, unit 4 is "label is even" (1 bit of the label).
   */
  private static float[][] units(int[] y, Rng r) {
    float[][] a = new float[y.length][5];
    for (int i = 0; i < y.length; i++) {
      a[i][0] = 0.5f * y[i];
      a[i][1] = 3f;
      a[i][2] = (float) r.nextGaussian();
      a[i][3] = y[i] + 2f * (float) r.nextGaussian();
      a[i][4] = y[i] % 2 == 0 ? 1 : 0;
    }
    return a;
  }

  private static int[] labels(int n) {
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = i % 10;
    return y;
  }

  @Test
  void labelCopyScoresTopMiAndConstantScoresZero() {
    int[] y = labels(4000);
    float[][] a = units(y, new Rng(3));
    double[] mi = NeuronScores.mutualInformation(a, y, 30);
    double hy = Math.log(10) / Math.log(2);
    assertEquals(hy, mi[0], 1e-9, "a copy of the label carries H(Y) = log2 10 bits");
    assertEquals(0, mi[1], 0, "a constant unit carries nothing");
    assertEquals(1, mi[4], 1e-9, "parity of a uniform 10-class label is 1 bit");
    // noise: only the plug-in bias, about (30-1)(10-1)/(2 N ln 2) = 0.047 bits
    assertTrue(mi[2] < 0.08, "noise unit MI " + mi[2]);
    assertTrue(mi[3] > mi[2] && mi[3] < mi[4], "noisy copy between noise and the parity bit: " + mi[3]);
    for (int j = 1; j < 5; j++) assertTrue(mi[0] > mi[j], "unit 0 is the top MI unit");
    int[][] keep = NeuronScores.keep(List.of(mi), 0.6); // keep 2 of 5
    assertArrayEquals(new int[] {0, 4}, keep[0]);
  }

  @Test
  void entropyOfBinnedActivations() {
    int[] y = labels(4000);
    double[] h = NeuronScores.entropy(units(y, new Rng(4)), 30);
    assertEquals(Math.log(10) / Math.log(2), h[0], 1e-9);
    assertEquals(0, h[1], 0);
    assertEquals(1, h[4], 1e-9);
    assertTrue(h[2] > 3 && h[2] < Math.log(30) / Math.log(2), "binned Gaussian: " + h[2]);
  }

  @Test
  void pruningByScoresDropsTheLowestUnitsOfEachLayer() {
    Mlp m = new Mlp(new int[] {6, 8, 4, 3}, "relu", 5);
    Rng r = new Rng(6);
    float[] x = new float[50 * 6];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
    Tensor xs = Tensor.wrap(x, Shape.of(50, 6));
    List<float[][]> acts = NeuronScores.hiddenActivations(m, xs);
    assertEquals(2, acts.size());
    assertEquals(8, acts.get(0)[0].length);
    assertEquals(4, acts.get(1)[0].length);
    int[] y = new int[50];
    for (int i = 0; i < 50; i++) y[i] = i % 3;
    for (NeuronScores.Criterion c : NeuronScores.Criterion.values()) {
      List<double[]> s = NeuronScores.score(c, m, acts, y, 10, 7);
      assertEquals(8, s.get(0).length);
      Mlp p = NeuronScores.prune(m, s, 0.5);
      assertArrayEquals(new int[] {6, 4, 2, 3}, p.sizes(), c.label());
      assertArrayEquals(new int[] {6, 8, 4, 3}, NeuronScores.prune(m, s, 0).sizes());
      assertArrayEquals(new int[] {6, 1, 1, 3}, NeuronScores.prune(m, s, 0.9).sizes());
    }
    // the magnitude criterion is StructuredPruning's L1 norm
    assertArrayEquals(dev.fivefold.compress.StructuredPruning.l1Norms(m.layers().get(1).weight().value()),
        NeuronScores.magnitude(m, 1), 0);
    assertThrows(IllegalArgumentException.class, () -> NeuronScores.keep(List.of(new double[3]), 1.0));
    assertThrows(IllegalArgumentException.class, () -> NeuronScores.mutualInformation(new float[2][2], new int[3], 10));
  }
}
