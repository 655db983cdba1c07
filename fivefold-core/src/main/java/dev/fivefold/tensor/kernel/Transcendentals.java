package dev.fivefold.tensor.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * exp and the logistic sigmoid from adds, multiplies and fused multiply-adds only, in a vector and a scalar form
 * that perform the same IEEE operations in the same order, so they agree bit for bit.
 *
 * <p>Why: the Vector API's {@code EXP}/{@code TANH} give different last bits when the JIT has
 * compiled them (SVML) than before (a per-lane fallback), so a run would not reproduce itself
 * across a checkpoint or a warm-up. Basic IEEE arithmetic is exact in every tier.
 *
 * <p>exp (Cephes {@code expf}, Moshier): clamp x to [-87.3365, 88.3763]; n = round(x·log2 e);
 * r = x - n·C1 - n·C2 with C1 + C2 = ln 2 (C1 exact in few bits); exp(r) ≈ 1 + r + r²·P(r) with a
 * degree-5 minimax P; result = exp(r)·2ⁿ built from the exponent bits. Relative error ≈ 1–2 ulp
 * over the range; results below e^-87.34 come out as ≈ 1.2e-38 rather than 0 (−∞ included), above
 * e^88.38 as ≈ 2.7e38; NaN stays NaN. σ(x) = 1/(1 + exp(−x)), which GELU uses in the form
 * ½(1 + tanh u) = σ(2u) (no cancellation where tanh u ≈ −1).
 */
public final class Transcendentals {
  private Transcendentals() {}

  private static final float HI = 88.3762626647949f, LO = -87.3365478515625f;
  private static final float LOG2E = 1.44269504088896341f;
  private static final float MAGIC = 12582912f; // 1.5·2^23: adding and subtracting it rounds to an integer
  private static final float C1 = 0.693359375f, C2 = -2.12194440e-4f;
  private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
      P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

  /**
   * e^x lane by lane (Cephes expf from basic IEEE operations: the same bits on every machine);
   * inputs are clamped to [−87.34, 88.38].
   * @param x the exponents
   * @return e^x in each lane, within an ulp or two of {@link Math#exp} inside the clamp range
   */
  public static FloatVector exp(FloatVector x) {
    x = x.max(LO).min(HI);
    FloatVector n = x.fma(LOG2E, MAGIC).sub(MAGIC);
    var sp = x.species();
    FloatVector r = n.fma(FloatVector.broadcast(sp, -C1), x);
    r = n.fma(FloatVector.broadcast(sp, -C2), r);
    FloatVector z = r.mul(r);
    FloatVector y = r.fma(P0, P1);
    y = y.fma(r, FloatVector.broadcast(sp, P2));
    y = y.fma(r, FloatVector.broadcast(sp, P3));
    y = y.fma(r, FloatVector.broadcast(sp, P4));
    y = y.fma(r, FloatVector.broadcast(sp, P5));
    y = y.fma(z, r).add(1f);
    IntVector e = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
    return y.mul(e.reinterpretAsFloats());
  }

  static float exp(float x) {
    x = Math.min(Math.max(x, LO), HI);
    float n = Math.fma(x, LOG2E, MAGIC) - MAGIC;
    float r = Math.fma(n, -C1, x);
    r = Math.fma(n, -C2, r);
    float z = r * r;
    float y = Math.fma(r, P0, P1);
    y = Math.fma(y, r, P2);
    y = Math.fma(y, r, P3);
    y = Math.fma(y, r, P4);
    y = Math.fma(y, r, P5);
    y = Math.fma(y, z, r) + 1f;
    return y * Float.intBitsToFloat(((int) n + 127) << 23);
  }

  /** σ(x) = 1 / (1 + exp(-x)). */
  static FloatVector sigmoid(FloatVector x) {
    return FloatVector.broadcast(x.species(), 1f).div(exp(x.neg()).add(1f));
  }

  static float sigmoid(float x) {
    return 1f / (exp(-x) + 1f);
  }
}
