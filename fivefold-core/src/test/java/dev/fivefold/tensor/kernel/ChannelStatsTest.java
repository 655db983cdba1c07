package dev.fivefold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link ChannelStats}' SIMD passes against their scalar references, on lengths around the vector width. */
class ChannelStatsTest {
  @Test
  void matchesScalarReferences() {
    var rnd = new SplittableRandom(11);
    for (int len : new int[] {1, 2, 7, 15, 16, 17, 31, 49, 64, 196, 784, 1001}) {
      float[] x = new float[len + 3], g = new float[len + 3];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) (100 + rnd.nextGaussian() * 0.5); // mean ≫ std: the shift matters
        g[i] = (float) rnd.nextGaussian();
      }
      float shift = x[3], mean = 100.02f;
      double[] fast = new double[2], ref = new double[2];
      ChannelStats.shiftedSums(x, 3, len, shift, fast);
      ChannelStats.shiftedSumsScalar(x, 3, len, shift, ref);
      assertEquals(ref[0], fast[0], 1e-5 * len, "Σ(x − K), len " + len);
      assertEquals(ref[1], fast[1], 1e-5 * (1 + ref[1]), "Σ(x − K)², len " + len);
      fast = new double[2];
      ref = new double[2];
      ChannelStats.gradSums(g, x, 3, len, mean, fast);
      ChannelStats.gradSumsScalar(g, x, 3, len, mean, ref);
      assertEquals(ref[0], fast[0], 1e-5 * len, "Σg, len " + len);
      assertEquals(ref[1], fast[1], 1e-5 * len, "Σg(x − μ), len " + len);
      float[] y1 = new float[x.length], y2 = new float[x.length];
      ChannelStats.normalize(x, 3, len, mean, 1.7f, -0.3f, y1);
      ChannelStats.normalizeScalar(x, 3, len, mean, 1.7f, -0.3f, y2);
      assertArrayEquals(y2, y1, "normalize, len " + len);
      float[] gx1 = g.clone(), gx2 = g.clone();
      ChannelStats.normalizeBackward(g, x, 3, len, mean, 0.9f, 0.1f, 0.25f, gx1);
      ChannelStats.normalizeBackwardScalar(g, x, 3, len, mean, 0.9f, 0.1f, 0.25f, gx2);
      for (int i = 0; i < gx1.length; i++) assertEquals(gx2[i], gx1[i], 1e-6f * (1 + Math.abs(gx2[i])), "normalizeBackward, len " + len);
    }
  }

  @Test
  void shiftedVarianceIsExactOnAKnownCase() {
    // 1e4 + {1, 2, 3, 4}: mean 1e4 + 2.5, biased variance 1.25 (an unshifted float Σx² would lose it)
    float[] x = {10001, 10002, 10003, 10004};
    double[] s = new double[2];
    ChannelStats.shiftedSums(x, 0, 4, x[0], s);
    double d = s[0] / 4;
    assertEquals(10002.5, x[0] + d, 0);
    assertEquals(1.25, s[1] / 4 - d * d, 1e-12);
  }
}
