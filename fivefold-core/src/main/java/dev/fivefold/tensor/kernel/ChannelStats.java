package dev.fivefold.tensor.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The per-channel passes of batch normalisation over one contiguous plane of a channel (the L =
 * H·W values of one image), SIMD with a scalar reference for each.
 *
 * <p>Statistics in one pass: with a shift K (any value near the data, e.g. the channel's first
 * value), {@code S1 = Σ (x − K)} and {@code S2 = Σ (x − K)²} give μ = K + S1/M and
 * σ² = S2/M − (S1/M)². Shifting keeps the subtraction well conditioned when |μ| ≫ σ (the
 * "shifted data" algorithm; Chan, Golub &amp; LeVeque, "Algorithms for computing the sample
 * variance", 1983). The sums run in double (floats widened as they are loaded), one chain per
 * vector lane, the lanes then added and the tail after; callers add the planes in image order, so
 * the result depends only on the data and the vector width, never on the thread count.
 */
public final class ChannelStats {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /**
   * Double lanes for the sums: each float vector of S widens into its two halves (parts 0 and 1 of
   * {@code convertShape}). No half-width float species is used: a second float shape in the process
   * pollutes the type profiles of the Vector API's shared methods, and the JIT then sometimes left
   * other kernels (the GEMM's tile store) running with boxed vectors — 0.3 to 11 GB allocated per
   * ResNet step at half speed, in about one run in three.
   */
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

  private ChannelStats() {}

  /**
   * {@code out[0] += Σ (x_i − shift)}, {@code out[1] += Σ (x_i − shift)²} over {@code x[off, off + len)}.
   * @param x the values (a channel plane of the input)
   * @param off the first index of the plane in {@code x} (and in {@code g}, {@code y}, {@code gx})
   * @param len the number of values, M for one plane (≥ 0)
   * @param shift the shift K, any value near the data (e.g. the channel's first value)
   * @param out two accumulators, {@code out[0]} and {@code out[1]}, added to (not overwritten)
   */
  public static void shiftedSums(float[] x, int off, int len, float shift, double[] out) {
    var k = DoubleVector.broadcast(D, shift);
    var s1 = DoubleVector.zero(D);
    var s2 = DoubleVector.zero(D);
    int i = 0;
    for (int ub = S.loopBound(len); i < ub; i += L) {
      var v = FloatVector.fromArray(S, x, off + i);
      var d = ((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0)).sub(k);
      s1 = s1.add(d);
      s2 = d.fma(d, s2);
      d = ((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1)).sub(k);
      s1 = s1.add(d);
      s2 = d.fma(d, s2);
    }
    double a = s1.reduceLanes(VectorOperators.ADD), b = s2.reduceLanes(VectorOperators.ADD);
    for (; i < len; i++) {
      double d = (double) x[off + i] - shift;
      a += d;
      b += d * d;
    }
    out[0] += a;
    out[1] += b;
  }

  /**
   * The reference of {@link #shiftedSums}: one double chain each.
   * @param x the values (a channel plane of the input)
   * @param off the first index of the plane in {@code x} (and in {@code g}, {@code y}, {@code gx})
   * @param len the number of values, M for one plane (≥ 0)
   * @param shift the shift K, any value near the data (e.g. the channel's first value)
   * @param out two accumulators, {@code out[0]} and {@code out[1]}, added to (not overwritten)
   */
  public static void shiftedSumsScalar(float[] x, int off, int len, float shift, double[] out) {
    for (int i = 0; i < len; i++) {
      double d = (double) x[off + i] - shift;
      out[0] += d;
      out[1] += d * d;
    }
  }

  /**
   * {@code out[0] += Σ g_i}, {@code out[1] += Σ g_i·(x_i − mean)}: the sums of the batch-norm backward.
   * @param g the gradient of the loss with respect to the normalised output, same layout as {@code x}
   * @param x the values (a channel plane of the input)
   * @param off the first index of the plane in {@code x} (and in {@code g}, {@code y}, {@code gx})
   * @param len the number of values, M for one plane (≥ 0)
   * @param mean the channel mean μ
   * @param out two accumulators, {@code out[0]} and {@code out[1]}, added to (not overwritten)
   */
  public static void gradSums(float[] g, float[] x, int off, int len, float mean, double[] out) {
    var mu = DoubleVector.broadcast(D, mean);
    var s1 = DoubleVector.zero(D);
    var s2 = DoubleVector.zero(D);
    int i = 0;
    for (int ub = S.loopBound(len); i < ub; i += L) {
      var gf = FloatVector.fromArray(S, g, off + i);
      var xf = FloatVector.fromArray(S, x, off + i);
      var gv = (DoubleVector) gf.convertShape(VectorOperators.F2D, D, 0);
      s1 = s1.add(gv);
      s2 = gv.fma(((DoubleVector) xf.convertShape(VectorOperators.F2D, D, 0)).sub(mu), s2);
      gv = (DoubleVector) gf.convertShape(VectorOperators.F2D, D, 1);
      s1 = s1.add(gv);
      s2 = gv.fma(((DoubleVector) xf.convertShape(VectorOperators.F2D, D, 1)).sub(mu), s2);
    }
    double a = s1.reduceLanes(VectorOperators.ADD), b = s2.reduceLanes(VectorOperators.ADD);
    for (; i < len; i++) {
      a += g[off + i];
      b += (double) g[off + i] * ((double) x[off + i] - mean);
    }
    out[0] += a;
    out[1] += b;
  }

  /**
   * The reference of {@link #gradSums}.
   * @param g the gradient of the loss with respect to the normalised output, same layout as {@code x}
   * @param x the values (a channel plane of the input)
   * @param off the first index of the plane in {@code x} (and in {@code g}, {@code y}, {@code gx})
   * @param len the number of values, M for one plane (≥ 0)
   * @param mean the channel mean μ
   * @param out two accumulators, {@code out[0]} and {@code out[1]}, added to (not overwritten)
   */
  public static void gradSumsScalar(float[] g, float[] x, int off, int len, float mean, double[] out) {
    for (int i = 0; i < len; i++) {
      out[0] += g[off + i];
      out[1] += (double) g[off + i] * ((double) x[off + i] - mean);
    }
  }

  /**
   * {@code y_i = (x_i − mean)·a + b}.
   * @param x the values (a channel plane of the input)
   * @param off the first index of the plane in {@code x} (and in {@code g}, {@code y}, {@code gx})
   * @param len the number of values, M for one plane (≥ 0)
   * @param mean the channel mean μ
   * @param a the scale, γ/√(σ² + ε)
   * @param b the offset added after scaling (β)
   * @param y the output, written at the same indices as {@code x}
   */
  public static void normalize(float[] x, int off, int len, float mean, float a, float b, float[] y) {
    var mu = FloatVector.broadcast(S, mean);
    var av = FloatVector.broadcast(S, a);
    var bv = FloatVector.broadcast(S, b);
    int i = 0;
    for (int ub = S.loopBound(len); i < ub; i += L) {
      FloatVector.fromArray(S, x, off + i).sub(mu).fma(av, bv).intoArray(y, off + i);
    }
    for (; i < len; i++) y[off + i] = Math.fma(x[off + i] - mean, a, b);
  }

  /**
   * The reference of {@link #normalize}.
   * @param x the values (a channel plane of the input)
   * @param off the first index of the plane in {@code x} (and in {@code g}, {@code y}, {@code gx})
   * @param len the number of values, M for one plane (≥ 0)
   * @param mean the channel mean μ
   * @param a the scale, γ/√(σ² + ε)
   * @param b the offset added after scaling (β)
   * @param y the output, written at the same indices as {@code x}
   */
  public static void normalizeScalar(float[] x, int off, int len, float mean, float a, float b, float[] y) {
    for (int i = 0; i < len; i++) y[off + i] = Math.fma(x[off + i] - mean, a, b);
  }

  /**
   * {@code gx_i += k·(g_i − cg − (x_i − mean)·cx)}: the batch-norm input gradient with
   * k = w·r, cg = Σg/M and cx = r²·Σ g·(x − μ)/M (r = 1/√(σ² + ε)).
   * @param g the gradient of the loss with respect to the normalised output, same layout as {@code x}
   * @param x the values (a channel plane of the input)
   * @param off the first index of the plane in {@code x} (and in {@code g}, {@code y}, {@code gx})
   * @param len the number of values, M for one plane (≥ 0)
   * @param mean the channel mean μ
   * @param k the factor w·r (γ/√(σ² + ε))
   * @param cg Σg/M, the mean of the output gradient over the channel
   * @param cx r²·Σ g·(x − μ)/M
   * @param gx the input gradient, added to at the same indices as {@code x}
   */
  public static void normalizeBackward(float[] g, float[] x, int off, int len, float mean, float k, float cg, float cx, float[] gx) {
    var mu = FloatVector.broadcast(S, mean);
    var kv = FloatVector.broadcast(S, k);
    var cgv = FloatVector.broadcast(S, cg);
    var cxv = FloatVector.broadcast(S, cx);
    int i = 0;
    for (int ub = S.loopBound(len); i < ub; i += L) {
      var xc = FloatVector.fromArray(S, x, off + i).sub(mu);
      var inner = FloatVector.fromArray(S, g, off + i).sub(cgv).sub(xc.mul(cxv));
      inner.fma(kv, FloatVector.fromArray(S, gx, off + i)).intoArray(gx, off + i);
    }
    for (; i < len; i++) gx[off + i] = Math.fma(g[off + i] - cg - (x[off + i] - mean) * cx, k, gx[off + i]);
  }

  /**
   * The reference of {@link #normalizeBackward}.
   * @param g the gradient of the loss with respect to the normalised output, same layout as {@code x}
   * @param x the values (a channel plane of the input)
   * @param off the first index of the plane in {@code x} (and in {@code g}, {@code y}, {@code gx})
   * @param len the number of values, M for one plane (≥ 0)
   * @param mean the channel mean μ
   * @param k the factor w·r (γ/√(σ² + ε))
   * @param cg Σg/M, the mean of the output gradient over the channel
   * @param cx r²·Σ g·(x − μ)/M
   * @param gx the input gradient, added to at the same indices as {@code x}
   */
  public static void normalizeBackwardScalar(float[] g, float[] x, int off, int len, float mean, float k, float cg, float cx, float[] gx) {
    for (int i = 0; i < len; i++) gx[off + i] = Math.fma(g[off + i] - cg - (x[off + i] - mean) * cx, k, gx[off + i]);
  }
}
