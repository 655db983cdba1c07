package dev.fivefold.control;

import dev.fivefold.optim.OptState;
import dev.fivefold.optim.Optimizer;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Keeps another controller's learning rate below the edge of stability. Every {@code every}
 * steps it estimates λmax of the loss Hessian on the last batch ({@link Hessian#lambdaMax}) and
 * caps η ≤ margin·threshold/λmax.
 *
 * <p>Gradient descent on a quadratic diverges along the top eigenvector when η·λmax &gt; 2, so
 * threshold = 2 for plain SGD ({@link #sgd}); heavy-ball momentum μ (PyTorch form) is stable up to
 * η·λmax &lt; 2 + 2μ (Cohen et al. 2021, "Gradient descent on neural networks typically occurs at
 * the edge of stability"). Adam's update is η·P⁻¹m̂ with P = diag(√v̂ + ε) and m an EMA of the
 * gradients (β₁): on a quadratic with P frozen it is EMA-momentum on P⁻¹H, stable while
 * η·λmax(P⁻¹H) &lt; (2 + 2β₁)/(1 - β₁) = 38 for β₁ = 0.9 (Cohen et al. 2022, "Adaptive gradient
 * methods at the edge of stability", §2). {@link #adam} measures that λmax, as λmax of the similar
 * matrix P^(-1/2)·H·P^(-1/2), with P read from the optimizer's second moment at each estimate.
 * Defaults: every 100 steps, 10 iterations, ε = 1e-3, margin 0.9. If λmax ≤ 0 or NaN no cap applies.
 */
public final class StabilityCap implements Controller {
  private final Controller inner;
  private final long every;
  private final int iterations;
  private final double eps, margin, threshold;
  private final Supplier<float[][]> scale;
  private double lambda = Double.NaN, cap = Double.POSITIVE_INFINITY;
  private long estimates;

  /**
   * A cap on plain λmax of the Hessian (no preconditioning).
   *
   * @param inner the controller whose rate is capped
   * @param every the steps between estimates, at least 1
   * @param iterations power iterations per estimate, at least 1
   * @param eps the finite-difference step of the Hessian-vector products, positive
   * @param margin the fraction of the bound used, in (0, 1]
   * @param threshold the bound on η·λmax, positive (2 for SGD)
   * @throws IllegalArgumentException if an argument is out of range
   */
  public StabilityCap(Controller inner, long every, int iterations, double eps, double margin, double threshold) {
    this(inner, every, iterations, eps, margin, threshold, null);
  }

  /**
   * A cap on λmax of the preconditioned Hessian D·H·D.
   *
   * @param inner the controller whose rate is capped
   * @param every the steps between estimates, at least 1
   * @param iterations power iterations per estimate, at least 1
   * @param eps the finite-difference step of the Hessian-vector products, positive
   * @param margin the fraction of the bound used, in (0, 1]
   * @param threshold the bound on η·λmax, positive
   * @param scale the diagonal D of the preconditioned Hessian D·H·D, read at each estimate (null:
   *     the identity, plain H; a null result skips the estimate)
   * @throws IllegalArgumentException if an argument is out of range
   */
  public StabilityCap(Controller inner, long every, int iterations, double eps, double margin, double threshold, Supplier<float[][]> scale) {
    if (inner == null) throw new IllegalArgumentException("inner controller (null) must be given");
    Schedules.checkSteps("every", every, 1);
    if (iterations < 1) throw new IllegalArgumentException("iterations (" + iterations + ") must be >= 1");
    Schedules.check("eps", eps);
    if (!(margin > 0 && margin <= 1)) throw new IllegalArgumentException("margin (" + margin + ") must be in (0, 1]");
    Schedules.check("threshold", threshold);
    this.inner = inner;
    this.every = every;
    this.iterations = iterations;
    this.eps = eps;
    this.margin = margin;
    this.threshold = threshold;
    this.scale = scale;
  }

  /**
   * SGD bound (threshold 2), every 100 steps, 10 iterations, ε 1e-3, margin 0.9.
   *
   * @param inner the controller whose rate is capped
   * @return the cap
   */
  public static StabilityCap sgd(Controller inner) {
    return new StabilityCap(inner, 100, 10, 1e-3, 0.9, 2);
  }

  /**
   * Adam's bound: threshold (2 + 2β₁)/(1 - β₁) on λmax(P⁻¹H), P = diag(√v̂ + ε) from {@code opt}'s
   * second moment (bias-corrected with β₂ and its step count); every 100 steps, 10 iterations,
   * finite-difference ε 1e-3, margin 0.9. No estimate before Adam's 100th step: the bound takes P
   * as frozen, and while v̂ averages few gradients it is neither frozen nor representative (at
   * step 1 it is g², and on the GPT the cap came out at 5e-5, 40× below the rate that trains).
   *
   * @param inner the controller whose rate is capped
   * @param opt the Adam-family optimizer whose second moment gives P
   * @param beta1 Adam's β₁, in [0, 1)
   * @param beta2 Adam's β₂, in [0, 1)
   * @param adamEps Adam's ε, positive
   * @return the cap
   * @throws IllegalArgumentException when {@code opt} keeps no Adam second moment
   */
  public static StabilityCap adam(Controller inner, Optimizer opt, double beta1, double beta2, double adamEps) {
    if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 (" + beta1 + ") must be in [0, 1)");
    if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 (" + beta2 + ") must be in [0, 1)");
    Schedules.check("adam eps", adamEps);
    adamScale(opt, beta2, adamEps, 0); // fails now, not at the first estimate, for an optimizer without one
    return new StabilityCap(inner, 100, 10, 1e-3, 0.9, (2 + 2 * beta1) / (1 - beta1), () -> adamScale(opt, beta2, adamEps, 100));
  }

  /**
   * Adam's defaults β₁ 0.9, β₂ 0.999, ε 1e-8 (threshold 38).
   *
   * @param inner the controller whose rate is capped
   * @param opt the Adam-family optimizer whose second moment gives P
   * @return the cap
   * @throws IllegalArgumentException when {@code opt} keeps no Adam second moment
   */
  public static StabilityCap adam(Controller inner, Optimizer opt) {
    return adam(inner, opt, 0.9, 0.999, 1e-8);
  }

  /**
   * D = P^(-1/2), P = diag(√v̂ + ε), v̂ = v/(1 - β₂ᵗ), from the "nu" slot of {@code opt}'s state;
   * null while Adam has taken fewer than {@code minSteps} steps.
   */
  static float[][] adamScale(Optimizer opt, double beta2, double adamEps, long minSteps) {
    if (opt == null) throw new IllegalArgumentException("optimizer (null) must be given");
    OptState st = opt.state().find("nu");
    if (st == null) throw new IllegalArgumentException("optimizer (" + opt.name() + ") keeps no Adam second moment ('nu') to precondition with");
    long t = st.count();
    if (t == 0 || t < minSteps) return null;
    double bc = 1 - Math.pow(beta2, t);
    float[][] nu = st.slot("nu");
    float[][] d = new float[nu.length][];
    for (int i = 0; i < nu.length; i++) {
      float[] v = nu[i];
      d[i] = new float[v.length];
      for (int j = 0; j < v.length; j++) d[i][j] = (float) (1 / Math.sqrt(Math.sqrt(v[j] / bc) + adamEps));
    }
    return d;
  }

  @Override
  public void attach(Rewinder rewinder) {
    inner.attach(rewinder);
  }

  @Override
  public Set<Need> needs() {
    EnumSet<Need> n = EnumSet.of(Need.ORACLE);
    n.addAll(inner.needs());
    return n;
  }

  @Override
  public double next(Signals s) {
    double lr = inner.next(s);
    if (s.oracle() != null && (s.step() - 1) % every == 0) {
      float[][] d = scale == null ? null : scale.get();
      if (scale == null || d != null) {
        lambda = Hessian.lambdaMax(s.oracle(), d, iterations, eps, 0x5eed + estimates++);
        cap = lambda > 0 ? margin * threshold / lambda : Double.POSITIVE_INFINITY;
      }
    }
    return Math.min(lr, cap);
  }

  /**
   * The last λmax estimate (NaN before the first).
   *
   * @return λmax, or NaN
   */
  public double lambdaMax() {
    return lambda;
  }

  /**
   * The current cap on η (∞ before the first estimate).
   *
   * @return the cap, or positive infinity
   */
  public double cap() {
    return cap;
  }

  @Override
  public Map<String, String> saveState() {
    Map<String, String> m = new LinkedHashMap<>(inner.saveState());
    m.put("stability.lambda", Double.toString(lambda));
    m.put("stability.cap", Double.toString(cap));
    m.put("stability.estimates", Long.toString(estimates));
    return m;
  }

  @Override
  public void loadState(Map<String, String> st, String source) {
    inner.loadState(st, source);
    lambda = Controller.read(st, "stability.lambda", source);
    cap = Controller.read(st, "stability.cap", source);
    estimates = (long) Controller.read(st, "stability.estimates", source);
  }
}
