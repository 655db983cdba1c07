package dev.fivefold.control;

import dev.fivefold.tensor.Rng;

/**
 * Curvature from gradients alone. {@link #lambdaMax} runs power iteration on Hessian-vector
 * products taken as forward differences of gradients on a fixed batch:
 * <pre>
 *   Hv ≈ (∇L(θ + εv) - ∇L(θ)) / ε,   ‖v‖ = 1
 *   λ ← vᵀHv;  v ← Hv / ‖Hv‖          (iterations times)
 * </pre>
 * It returns the last Rayleigh quotient, which converges to the eigenvalue of largest magnitude
 * (Pearlmutter 1994 computes Hv exactly; the difference form costs one gradient per iteration and
 * is exact for a quadratic). A negative result means the dominant curvature is negative; NaN if a
 * gradient was not finite. Costs {@code iterations + 1} gradient evaluations.
 */
public final class Hessian {
  private Hessian() {}

  public static double lambdaMax(GradientOracle oracle, int iterations, double eps, long seed) {
    if (iterations < 1) throw new IllegalArgumentException("iterations (" + iterations + ") must be >= 1");
    if (!(eps > 0) || Double.isInfinite(eps)) throw new IllegalArgumentException("eps (" + eps + ") must be > 0");
    int[] sizes = oracle.sizes();
    float[][] v = new float[sizes.length][], d = new float[sizes.length][], g0 = new float[sizes.length][];
    Rng rng = new Rng(seed);
    for (int i = 0; i < sizes.length; i++) {
      v[i] = new float[sizes[i]];
      d[i] = new float[sizes[i]];
      for (int j = 0; j < sizes[i]; j++) v[i][j] = (float) rng.nextGaussian();
    }
    scale(v, 1 / norm(v));
    float[][] g = oracle.gradient(d); // d = 0
    for (int i = 0; i < sizes.length; i++) g0[i] = g[i].clone();
    double lambda = Double.NaN;
    for (int it = 0; it < iterations; it++) {
      for (int i = 0; i < sizes.length; i++) for (int j = 0; j < sizes[i]; j++) d[i][j] = (float) (eps * v[i][j]);
      g = oracle.gradient(d);
      double dot = 0;
      for (int i = 0; i < sizes.length; i++) {
        for (int j = 0; j < sizes[i]; j++) {
          float hv = (float) ((g[i][j] - g0[i][j]) / eps);
          dot += (double) hv * v[i][j];
          v[i][j] = hv;
        }
      }
      lambda = dot;
      double n = norm(v);
      if (!(n > 0) || Double.isInfinite(n)) return n == 0 ? 0 : Double.NaN;
      scale(v, 1 / n);
    }
    return lambda;
  }

  static double norm(float[][] x) {
    double s = 0;
    for (float[] a : x) for (float f : a) s += (double) f * f;
    return Math.sqrt(s);
  }

  private static void scale(float[][] x, double k) {
    for (float[] a : x) for (int j = 0; j < a.length; j++) a[j] *= (float) k;
  }
}
