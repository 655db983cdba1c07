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

  /**
   * λmax of the plain Hessian H, as {@link #lambdaMax(GradientOracle, float[][], int, double, long)} with no
   * scale.
   *
   * @param oracle the gradient at perturbed parameters
   * @param iterations power iterations, at least 1
   * @param eps the finite-difference step ε
   * @param seed the seed of the starting vector
   * @return the estimate of the largest-magnitude eigenvalue, or NaN
   */
  public static double lambdaMax(GradientOracle oracle, int iterations, double eps, long seed) {
    return lambdaMax(oracle, null, iterations, eps, seed);
  }

  /**
   * λmax of the preconditioned Hessian D·H·D, D = diag({@code scale}) (null: the identity), by
   * the same power iteration on w with Hv taken along v = Dw/‖Dw‖ at step ε:
   * <pre>
   *   H(Dw) ≈ ‖Dw‖·(∇L(θ + ε·Dw/‖Dw‖) - ∇L(θ)) / ε,   (DHD)w = D·H(Dw)
   * </pre>
   * With D = P^(-1/2), P = diag(√v̂ + ε) from Adam, DHD is similar to P⁻¹H and has its eigenvalues:
   * the curvature Adam's update sees (Cohen et al. 2022, "Adaptive gradient methods at the edge of
   * stability", §2). The finite-difference step stays ε in θ whatever the scale of D.
   *
   * @param oracle the gradient at perturbed parameters
   * @param scale the diagonal D, one array per parameter, or null for the identity
   * @param iterations power iterations, at least 1
   * @param eps the finite-difference step ε in θ
   * @param seed the seed of the starting vector
   * @return the estimate of the largest-magnitude eigenvalue of DHD, or NaN
   * @throws IllegalArgumentException if {@code iterations} is below 1
   */
  public static double lambdaMax(GradientOracle oracle, float[][] scale, int iterations, double eps, long seed) {
    if (iterations < 1) throw new IllegalArgumentException("iterations (" + iterations + ") must be >= 1");
    if (!(eps > 0) || Double.isInfinite(eps)) throw new IllegalArgumentException("eps (" + eps + ") must be > 0");
    int[] sizes = oracle.sizes();
    if (scale != null) {
      if (scale.length != sizes.length) throw new IllegalArgumentException("scale (" + scale.length + " tensors) must match the parameters (" + sizes.length + ")");
      for (int i = 0; i < sizes.length; i++) {
        if (scale[i].length != sizes[i]) throw new IllegalArgumentException("scale of tensor " + i + " (" + scale[i].length + " values) must match its size (" + sizes[i] + ")");
      }
    }
    float[][] w = new float[sizes.length][], d = new float[sizes.length][], g0 = new float[sizes.length][];
    Rng rng = new Rng(seed);
    for (int i = 0; i < sizes.length; i++) {
      w[i] = new float[sizes[i]];
      d[i] = new float[sizes[i]];
      for (int j = 0; j < sizes[i]; j++) w[i][j] = (float) rng.nextGaussian();
    }
    scale(w, 1 / norm(w));
    float[][] g = oracle.gradient(d); // d = 0
    for (int i = 0; i < sizes.length; i++) g0[i] = g[i].clone();
    double lambda = Double.NaN;
    for (int it = 0; it < iterations; it++) {
      double dn = 0; // ‖Dw‖
      for (int i = 0; i < sizes.length; i++) {
        for (int j = 0; j < sizes[i]; j++) {
          double x = scale == null ? w[i][j] : (double) w[i][j] * scale[i][j];
          dn += x * x;
        }
      }
      dn = Math.sqrt(dn);
      if (!(dn > 0) || Double.isInfinite(dn)) return dn == 0 ? 0 : Double.NaN;
      for (int i = 0; i < sizes.length; i++) {
        for (int j = 0; j < sizes[i]; j++) d[i][j] = (float) (eps * (scale == null ? w[i][j] : w[i][j] * scale[i][j]) / dn);
      }
      g = oracle.gradient(d);
      double dot = 0;
      for (int i = 0; i < sizes.length; i++) {
        for (int j = 0; j < sizes[i]; j++) {
          double hv = (g[i][j] - g0[i][j]) * dn / eps;
          float mw = (float) (scale == null ? hv : hv * scale[i][j]);
          dot += (double) mw * w[i][j];
          w[i][j] = mw;
        }
      }
      lambda = dot;
      double n = norm(w);
      if (!(n > 0) || Double.isInfinite(n)) return n == 0 ? 0 : Double.NaN;
      scale(w, 1 / n);
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
