package dev.fivefold.control;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A learning-rate range test (Smith 2017, "Cyclical Learning Rates for Training Neural
 * Networks", §3.3) at the start of training, then a closed-loop controller started from the rate it
 * picked. The test's steps are real training steps: they count in the run's budget.
 *
 * <p>For t &lt; n the rate grows geometrically, η_t = lo·(hi/lo)^(t/(n-1)); the loss is smoothed by
 * a bias-corrected EMA (β = 0.9, about ten steps, not the trainer's slower β 0.98). The test stops
 * early once the smoothed loss exceeds {@code stop}× its minimum (the loss is blowing up). The rate
 * handed over is η* = η_min-loss / {@code divisor}, the customary "a factor below the rate with the
 * lowest loss", together with the smoothed update ratio ‖Δθ‖/‖θ‖ measured at the step whose rate
 * was closest below η* (NaN when none was measured), so an update-ratio controller can hold what
 * the chosen rate produces for this model and optimizer instead of a folk constant.
 */
public final class RangeTest implements Controller {
  /** Builds the controller that runs after the test, from the chosen rate and its update ratio. */
  @FunctionalInterface
  public interface Handover {
    Controller start(double lr, double updateRatio);
  }

  private final double lo, hi, stop, divisor;
  private final long n;
  private final Handover handover;
  private Controller inner;
  private double ema, weight, bestLoss = Double.POSITIVE_INFINITY, bestLr = Double.NaN, ratioEma = Double.NaN, chosen = Double.NaN,
      chosenRatio = Double.NaN, prevLr = Double.NaN;
  private final double[] ratioAt;
  private final double[] lrAt;
  private long ended = -1;
  private final Set<Need> needs;

  /**
   * @param n steps of the test (≥ 2)
   * @param lo first rate, @param hi last rate (lo &lt; hi)
   * @param stop end the test once the smoothed loss exceeds stop × its minimum (&gt; 1)
   * @param divisor the rate handed over is the lowest-loss rate / divisor (≥ 1)
   */
  public RangeTest(long n, double lo, double hi, double stop, double divisor, Handover handover) {
    Schedules.checkSteps("range test steps", n, 2);
    Schedules.check("range test start rate", lo);
    if (!(hi > lo) || Double.isInfinite(hi)) throw new IllegalArgumentException("range test end rate (" + hi + ") must be finite and > " + lo);
    if (!(stop > 1) || Double.isInfinite(stop)) throw new IllegalArgumentException("stop factor (" + stop + ") must be finite and > 1");
    if (!(divisor >= 1) || Double.isInfinite(divisor)) throw new IllegalArgumentException("divisor (" + divisor + ") must be finite and >= 1");
    if (handover == null) throw new IllegalArgumentException("handover (null) must be given");
    this.n = n;
    this.lo = lo;
    this.hi = hi;
    this.stop = stop;
    this.divisor = divisor;
    this.handover = handover;
    this.ratioAt = new double[(int) n];
    this.lrAt = new double[(int) n];
    java.util.EnumSet<Need> ns = java.util.EnumSet.of(Need.UPDATE_RATIO);
    ns.addAll(handover.start(lo, 1e-3).needs()); // the trainer asks once: include the controller's sensors
    this.needs = java.util.Collections.unmodifiableSet(ns);
  }

  /**
   * Defaults: 5% of the run (at least 20 steps), 1e-4 → 1e-1, stop at 1.5× the minimum, η* =
   * η_min-loss / 10. The range is narrow because its steps train the real model: rates far above
   * the useful ones damage the weights and the optimizer's moments the controller inherits.
   */
  public static RangeTest defaults(long runSteps, Handover handover) {
    return new RangeTest(Math.max(20, runSteps / 20), 1e-4, 1e-1, 1.5, 10, handover);
  }

  private double rateAt(long t) {
    return lo * Math.pow(hi / lo, t / (double) (n - 1));
  }

  @Override
  public Set<Need> needs() {
    return needs;
  }

  /** The rate handed over (NaN while testing). */
  public double chosenRate() {
    return chosen;
  }

  /** The update ratio measured at the chosen rate (NaN while testing or when not measured). */
  public double chosenUpdateRatio() {
    return chosenRatio;
  }

  /** The step at which the test ended (-1 while testing). */
  public long endedAt() {
    return ended;
  }

  @Override
  public double next(Signals s) {
    if (inner != null) return inner.next(s);
    long t = s.step();
    if (t > 0) {
      // signals of step t-1, taken at rate lrAt[t-1]
      double l = s.loss();
      if (Double.isFinite(l)) {
        ema = 0.8 * ema + 0.2 * l;
        weight = 0.8 * weight + 0.2;
        double sm = ema / weight;
        if (t >= 3 && sm < bestLoss) { // a few steps before the EMA means anything
          bestLoss = sm;
          bestLr = lrAt[(int) t - 1];
        }
        double r = s.updateRatio();
        if (r > 0 && Double.isFinite(r)) ratioEma = Double.isNaN(ratioEma) ? r : 0.8 * ratioEma + 0.2 * r;
        ratioAt[(int) t - 1] = ratioEma;
        if (t >= n || sm > stop * bestLoss) return handOver(s, t);
      } else {
        return handOver(s, t);
      }
    }
    double lr = rateAt(t);
    lrAt[(int) t] = lr;
    return lr;
  }

  private double handOver(Signals s, long t) {
    ended = t;
    chosen = Double.isNaN(bestLr) ? lo : bestLr / divisor;
    chosenRatio = Double.NaN;
    for (int i = 0; i < t; i++) if (lrAt[i] <= chosen && ratioAt[i] > 0) chosenRatio = ratioAt[i];
    inner = handover.start(chosen, chosenRatio);
    return inner.next(s);
  }

  @Override
  public Map<String, String> saveState() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("range.ended", Long.toString(ended));
    m.put("range.chosen", Double.toString(chosen));
    m.put("range.chosenRatio", Double.toString(chosenRatio));
    m.put("range.ema", Double.toString(ema));
    m.put("range.weight", Double.toString(weight));
    m.put("range.bestLoss", Double.toString(bestLoss));
    m.put("range.bestLr", Double.toString(bestLr));
    m.put("range.ratioEma", Double.toString(ratioEma));
    if (inner != null) m.putAll(inner.saveState());
    return m;
  }

  @Override
  public void loadState(Map<String, String> st, String source) {
    ended = (long) Controller.read(st, "range.ended", source);
    chosen = Controller.read(st, "range.chosen", source);
    chosenRatio = Controller.read(st, "range.chosenRatio", source);
    ema = Controller.read(st, "range.ema", source);
    weight = Controller.read(st, "range.weight", source);
    bestLoss = Controller.read(st, "range.bestLoss", source);
    bestLr = Controller.read(st, "range.bestLr", source);
    ratioEma = Controller.read(st, "range.ratioEma", source);
    inner = null;
    if (ended >= 0) {
      inner = handover.start(chosen, chosenRatio);
      inner.loadState(st, source);
    }
  }
}
