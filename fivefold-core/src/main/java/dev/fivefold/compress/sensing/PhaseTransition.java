package dev.fivefold.compress.sensing;

import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.kernel.Parallel;

/**
 * The empirical phase transition of a sparse recovery on synthetic vectors (Donoho &amp; Tanner
 * 2009, section 4's experiments): on a grid of {@code delta = m/n} (undersampling) and {@code rho
 * = k/m} (sparsity), the fraction of trials in which a {@code k}-sparse {@code x} in {@code R^n}
 * (uniform random support, N(0, 1) values) is recovered from {@code y = A x} with {@code
 * ||x_hat - x|| <= successTolerance ||x||}. Every trial draws its own operator. The reference curve
 * is {@link DonohoTanner#rho}.
 *
 * <p>Cell {@code (i, j)} uses {@code m = max(1, round(deltas[j] n))}, {@code k = min(m, max(1,
 * round(rhos[i] m)))}; trial {@code t} of cell {@code c} draws from {@code new Rng(seed + 1000003 c
 * + t)} and its operator from the next long of that generator. Cells run in parallel, each alone,
 * so the grid does not depend on the thread count.
 */
public final class PhaseTransition {
  private PhaseTransition() {}

  /**
   * The grid's settings, validated on construction.
   *
   * @param n signal length, {@code >= 2}
   * @param deltas {@code m/n} values, each in (0, 1], increasing
   * @param rhos {@code k/m} values, each in (0, 1], increasing
   * @param trials trials per cell, {@code >= 1}
   * @param operator gaussian or hadamard
   * @param recovery omp or fista (FISTA debiased on k)
   * @param lambda FISTA's l1 weight (fraction of {@code ||A^T y||_inf})
   * @param iterations FISTA's iteration limit
   * @param tolerance FISTA's stopping tolerance; OMP's residual tolerance
   * @param successTolerance a trial succeeds when the relative error is at most this, in (0, 1)
   * @param seed the trials' seed
   */
  public record Config(int n, double[] deltas, double[] rhos, int trials, String operator, String recovery, double lambda, int iterations,
      double tolerance, double successTolerance, long seed) {
    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if {@code n} &lt; 2, the deltas or rhos are empty, outside (0, 1] or
     *     not increasing, {@code trials} &lt; 1, {@code successTolerance} is outside (0, 1), or the operator
     *     or recovery settings are invalid
     */
    public Config {
      if (n < 2) throw new IllegalArgumentException("n (" + n + ") must be >= 2");
      check("deltas", deltas);
      check("rhos", rhos);
      if (trials < 1) throw new IllegalArgumentException("trials (" + trials + ") must be >= 1");
      if (!(successTolerance > 0 && successTolerance < 1)) throw new IllegalArgumentException("successTolerance (" + successTolerance + ") must be in (0, 1)");
      if (!dev.fivefold.compress.archive.SensedTensor.OPERATORS.contains(operator)) {
        throw new IllegalArgumentException("operator (" + operator + ") must be gaussian or hadamard");
      }
      PhaseTransition.recovery(recovery, lambda, iterations, tolerance, 1); // validates
    }

    private static void check(String name, double[] v) {
      if (v.length == 0) throw new IllegalArgumentException(name + " must not be empty");
      for (int i = 0; i < v.length; i++) {
        if (!(v[i] > 0 && v[i] <= 1)) throw new IllegalArgumentException(name + " (" + v[i] + ") must be in (0, 1]");
        if (i > 0 && !(v[i] > v[i - 1])) throw new IllegalArgumentException(name + " must increase (" + v[i - 1] + ", " + v[i] + ")");
      }
    }

    /**
     * A grid of {@code steps} values {@code 1/steps, 2/steps, ..., 1} on both axes.
     *
     * @param n signal length, &ge; 2
     * @param steps grid points per axis, &ge; 1
     * @param trials trials per cell, &ge; 1
     * @param operator "gaussian" or "hadamard"
     * @param recovery "omp" or "fista"
     * @param lambda FISTA's l1 weight
     * @param iterations FISTA's iteration limit
     * @param tolerance the recovery tolerance
     * @param seed the trials' seed
     * @return the configuration, success tolerance 1e-3
     * @throws IllegalArgumentException if {@code steps} &lt; 1 or the settings are invalid
     */
    public static Config grid(int n, int steps, int trials, String operator, String recovery, double lambda, int iterations, double tolerance,
        long seed) {
      if (steps < 1) throw new IllegalArgumentException("steps (" + steps + ") must be >= 1");
      double[] g = new double[steps];
      for (int i = 0; i < steps; i++) g[i] = (i + 1.0) / steps;
      return new Config(n, g, g.clone(), trials, operator, recovery, lambda, iterations, tolerance, 1e-3, seed);
    }
  }

  /**
   * The grid.
   *
   * @param config the settings the grid was run with
   * @param success {@code success[i][j]}: fraction of trials recovered at {@code rhos[i]}, {@code deltas[j]}
   * @param error {@code error[i][j]}: median relative error over the trials
   * @param theory {@link DonohoTanner#rho} at each delta
   * @param seconds wall time of the run
   */
  public record Result(Config config, double[][] success, double[][] error, double[] theory, double seconds) {}

  static SparseRecovery recovery(String name, double lambda, int iterations, double tolerance, int k) {
    return switch (name) {
      case "omp" -> new Omp(k, tolerance);
      case "fista" -> new Fista(lambda, iterations, tolerance, k);
      default -> throw new IllegalArgumentException("recovery (" + name + ") must be omp or fista");
    };
  }

  /**
   * Runs every cell.
   *
   * @param cfg the settings
   * @return the success fractions and median errors per cell, and the theoretical curve
   */
  public static Result run(Config cfg) {
    long t0 = System.nanoTime();
    int rows = cfg.rhos().length, cols = cfg.deltas().length;
    double[][] success = new double[rows][cols], error = new double[rows][cols];
    Parallel.forRange(0, rows * cols, (lo, hi) -> {
      for (int c = lo; c < hi; c++) {
        int i = c / cols, j = c % cols;
        double[] e = cell(cfg, c, cfg.deltas()[j], cfg.rhos()[i]);
        int ok = 0;
        for (double v : e) if (v <= cfg.successTolerance()) ok++;
        success[i][j] = (double) ok / e.length;
        java.util.Arrays.sort(e);
        error[i][j] = e.length % 2 == 1 ? e[e.length / 2] : (e[e.length / 2 - 1] + e[e.length / 2]) / 2;
      }
    });
    double[] theory = new double[cols];
    for (int j = 0; j < cols; j++) theory[j] = DonohoTanner.rho(cfg.deltas()[j]);
    return new Result(cfg, success, error, theory, (System.nanoTime() - t0) / 1e9);
  }

  /** The relative errors of the trials of cell {@code c}. */
  static double[] cell(Config cfg, int c, double delta, double rho) {
    int n = cfg.n();
    int m = (int) Math.max(1, Math.round(delta * n));
    int k = (int) Math.min(m, Math.max(1, Math.round(rho * m)));
    double[] errors = new double[cfg.trials()];
    for (int t = 0; t < cfg.trials(); t++) {
      Rng rng = new Rng(cfg.seed() + 1000003L * c + t);
      double[] x = sparse(rng, n, k);
      Measurement a = Measurement.of(cfg.operator(), m, n, rng.nextLong());
      double[] y = new double[m];
      a.apply(x, y);
      double[] xh = recovery(cfg.recovery(), cfg.lambda(), cfg.iterations(), cfg.tolerance(), k).recover(a, y);
      errors[t] = relativeError(xh, x);
    }
    return errors;
  }

  /**
   * A {@code k}-sparse vector of length {@code n}: uniform random support, N(0, 1) values.
   *
   * @param rng the generator of the support and the values
   * @param n the length
   * @param k non-zeros, in 0..n
   * @return the vector
   */
  public static double[] sparse(Rng rng, int n, int k) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) p[i] = i;
    rng.shuffle(p);
    double[] x = new double[n];
    for (int i = 0; i < k; i++) x[p[i]] = rng.nextGaussian();
    return x;
  }

  /**
   * {@code ||a - b|| / ||b||} (0 when both are 0, infinity when only {@code b} is).
   *
   * @param a the estimate
   * @param b the reference, the same length
   * @return the relative error
   */
  public static double relativeError(double[] a, double[] b) {
    double d = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      d += (a[i] - b[i]) * (a[i] - b[i]);
      nb += b[i] * b[i];
    }
    if (nb == 0) return d == 0 ? 0 : Double.POSITIVE_INFINITY;
    return Math.sqrt(d / nb);
  }
}
