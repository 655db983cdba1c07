package dev.fivefold.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MixupTest {
  /** Every output pixel is λ_i x_i + (1 − λ_i) x_π(i), π a permutation; the targets put λ_i and 1 − λ_i on the two labels. */
  @Test
  void mixedBatchIsTheConvexBlendOfEachSampleAndItsPartner() {
    Rng rng = new Rng(3);
    int n = 32, per = 2 * 5;
    float[] x = new float[n * per];
    for (int i = 0; i < x.length; i++) x[i] = rng.nextFloat();
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = i % 4;
    Tensor in = Tensor.of(x, n, 2, 5);
    float[] before = x.clone();
    Mixup.Mixed m = new Mixup(0.5, new Rng(4)).apply(in);
    assertArrayEquals(before, in.data(), "input unchanged");
    assertEquals(in.shape(), m.x().shape());
    int[] sorted = m.partner().clone();
    Arrays.sort(sorted);
    for (int i = 0; i < n; i++) assertEquals(i, sorted[i], "partner is a permutation");
    Tensor q = m.targets(y, 4);
    for (int i = 0; i < n; i++) {
      float l = m.lambda()[i];
      assertTrue(l >= 0 && l <= 1, "λ " + l);
      int p = m.partner()[i];
      for (int k = 0; k < per; k++) assertEquals(l * x[i * per + k] + (1 - l) * x[p * per + k], m.x().data()[i * per + k], 1e-6);
      double row = 0;
      for (int c = 0; c < 4; c++) {
        float want = (c == y[i] ? l : 0) + (c == y[p] ? 1 - l : 0);
        assertEquals(want, q.data()[i * 4 + c], 1e-6, "target " + i + "," + c);
        row += q.data()[i * 4 + c];
      }
      assertEquals(1, row, 1e-6);
    }
    // the same seed gives the same batch
    Mixup.Mixed again = new Mixup(0.5, new Rng(4)).apply(in);
    assertArrayEquals(m.x().data(), again.x().data());
    assertArrayEquals(m.partner(), again.partner());
  }

  /** λ ~ Beta(a, a): mean 1/2, variance 1 / (4 (2a + 1)), for a below, at and above 1. */
  @Test
  void lambdaHasTheMomentsOfBetaAA() {
    for (double a : new double[] {0.2, 1, 4}) {
      Mixup m = new Mixup(a, new Rng(11));
      int n = 200_000;
      double s = 0, s2 = 0;
      for (int i = 0; i < n; i++) {
        double l = m.nextBeta();
        assertTrue(l >= 0 && l <= 1);
        s += l;
        s2 += l * l;
      }
      double mean = s / n, var = s2 / n - mean * mean, want = 1 / (4 * (2 * a + 1));
      assertEquals(0.5, mean, 0.005, "mean at a " + a);
      assertEquals(want, var, 0.02 * want + 1e-4, "variance at a " + a);
    }
  }

  @Test
  void badInputIsNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new Mixup(0, new Rng(1))).getMessage().contains("mixup a (0.0) must be > 0"));
    assertThrows(IllegalArgumentException.class, () -> new Mixup(Double.NaN, new Rng(1)));
    Mixup.Mixed m = new Mixup(1, new Rng(1)).apply(Tensor.of(new float[4], 2, 2));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> m.targets(new int[] {0, 5}, 3)).getMessage().contains("label (5)"));
  }
}
