package dev.fivefold.control;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Anneals the rate with the correlation of successive minibatch gradients: a feedback controller
 * that lowers the rate as the gradient's signal drowns in its noise, without reading the clock.
 *
 * <p>Sensor: ρ̄ = EMA(g_t·g_{t−1}) / EMA(‖g_t‖²), both EMAs with β = {@code beta}. For minibatch
 * gradients g_t = G + ξ_t with independent noise of covariance Σ_B and a slowly moving mean G,
 * E[g_t·g_{t−1}] = ‖G‖² and E‖g_t‖² = ‖G‖² + tr Σ_B, so ρ = 1 / (1 + ν) with ν = tr Σ_B / ‖G‖²,
 * the noise-to-signal ratio of one batch — McCandlish et al. 2018's simple noise scale over the
 * batch size, B_simple / B. Their model of SGD on a locally quadratic loss gives the best step
 * η_opt = η_max / (1 + B_simple / B) = η_max · ρ. Successive gradients also anti-correlate when
 * the step overshoots across a valley (the hypergradient of Baydin et al. 2018 is ∝ g_t·u_{t−1}),
 * which lowers ρ too.
 *
 * <p>Law: the first {@code calibration} steps hold η₀ and measure ρ_ref = ρ̄ there; afterwards
 * η = clamp(η₀ · (ρ̄ / ρ_ref)^α, η_min, η₀), so η₀ (e.g. a {@link LrRangeFinder}'s choice) is the
 * ceiling and the rate falls in proportion (α = 1, the SGD model) as the measured signal fraction
 * falls below what it was at the start. ρ̄ ≤ 0 gives η_min. A step without a measured product
 * (the first, the first after a rollback) changes nothing.
 */
public final class GradientCorrelation implements Controller {
  private final double lr0, minLr, beta, alpha;
  private final long calibration;
  private double dotEma, sqEma, ref = Double.NaN, lr;
  private long seen;

  /**
   * The controller (see the class comment for the law).
   *
   * @param lr0 the ceiling η₀, positive and finite
   * @param calibration the steps that measure ρ_ref, at least 1
   * @param beta the EMA factor β, in (0, 1)
   * @param alpha the exponent α, positive and finite
   * @param minLr the floor η_min, in [0, η₀]
   * @throws IllegalArgumentException if an argument is out of range
   */
  public GradientCorrelation(double lr0, long calibration, double beta, double alpha, double minLr) {
    Schedules.check("learning rate", lr0);
    Schedules.checkSteps("calibration", calibration, 1);
    if (!(beta > 0 && beta < 1)) throw new IllegalArgumentException("beta (" + beta + ") must be in (0, 1)");
    if (!(alpha > 0) || Double.isInfinite(alpha)) throw new IllegalArgumentException("alpha (" + alpha + ") must be finite and > 0");
    if (!(minLr >= 0 && minLr <= lr0)) throw new IllegalArgumentException("min learning rate (" + minLr + ") must be in [0, " + lr0 + "]");
    this.lr0 = lr0;
    this.calibration = calibration;
    this.beta = beta;
    this.alpha = alpha;
    this.minLr = minLr;
    this.lr = lr0;
  }

  /**
   * Calibration 50 steps, β 0.98, α 1, η_min = η₀/1000.
   *
   * @param lr0 the ceiling η₀
   * @return the controller
   */
  public static GradientCorrelation defaults(double lr0) {
    return new GradientCorrelation(lr0, 50, 0.98, 1, lr0 / 1000);
  }

  /**
   * The smoothed correlation ρ̄ (NaN before the first measured product).
   *
   * @return ρ̄, or NaN
   */
  public double correlation() {
    return seen == 0 ? Double.NaN : dotEma / sqEma;
  }

  /**
   * ρ_ref, measured over the calibration steps (NaN until then).
   *
   * @return ρ_ref, or NaN
   */
  public double reference() {
    return ref;
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.GRAD_DOT);
  }

  @Override
  public double next(Signals s) {
    double d = s.gradDot(), n = s.gradNorm();
    if (!Double.isFinite(d) || !Double.isFinite(n) || n == 0) return lr;
    dotEma = beta * dotEma + (1 - beta) * d; // the bias corrections of the two EMAs cancel in the ratio
    sqEma = beta * sqEma + (1 - beta) * n * n;
    seen++;
    double rho = dotEma / sqEma;
    if (seen < calibration) return lr;
    if (seen == calibration) ref = rho;
    if (!(ref > 0)) return lr; // no signal at the start either: nothing to compare against
    lr = rho <= 0 ? minLr : Math.max(minLr, Math.min(lr0, lr0 * Math.pow(rho / ref, alpha)));
    return lr;
  }

  @Override
  public Map<String, String> saveState() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("corr.dotEma", Double.toString(dotEma));
    m.put("corr.sqEma", Double.toString(sqEma));
    m.put("corr.ref", Double.toString(ref));
    m.put("corr.lr", Double.toString(lr));
    m.put("corr.seen", Long.toString(seen));
    return m;
  }

  @Override
  public void loadState(Map<String, String> st, String source) {
    dotEma = Controller.read(st, "corr.dotEma", source);
    sqEma = Controller.read(st, "corr.sqEma", source);
    ref = Controller.read(st, "corr.ref", source);
    lr = Controller.read(st, "corr.lr", source);
    seen = (long) Controller.read(st, "corr.seen", source);
  }
}
