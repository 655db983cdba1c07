package dev.fivefold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/** The polynomial exp/sigmoid: vector and scalar forms agree bit for bit, and stay close to Math. */
class TranscendentalsTest {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  static float[] inputs() {
    var rnd = new SplittableRandom(3);
    float[] x = new float[S.length() * 4000];
    for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble(-100, 100) / (i % 7 == 0 ? 1 : 20);
    float[] special = {0f, -0f, 1f, -1f, 88.3f, 88.4f, 89f, -87.3f, -87.4f, -100f, 1e-8f, -1e-8f,
        Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE};
    System.arraycopy(special, 0, x, 0, special.length);
    return x;
  }

  @Test
  void vectorAndScalarFormsAreBitIdentical() {
    float[] x = inputs(), v = new float[x.length], t = new float[x.length];
    for (int i = 0; i < x.length; i += S.length()) {
      FloatVector in = FloatVector.fromArray(S, x, i);
      Transcendentals.exp(in).intoArray(v, i);
      Transcendentals.sigmoid(in).intoArray(t, i);
    }
    for (int i = 0; i < x.length; i++) {
      assertEquals(Float.floatToIntBits(Transcendentals.exp(x[i])), Float.floatToIntBits(v[i]), "exp(" + x[i] + ")");
      assertEquals(Float.floatToIntBits(Transcendentals.sigmoid(x[i])), Float.floatToIntBits(t[i]), "sigmoid(" + x[i] + ")");
    }
  }

  @Test
  void closeToMath() {
    for (float x : inputs()) {
      float e = Transcendentals.exp(x);
      double want = Math.exp(x);
      if (Float.isNaN(x)) {
        assertTrue(Float.isNaN(e));
      } else if (x >= -87.33f && x <= 88.37f) {
        assertTrue(Math.abs(e - want) <= 3e-7 * want, "exp(" + x + ") = " + e + ", Math " + want);
      } else {
        assertTrue(x < 0 ? e < 1.3e-38f : e > 2.4e38f, "exp(" + x + ") clamps, got " + e);
      }
      if (!Float.isNaN(x)) {
        float sg = Transcendentals.sigmoid(x);
        double ref = 1 / (1 + Math.exp(-x));
        assertTrue(Math.abs(sg - ref) <= 4e-7 * ref + 1e-37, "sigmoid(" + x + ") = " + sg + ", Math " + ref);
      }
    }
  }
}
