package dev.fivefold.compress.mdl;

import dev.fivefold.tensor.kernel.Transcendentals;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD form of {@link MixturePrior#accumulate}'s inner loop over one block of weights, lanes =
 * weights, in float: for each weight the joint log-densities a_j = c_j − h_j (w − μ_j)², their
 * maximum m, e_j = exp(a_j − m), z = Σ e_j, r_j = e_j / z; it adds scale·Σ_j r_j λ_j (w − μ_j) to
 * the weight's gradient and, per component, Σ r_j λ_j (w − μ_j), Σ r_j (1 − λ_j (w − μ_j)²) and
 * Σ r_j into per-lane float accumulators, reduced to double at the end of the block, and
 * −log p = −(m + log z) (a scalar {@link Math#log} per weight) in double. The scalar reference is
 * {@link MixturePrior#accumulateScalar} (double throughout); they agree to float rounding.
 *
 * <p>exp is the Cephes {@code expf} of {@code tensor.kernel.Transcendentals} (adds, multiplies and
 * FMAs only), not the Vector API's {@code EXP}, whose last bits differ between the JIT's tiers; so
 * a run reproduces itself. Arguments are ≤ 0 here; below −87.3 it returns ≈ 1.2·10⁻³⁸ rather than
 * 0, a share far under float rounding.
 */
final class MixturePriorKernel {
  private MixturePriorKernel() {}

  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();

  /** Scratch for one thread: e_j per lane and the 3J per-lane accumulators. */
  static final class Scratch {
    final float[] e, acc, lanes = new float[L], maxs = new float[L];

    Scratch(int J) {
      e = new float[J * L];
      acc = new float[3 * J * L];
    }
  }

  /**
   * Weights [lo, hi) of {@code w}; {@code out} gets −log p at [0] and the three J-sums after it
   * (as {@link MixturePrior#accumulate} lays them out); {@code grad} null skips the weights' gradient.
   */
  static void block(float[] w, float[] grad, int lo, int hi, float scale, float[] mu, float[] c, float[] h, float[] lam, double[] out,
      Scratch s) {
    int J = mu.length;
    java.util.Arrays.fill(s.acc, 0f);
    double nll = 0;
    for (int i = lo; i < hi; i += L) {
      VectorMask<Float> in = S.indexInRange(i, hi);
      FloatVector x = FloatVector.fromArray(S, w, i, in);
      FloatVector max = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
      for (int j = 0; j < J; j++) {
        FloatVector d = x.sub(mu[j]);
        FloatVector a = d.mul(d).mul(-h[j]).add(c[j]); // [L]
        max = max.max(a);
        a.intoArray(s.e, j * L);
      }
      FloatVector z = FloatVector.zero(S);
      for (int j = 0; j < J; j++) {
        FloatVector e = Transcendentals.exp(FloatVector.fromArray(S, s.e, j * L).sub(max));
        e.intoArray(s.e, j * L);
        z = z.add(e);
      }
      FloatVector inv = FloatVector.broadcast(S, 1f).div(z);
      FloatVector gw = FloatVector.zero(S);
      for (int j = 0; j < J; j++) {
        FloatVector r = FloatVector.fromArray(S, s.e, j * L).mul(inv).blend(0f, in.not());
        FloatVector d = x.sub(mu[j]);
        FloatVector rl = r.mul(d).mul(lam[j]);
        gw = gw.add(rl);
        int o = 3 * j * L;
        FloatVector.fromArray(S, s.acc, o).add(rl).intoArray(s.acc, o);
        FloatVector.fromArray(S, s.acc, o + L).add(r.sub(rl.mul(d))).intoArray(s.acc, o + L);
        FloatVector.fromArray(S, s.acc, o + 2 * L).add(r).intoArray(s.acc, o + 2 * L);
      }
      if (grad != null) FloatVector.fromArray(S, grad, i, in).add(gw.mul(scale)).intoArray(grad, i, in);
      z.intoArray(s.lanes, 0);
      max.intoArray(s.maxs, 0);
      for (int k = 0, n = Math.min(L, hi - i); k < n; k++) nll -= s.maxs[k] + Math.log(s.lanes[k]);
    }
    out[0] += nll;
    for (int j = 0; j < J; j++) {
      for (int q = 0; q < 3; q++) {
        double t = 0;
        for (int k = 0; k < L; k++) t += s.acc[(3 * j + q) * L + k];
        out[1 + q * J + j] += t;
      }
    }
  }
}
