package dev.fivefold.control;

import dev.fivefold.optim.Optimizer;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A learning-rate range test (Smith 2017, "Cyclical Learning Rates for Training Neural
 * Networks", §3.3) at the start of training, then a closed-loop controller started from the rate it
 * picked. The test's steps are real training steps: they count in the run's budget.
 *
 * <p>For i &lt; n the rate grows geometrically, η_i = lo·(hi/lo)^(i/(n-1)); the loss is smoothed by
 * a bias-corrected EMA, L̄ ← 0.8·L̄ + 0.2·L (about five steps, short because the rate changes by
 * (hi/lo)^(1/(n-1)) per step). The sweep ends at the first of: n steps; a non-finite loss; L̄ &gt;
 * {@code stop}× its minimum (blow-up); a sustained rise, L̄ above its minimum for max(3, n/10)
 * consecutive steps.
 *
 * <p>Undoing the damage: the sweep's last rates are by design too high, and they leave the weights
 * and the optimizer's moments damaged (on a GPT under AdamW the loss never rose within the sweep,
 * yet the run never recovered). So the test takes a {@link DivergenceGuard.Snapshot} of the
 * parameters and the optimizer's state (moments and step count) before the sweep and restores it
 * bit for bit when the sweep ends: the controller starts from the initial state, and the sweep's
 * steps are spent (they stay in the budget). Restoring instead the state at the sweep's lowest
 * loss keeps its progress but not its safety: on the GPT of {@code fivefold controllers} that
 * state, reached at rates up to 2.8e-2, still trained worse (final loss 1.734 against 1.684).
 *
 * <p>Rule for the rate: η* = η_min / {@code divisor}, η_min the rate of the step at which L̄ was
 * lowest — "a factor below the rate with the lowest loss" (Smith 2017; fastai's lr_find), because
 * at η_min the loss has stopped falling and noise dominates. With it goes the smoothed update ratio
 * ‖Δθ‖/‖θ‖ measured at the last step whose rate was at or below η* (NaN when none), so an
 * update-ratio controller can hold what the chosen rate produces for this model and optimizer
 * instead of a folk constant.
 *
 * <p>After the hand-over the inner controller sees the run as if it had started there: step and
 * smoothed loss (bias-corrected EMA, β 0.98, as the trainer's) count from the hand-over, so its
 * warm-up, patience and averages are not polluted by the sweep; progress stays the run's.
 */
public final class RangeTest implements Controller {
  /** Builds the controller that runs after the test, from the chosen rate and its update ratio. */
  @FunctionalInterface
  public interface Handover {
    Controller start(double lr, double updateRatio);
  }

  private final double lo, hi, stop, divisor;
  private final long n, rise;
  private final Optimizer opt;
  private final Handover handover;
  private final Set<Need> needs;
  private final double[] ratioAt, lrAt, lossAt;
  private Controller inner;
  private DivergenceGuard.Snapshot before;
  private long start = -1, ended = -1, above;
  private double ema, weight, bestLoss = Double.POSITIVE_INFINITY, bestLr = Double.NaN, ratioEma = Double.NaN, chosen = Double.NaN,
      chosenRatio = Double.NaN, innerEma, innerWeight;

  /**
   * @param n steps of the test (≥ 2)
   * @param lo first rate, @param hi last rate (lo &lt; hi)
   * @param stop end the test once the smoothed loss exceeds stop × its minimum (&gt; 1)
   * @param divisor the rate handed over is the lowest-loss rate / divisor (≥ 1)
   * @param opt the optimizer being trained: its parameters and state are restored after the sweep
   */
  public RangeTest(long n, double lo, double hi, double stop, double divisor, Optimizer opt, Handover handover) {
    Schedules.checkSteps("range test steps", n, 2);
    Schedules.check("range test start rate", lo);
    if (!(hi > lo) || Double.isInfinite(hi)) throw new IllegalArgumentException("range test end rate (" + hi + ") must be finite and > " + lo);
    if (!(stop > 1) || Double.isInfinite(stop)) throw new IllegalArgumentException("stop factor (" + stop + ") must be finite and > 1");
    if (!(divisor >= 1) || Double.isInfinite(divisor)) throw new IllegalArgumentException("divisor (" + divisor + ") must be finite and >= 1");
    if (opt == null) throw new IllegalArgumentException("optimizer (null) must be given: the sweep is undone through it");
    if (handover == null) throw new IllegalArgumentException("handover (null) must be given");
    this.n = n;
    this.rise = Math.max(3, n / 10);
    this.lo = lo;
    this.hi = hi;
    this.stop = stop;
    this.divisor = divisor;
    this.opt = opt;
    this.handover = handover;
    this.ratioAt = new double[(int) n];
    this.lrAt = new double[(int) n];
    this.lossAt = new double[(int) n];
    EnumSet<Need> ns = EnumSet.of(Need.UPDATE_RATIO);
    ns.addAll(handover.start(lo, 1e-3).needs()); // the trainer asks once: include the controller's sensors
    this.needs = Collections.unmodifiableSet(ns);
  }

  /**
   * Defaults: 5% of the run (at least 20 steps), 1e-4 → 1e-1, stop at 1.5× the minimum, η* =
   * η_min-loss / 10.
   */
  public static RangeTest defaults(long runSteps, Optimizer opt, Handover handover) {
    return new RangeTest(Math.max(20, runSteps / 20), 1e-4, 1e-1, 1.5, 10, opt, handover);
  }

  private double rateAt(long i) {
    return lo * Math.pow(hi / lo, i / (double) (n - 1));
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

  /**
   * The sweep as measured: per sweep step, {rate, smoothed loss after it}; empty while testing
   * (and after a restore from saved state, which does not keep the curve).
   */
  public java.util.List<double[]> sweep() {
    java.util.List<double[]> c = new java.util.ArrayList<>();
    if (ended < 0 || start < 0) return c;
    for (int i = 0; i < ended - start && i < n; i++) if (lossAt[i] > 0) c.add(new double[] {lrAt[i], lossAt[i]});
    return c;
  }

  /** The controller running after the test (null while testing). */
  public Controller inner() {
    return inner;
  }

  /** The step whose state the run continued from after the sweep: the sweep's first (-1 while testing). */
  public long restoredTo() {
    return ended < 0 || before == null ? -1 : before.step();
  }

  @Override
  public double next(Signals s) {
    if (inner != null) return inner.next(rebased(s));
    if (start < 0) start = s.step();
    long i = s.step() - start;
    if (i == 0) {
      before = DivergenceGuard.Snapshot.take(s.step(), opt, null);
    } else {
      // signals of sweep step i-1, taken at rate lrAt[i-1]
      double l = s.loss();
      if (!Double.isFinite(l)) return handOver(s);
      ema = 0.8 * ema + 0.2 * l;
      weight = 0.8 * weight + 0.2;
      double sm = ema / weight;
      double r = s.updateRatio();
      if (r > 0 && Double.isFinite(r)) ratioEma = Double.isNaN(ratioEma) ? r : 0.8 * ratioEma + 0.2 * r;
      ratioAt[(int) i - 1] = ratioEma;
      lossAt[(int) i - 1] = sm;
      if (i >= 3 && sm < bestLoss) { // a few steps before the EMA means anything
        bestLoss = sm;
        bestLr = lrAt[(int) i - 1];
        above = 0;
      } else if (i >= 3) {
        above++;
      }
      if (i >= n || sm > stop * bestLoss || above >= rise) return handOver(s);
    }
    double lr = rateAt(i);
    lrAt[(int) i] = lr;
    return lr;
  }

  private double handOver(Signals s) {
    ended = s.step();
    if (before != null) before.restore(opt, null);
    chosen = Double.isNaN(bestLr) ? lo : bestLr / divisor;
    chosenRatio = Double.NaN;
    for (int i = 0; i < ended - start; i++) if (lrAt[i] <= chosen && ratioAt[i] > 0) chosenRatio = ratioAt[i];
    inner = handover.start(chosen, chosenRatio);
    // the last signals are of the sweep's state, undone: the inner controller starts with none
    return inner.next(Signals.start(0, s.progress(), opt.learningRate().get()));
  }

  /** The signals as if the run had started at the hand-over. */
  private Signals rebased(Signals s) {
    double sm = Double.NaN;
    if (Double.isFinite(s.loss())) {
      innerEma = 0.98 * innerEma + 0.02 * s.loss();
      innerWeight = 0.98 * innerWeight + 0.02;
      sm = innerEma / innerWeight;
    }
    return new Signals(s.step() - ended, s.progress(), s.loss(), sm, s.gradNorm(), s.updateRatio(), s.updateRatios(), s.lr(), s.oracle());
  }

  @Override
  public Map<String, String> saveState() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("range.start", Long.toString(start));
    m.put("range.ended", Long.toString(ended));
    m.put("range.above", Long.toString(above));
    m.put("range.chosen", Double.toString(chosen));
    m.put("range.chosenRatio", Double.toString(chosenRatio));
    m.put("range.ema", Double.toString(ema));
    m.put("range.weight", Double.toString(weight));
    m.put("range.bestLoss", Double.toString(bestLoss));
    m.put("range.bestLr", Double.toString(bestLr));
    m.put("range.ratioEma", Double.toString(ratioEma));
    m.put("range.innerEma", Double.toString(innerEma));
    m.put("range.innerWeight", Double.toString(innerWeight));
    if (inner != null) m.putAll(inner.saveState());
    return m;
  }

  /**
   * Restores {@link #saveState}. The pre-sweep snapshot lives in memory only: restoring a state
   * saved during the sweep continues the sweep and restores, at its end, the snapshot this
   * instance took (none in a fresh instance: then the sweep is not undone).
   */
  @Override
  public void loadState(Map<String, String> st, String source) {
    start = (long) Controller.read(st, "range.start", source);
    ended = (long) Controller.read(st, "range.ended", source);
    above = (long) Controller.read(st, "range.above", source);
    chosen = Controller.read(st, "range.chosen", source);
    chosenRatio = Controller.read(st, "range.chosenRatio", source);
    ema = Controller.read(st, "range.ema", source);
    weight = Controller.read(st, "range.weight", source);
    bestLoss = Controller.read(st, "range.bestLoss", source);
    bestLr = Controller.read(st, "range.bestLr", source);
    ratioEma = Controller.read(st, "range.ratioEma", source);
    innerEma = Controller.read(st, "range.innerEma", source);
    innerWeight = Controller.read(st, "range.innerWeight", source);
    inner = null;
    if (ended >= 0) {
      inner = handover.start(chosen, chosenRatio);
      inner.loadState(st, source);
    }
  }
}
