package dev.fivefold.compress.sensing;

import dev.fivefold.tensor.Rng;

/**
 * FISTA, the fast iterative shrinkage-thresholding algorithm (Beck &amp; Teboulle 2009, SIAM J.
 * Imaging Sciences 2(1), algorithm 2 with a constant step) for the lasso / basis-pursuit denoising
 * problem
 *
 * <pre>
 *   min_x F(x) = 1/2 ||A x - y||^2 + lambda ||x||_1
 *
 *   x_0 = 0, z_1 = 0, t_1 = 1
 *   x_k     = soft(z_k - (1/L) A^T (A z_k - y), lambda / L)      soft(v, c) = sign(v) max(|v| - c, 0)
 *   t_{k+1} = (1 + sqrt(1 + 4 t_k^2)) / 2
 *   z_{k+1} = x_k + ((t_k - 1) / t_{k+1}) (x_k - x_{k-1})
 * </pre>
 *
 * F(x_k) - F* falls as {@code O(1/k^2)} (ISTA, without the momentum, as {@code O(1/k)}); FISTA is not
 * monotone, the objective can rise for a few steps. Settings and defaults:
 *
 * <ul>
 *   <li>step {@code 1/L}, {@code L = 1.1 x} the power-iteration estimate of {@code ||A||_2^2} (the
 *       largest eigenvalue of {@code A^T A}; 50 iterations from a seeded Gaussian start), so the step
 *       stays below {@code 1/||A||^2} even when the estimate is a few percent low;
 *   <li>{@code lambda} given as a fraction of {@code ||A^T y||_inf}, the smallest weight at which
 *       {@code x = 0} is optimal, so the same setting suits any scale of {@code y} (e.g. 1e-3);
 *   <li>stop after {@code iterations}, or when {@code ||x_k - x_{k-1}|| <= tolerance ||x_k||};
 *   <li>debiasing: the l1 penalty shrinks every kept coefficient by about lambda; with {@code debias
 *       = k > 0} the {@code k} largest entries of the solution are refitted by least squares (the
 *       "debiasing" step of Figueiredo, Nowak &amp; Wright 2007, GPSR), which makes recovery exact when
 *       the support is right.
 * </ul>
 *
 * @param lambda the l1 weight as a fraction of {@code ||A^T y||_inf}, in (0, 1]
 * @param iterations at most this many steps, {@code >= 1}
 * @param tolerance relative change of x that stops the iteration, {@code >= 0}
 * @param debias refit the largest {@code debias} entries by least squares; 0 = off
 */
public record Fista(double lambda, int iterations, double tolerance, int debias) implements SparseRecovery {
  /** Iterations of the power method that estimates {@code ||A||^2}. */
  public static final int POWER_ITERATIONS = 50;

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException if {@code lambda} is outside (0, 1], {@code iterations} &lt; 1,
   *     {@code tolerance} is negative or not finite, or {@code debias} &lt; 0
   */
  public Fista {
    if (!(lambda > 0 && lambda <= 1)) throw new IllegalArgumentException("lambda (" + lambda + ") must be in (0, 1]");
    if (iterations < 1) throw new IllegalArgumentException("iterations (" + iterations + ") must be >= 1");
    if (!(tolerance >= 0) || Double.isInfinite(tolerance)) throw new IllegalArgumentException("tolerance (" + tolerance + ") must be >= 0 and finite");
    if (debias < 0) throw new IllegalArgumentException("debias (" + debias + ") must be >= 0");
  }

  /**
   * What a run did.
   *
   * @param x the estimate (debiased if asked)
   * @param iterations steps taken
   * @param lipschitz the {@code L} of the step {@code 1/L}
   * @param lambdaAbs the absolute l1 weight, {@code lambda ||A^T y||_inf}
   * @param objective {@code F(x_k)} after each step (before debiasing) if traced, else empty
   */
  public record Trace(double[] x, int iterations, double lipschitz, double lambdaAbs, double[] objective) {}

  @Override
  public String label() {
    return "fista";
  }

  @Override
  public double[] recover(Measurement a, double[] y) {
    return run(a, y, false).x();
  }

  /**
   * Runs FISTA on {@code y}; with {@code trace} the objective after every step is recorded (one more {@code A x} per step).
   *
   * @param a the operator A
   * @param y the measurements, {@code a.rows()} entries
   * @param trace whether to record the objective after every step
   * @return the estimate and the run's figures
   */
  public Trace run(Measurement a, double[] y, boolean trace) {
    int m = a.rows(), n = a.cols();
    double l = 1.1 * normSquared(a);
    double[] g = new double[n];
    a.adjoint(y, g);
    double maxCorr = 0;
    for (double v : g) maxCorr = Math.max(maxCorr, Math.abs(v));
    double lam = lambda * maxCorr;
    double[] x = new double[n], prev = new double[n], z = new double[n], az = new double[m], ax = new double[m];
    double[] obj = new double[trace ? iterations : 0];
    double t = 1;
    int k = 0;
    while (k < iterations && l > 0) {
      a.apply(z, az);
      for (int i = 0; i < m; i++) az[i] -= y[i];
      a.adjoint(az, g);
      double diff = 0, norm = 0;
      for (int j = 0; j < n; j++) {
        double v = z[j] - g[j] / l;
        double s = Math.max(Math.abs(v) - lam / l, 0);
        prev[j] = x[j];
        x[j] = v < 0 ? -s : s;
        diff += (x[j] - prev[j]) * (x[j] - prev[j]);
        norm += x[j] * x[j];
      }
      double tn = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
      double beta = (t - 1) / tn;
      for (int j = 0; j < n; j++) z[j] = x[j] + beta * (x[j] - prev[j]);
      t = tn;
      if (trace) obj[k] = objective(a, x, y, lam, ax);
      k++;
      if (Math.sqrt(diff) <= tolerance * Math.sqrt(norm)) break;
    }
    if (trace && k < iterations) obj = java.util.Arrays.copyOf(obj, k);
    double[] out = debias > 0 ? debiased(a, y, x) : x;
    return new Trace(out, k, l, lam, obj);
  }

  /** Least squares on the {@code debias} largest non-zeros of {@code x}. */
  private double[] debiased(Measurement a, double[] y, double[] x) {
    int nnz = 0;
    for (double v : x) if (v != 0) nnz++;
    int k = Math.min(Math.min(debias, nnz), a.rows());
    if (k == 0) return x;
    return LeastSquares.onSupport(a, y, TopK.positions(x, 0, x.length, k));
  }

  /**
   * {@code F(x) = 1/2 ||A x - y||^2 + lam ||x||_1}; {@code ax} is scratch of {@code a.rows()}.
   *
   * @param a the operator A
   * @param x the estimate, {@code a.cols()} entries
   * @param y the measurements
   * @param lam the absolute l1 weight
   * @param ax scratch, {@code a.rows()} entries, overwritten
   * @return F(x)
   */
  public static double objective(Measurement a, double[] x, double[] y, double lam, double[] ax) {
    a.apply(x, ax);
    double r = 0, l1 = 0;
    for (int i = 0; i < y.length; i++) r += (ax[i] - y[i]) * (ax[i] - y[i]);
    for (double v : x) l1 += Math.abs(v);
    return 0.5 * r + lam * l1;
  }

  /**
   * The power-method estimate of {@code ||A||_2^2}, the largest eigenvalue of {@code A^T A} ({@value #POWER_ITERATIONS} steps, seeded start).
   *
   * @param a the operator A
   * @return the estimate of the largest eigenvalue of {@code A^T A}; 0 if the iteration reaches the zero
   *     vector
   */
  public static double normSquared(Measurement a) {
    int n = a.cols();
    double[] v = new double[n], av = new double[a.rows()], w = new double[n];
    Rng rng = new Rng(0x5EED);
    for (int j = 0; j < n; j++) v[j] = rng.nextGaussian();
    double est = 0;
    for (int it = 0; it < POWER_ITERATIONS; it++) {
      double nv = LeastSquares.norm(v);
      if (nv == 0) return 0;
      for (int j = 0; j < n; j++) v[j] /= nv;
      a.apply(v, av);
      a.adjoint(av, w);
      est = LeastSquares.norm(w);
      double[] s = v;
      v = w;
      w = s;
    }
    return est;
  }
}
