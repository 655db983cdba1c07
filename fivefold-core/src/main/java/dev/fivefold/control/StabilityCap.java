package dev.fivefold.control;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Keeps another controller's learning rate below the edge of stability. Every {@code every}
 * steps it estimates λmax of the loss Hessian on the last batch ({@link Hessian#lambdaMax}) and
 * caps η ≤ margin·threshold/λmax.
 *
 * <p>Gradient descent on a quadratic diverges along the top eigenvector when η·λmax &gt; 2, so
 * threshold = 2 for plain SGD; heavy-ball momentum μ (PyTorch form) is stable up to η·λmax &lt;
 * 2 + 2μ (Cohen et al. 2021, "Gradient descent on neural networks typically occurs at the edge of
 * stability"). For Adam the bound applies to the preconditioned Hessian P⁻¹H, P = diag(√v̂ + ε):
 * η·λmax(P⁻¹H) &lt; (2 + 2β₁)/(1 - β₁) (Cohen et al. 2022) — this class measures H, not P⁻¹H, so
 * with Adam pass the threshold as a calibrated constant rather than rely on it. Defaults: every
 * 100 steps, 10 iterations, ε = 1e-3, margin 0.9. If λmax ≤ 0 or NaN no cap applies.
 */
public final class StabilityCap implements Controller {
  private final Controller inner;
  private final long every;
  private final int iterations;
  private final double eps, margin, threshold;
  private double lambda = Double.NaN, cap = Double.POSITIVE_INFINITY;
  private long estimates;

  public StabilityCap(Controller inner, long every, int iterations, double eps, double margin, double threshold) {
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
  }

  /** SGD bound (threshold 2), every 100 steps, 10 iterations, ε 1e-3, margin 0.9. */
  public static StabilityCap sgd(Controller inner) {
    return new StabilityCap(inner, 100, 10, 1e-3, 0.9, 2);
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
      lambda = Hessian.lambdaMax(s.oracle(), iterations, eps, 0x5eed + estimates++);
      cap = lambda > 0 ? margin * threshold / lambda : Double.POSITIVE_INFINITY;
    }
    return Math.min(lr, cap);
  }

  /** The last λmax estimate (NaN before the first). */
  public double lambdaMax() {
    return lambda;
  }

  /** The current cap on η (∞ before the first estimate). */
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
