package dev.fivefold.control;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A learning-rate range finder: the range test of Smith 2017 ("Cyclical Learning Rates for
 * Training Neural Networks", §3.3) at the start of training, then a closed-loop controller started from the rate it
 * picked. The test's steps are real training steps: they count in the run's budget.
 *
 * <p>For i &lt; n the rate grows geometrically, η_i = lo·(hi/lo)^(i/(n-1)); the loss is smoothed by
 * a bias-corrected EMA, L̄ ← 0.8·L̄ + 0.2·L (about five steps, short because the rate changes by
 * (hi/lo)^(1/(n-1)) per step). The sweep ends at the first of: n steps; a non-finite loss; L̄ &gt;
 * {@code stop}× its minimum (blow-up); a sustained rise, L̄ above its minimum for max(3, n/10)
 * consecutive steps; for {@link Pick#STEEPEST}, also the end of the fall (below).
 *
 * <p>Rule for the rate ({@link Pick}): η* = η_pick / {@code divisor}, where η_pick is either
 * <ul>
 *   <li>{@link Pick#STEEPEST} (the default): the rate at which L̄ fell fastest against log η — the
 *       least-squares slope of L̄_{i-2..i+2} on log η_{i-2..i+2} (five sweep steps; log η is linear
 *       in i, so the slope is ∝ (2L̄_{i+2} + L̄_{i+1} − L̄_{i-1} − 2L̄_{i-2})), most negative over i
 *       (fastai's "steep" suggestion). On a real network the loss against log η is flat, then falls
 *       steeply, then levels off and blows up; the steep part is where the rate moves the loss most,
 *       and it sits well below the blow-up (on the MLP and the GPT of {@code fivefold controllers}
 *       it lands at 3e-3 and 6e-3, beside the best peak rates of their grid searches);</li>
 *   <li>{@link Pick#LOWEST}: the rate of the lowest L̄ — "a factor below the rate with the lowest
 *       loss" (Smith 2017), with divisor 10, because there the loss has stopped falling. The
 *       lowest point sits where a noisy curve is flat, so it wanders: on the MLP between 8.6e-3 and
 *       4.6e-2 across seeds.</li>
 * </ul>
 * With η* goes the smoothed update ratio ‖Δθ‖/‖θ‖ measured at the last step whose rate was at or
 * below η* (NaN when none), so an update-ratio controller can hold what the chosen rate produces
 * for this model and optimizer instead of a folk constant.
 *
 * <p>Undoing the damage, keeping the warm-up: the sweep's last rates are by design too high, and
 * they leave the weights and the optimizer's moments damaged (on a GPT under AdamW the loss never
 * rose within the sweep, yet the run never recovered). The first steps, though, ran at rates at or
 * below η*: they are a geometric warm-up to η*, and their progress is safe to keep. So the finder
 * asks the loop ({@link Rewinder#keep}) to keep a copy of the parameters and the optimizer's state
 * (moments and step count) every ⌈n/32⌉ sweep steps (at most 32 copies, dropped at the
 * hand-over) and, when the sweep ends, to rewind ({@link Rewinder#rewind}) bit for bit to the
 * latest one taken after steps all at rates ≤ η* (the one before the sweep when none). The trainer
 * carries the requests out and checkpoints the copies, so a run resumed mid-sweep hands over
 * exactly as an uninterrupted one; a finder not {@link #attach}ed to a loop only decides
 * ({@link #restoredTo}). The steps after it are spent: they stay in the budget.
 * Restoring instead the state at the sweep's lowest loss keeps more progress but not its safety:
 * on the GPT of {@code fivefold controllers} that state, reached at rates up to 2.8e-2, trained
 * worse (final loss 1.734 against 1.684 from the state before the sweep).
 *
 * <p>After the hand-over the inner controller sees the run as if it had started there: step and
 * smoothed loss (bias-corrected EMA, β 0.98, as the trainer's) count from the hand-over, so its
 * warm-up, patience and averages are not polluted by the sweep; progress stays the run's.
 */
public final class LrRangeFinder implements Controller {
  /** Which point of the sweep names the rate. */
  public enum Pick {
    /** The steepest descent of the smoothed loss against log η. */
    STEEPEST,
    /** The lowest smoothed loss. */
    LOWEST
  }

  /** At most this many snapshots (the first before the sweep) are kept during the sweep. */
  static final int SNAPSHOTS = 32;

  /** Builds the controller that runs after the test, from the chosen rate and its update ratio. */
  @FunctionalInterface
  public interface Handover {
    /**
     * Builds the controller for the rest of the run.
     *
     * @param lr the chosen rate (the picked rate over the divisor)
     * @param updateRatio the smoothed update-to-weight ratio at the chosen rate (NaN if not measured)
     * @return the controller
     */
    Controller start(double lr, double updateRatio);
  }

  private final double lo, hi, stop, divisor;
  private final long n, rise, every;
  private final Pick pick;
  private final Handover handover;
  private final Set<Need> needs;
  private final double[] ratioAt, lrAt, lossAt;
  private Controller inner;
  private final java.util.List<Long> kept = new ArrayList<>(); // steps whose state the loop keeps
  private Rewinder rewinder;
  private long restored = -1;
  private int measured, steepAt = -1;
  private double steepSlope = Double.POSITIVE_INFINITY;
  private long start = -1, ended = -1, above;
  private double ema, weight, bestLoss = Double.POSITIVE_INFINITY, bestLr = Double.NaN, ratioEma = Double.NaN, chosen = Double.NaN,
      chosenRatio = Double.NaN, innerEma, innerWeight;

  /**
   * A range test of {@code n} steps from {@code lo} to {@code hi}, geometric, then a handover.
   *
   * @param n steps of the test (≥ 2)
   * @param lo first rate, positive
   * @param hi last rate (lo &lt; hi)
   * @param stop end the test once the smoothed loss exceeds stop × its minimum (&gt; 1)
   * @param pick which point of the sweep names the rate
   * @param divisor the rate handed over is the picked rate / divisor (≥ 1)
   * @param handover builds the controller that runs after the test
   * @throws IllegalArgumentException if an argument is out of range or null
   */
  public LrRangeFinder(long n, double lo, double hi, double stop, Pick pick, double divisor, Handover handover) {
    Schedules.checkSteps("range test steps", n, 2);
    Schedules.check("range test start rate", lo);
    if (!(hi > lo) || Double.isInfinite(hi)) throw new IllegalArgumentException("range test end rate (" + hi + ") must be finite and > " + lo);
    if (!(stop > 1) || Double.isInfinite(stop)) throw new IllegalArgumentException("stop factor (" + stop + ") must be finite and > 1");
    if (!(divisor >= 1) || Double.isInfinite(divisor)) throw new IllegalArgumentException("divisor (" + divisor + ") must be finite and >= 1");
    if (pick == null) throw new IllegalArgumentException("pick (null) must be STEEPEST or LOWEST");
    if (handover == null) throw new IllegalArgumentException("handover (null) must be given");
    this.n = n;
    this.rise = Math.max(3, n / 10);
    this.every = (n + SNAPSHOTS - 1) / SNAPSHOTS;
    this.pick = pick;
    this.lo = lo;
    this.hi = hi;
    this.stop = stop;
    this.divisor = divisor;
    this.handover = handover;
    this.ratioAt = new double[(int) n];
    this.lrAt = new double[(int) n];
    this.lossAt = new double[(int) n];
    EnumSet<Need> ns = EnumSet.of(Need.UPDATE_RATIO);
    ns.addAll(handover.start(lo, 1e-3).needs()); // the trainer asks once: include the controller's sensors
    this.needs = Collections.unmodifiableSet(ns);
  }

  /**
   * Defaults: 5% of the run (at least 20 steps), 1e-4 → 1e-1, stop at 1.5× the minimum, η* = the
   * steepest-descent rate.
   *
   * @param runSteps the planned steps of the whole run
   * @param handover builds the controller that runs after the test
   * @return the finder
   */
  public static LrRangeFinder defaults(long runSteps, Handover handover) {
    return new LrRangeFinder(Math.max(20, runSteps / 20), 1e-4, 1e-1, 1.5, Pick.STEEPEST, 1, handover);
  }

  /** The prefix of the tags of the copies this finder asks the loop to keep. */
  public static final String TAG = "range.";

  @Override
  public void attach(Rewinder rewinder) {
    this.rewinder = rewinder;
    if (inner != null) inner.attach(rewinder);
  }

  private double rateAt(long i) {
    return lo * Math.pow(hi / lo, i / (double) (n - 1));
  }

  @Override
  public Set<Need> needs() {
    return needs;
  }

  /**
   * The rate handed over (NaN while testing).
   *
   * @return the rate, or NaN
   */
  public double chosenRate() {
    return chosen;
  }

  /**
   * The update ratio measured at the chosen rate (NaN while testing or when not measured).
   *
   * @return the ratio, or NaN
   */
  public double chosenUpdateRatio() {
    return chosenRatio;
  }

  /**
   * The step at which the test ended (-1 while testing).
   *
   * @return the step, or -1
   */
  public long endedAt() {
    return ended;
  }

  /**
   * The sweep as measured so far: per sweep step, {rate, smoothed loss after it} (kept in
   * {@link #saveState}, so a resumed run draws the whole curve).
   *
   * @return (rate, smoothed loss) pairs
   */
  public java.util.List<double[]> sweep() {
    java.util.List<double[]> c = new java.util.ArrayList<>();
    for (int i = 0; i < measured; i++) c.add(new double[] {lrAt[i], lossAt[i]});
    return c;
  }

  /**
   * The controller running after the test (null while testing).
   *
   * @return the inner controller, or null
   */
  public Controller inner() {
    return inner;
  }

  /**
   * The step whose state the run continued from after the sweep (-1 while testing or when none was restored).
   *
   * @return the step, or -1
   */
  public long restoredTo() {
    return restored;
  }

  @Override
  public double next(Signals s) {
    if (inner != null) return inner.next(rebased(s));
    if (start < 0) start = s.step();
    long i = s.step() - start;
    if (i > 0) {
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
      measured = (int) i;
      if (i >= 3 && sm < bestLoss) { // a few steps before the EMA means anything
        bestLoss = sm;
        bestLr = lrAt[(int) i - 1];
        above = 0;
      } else if (i >= 3) {
        above++;
      }
      trackSteepest((int) i);
      if (i >= n || sm > stop * bestLoss || above >= rise || pastTheFall((int) i)) return handOver(s);
    }
    if (i % every == 0) {
      kept.add(s.step());
      if (rewinder != null) rewinder.keep(TAG + s.step());
    }
    double lr = rateAt(i);
    lrAt[(int) i] = lr;
    return lr;
  }

  private double handOver(Signals s) {
    ended = s.step();
    int done = (int) (ended - start); // sweep steps taken; lossAt[0..done-1] hold finite values except perhaps the last
    chosen = (pick == Pick.STEEPEST ? steepest() : Double.isNaN(bestLr) ? lo : bestLr) / divisor;
    chosenRatio = Double.NaN;
    for (int i = 0; i < done; i++) if (lrAt[i] <= chosen && ratioAt[i] > 0) chosenRatio = ratioAt[i];
    long keep = -1;
    for (long at : kept) { // the copy kept at step `at` holds the state after sweep steps 0..k-1, at rates lrAt[0..k-1]
      int k = (int) (at - start);
      if (k == 0 || lrAt[k - 1] <= chosen) keep = at;
    }
    if (keep >= 0) {
      if (rewinder != null) rewinder.rewind(TAG + keep);
      restored = keep;
    }
    if (rewinder != null) rewinder.forget(TAG);
    kept.clear();
    inner = handover.start(chosen, chosenRatio);
    if (rewinder != null) inner.attach(rewinder);
    // the last signals are of the sweep's state, undone: the inner controller starts with none
    return inner.next(Signals.start(0, s.progress(), s.lr()));
  }

  /** Five-point least-squares slope of L̄ at sweep index c, in units of L̄ per 10 sweep steps. */
  private double slopeAt(int c) {
    return 2 * lossAt[c + 2] + lossAt[c + 1] - lossAt[c - 1] - 2 * lossAt[c - 2];
  }

  /**
   * For {@link Pick#STEEPEST} the sweep need not reach the floor: it ends once the fall is over,
   * when L̄ has dropped by 10% of its first value, the steepest window lies three or more steps
   * back, and the latest window's slope is less than half the steepest. {@code i} sweep steps are done.
   */
  private boolean pastTheFall(int i) {
    if (pick != Pick.STEEPEST) return false;
    int c = i - 3; // the latest complete window is lossAt[c-2..c+2] = lossAt[i-5..i-1]
    if (c < 4 || !(lossAt[i - 1] <= 0.9 * lossAt[0])) return false;
    return steepSlope < 0 && c >= steepAt + 3 && slopeAt(c) > steepSlope / 2;
  }

  /**
   * Keeps the steepest window so far: argmin over c of the five-point least-squares slope of L̄ on
   * the sweep index (∝ the slope on log η), among windows c ≥ 4 complete after {@code i} sweep steps.
   */
  private void trackSteepest(int i) {
    int c = i - 3;
    if (c < 4) return;
    double sl = slopeAt(c);
    if (sl < steepSlope) {
      steepSlope = sl;
      steepAt = c;
    }
  }

  /** The rate of steepest descent (see {@link #trackSteepest}); the first rate when the sweep was too short for one window. */
  private double steepest() {
    return steepAt < 0 ? lo : lrAt[steepAt];
  }

  /** The signals as if the run had started at the hand-over. */
  private Signals rebased(Signals s) {
    double sm = Double.NaN;
    if (Double.isFinite(s.loss())) {
      innerEma = 0.98 * innerEma + 0.02 * s.loss();
      innerWeight = 0.98 * innerWeight + 0.02;
      sm = innerEma / innerWeight;
    }
    return new Signals(s.step() - ended, s.progress(), s.loss(), sm, s.gradNorm(), s.updateRatio(), s.updateRatios(), s.lr(), s.oracle(), s.gradDot());
  }

  @Override
  public Map<String, String> saveState() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("range.start", Long.toString(start));
    m.put("range.ended", Long.toString(ended));
    m.put("range.restored", Long.toString(restored));
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
    m.put("range.measured", Integer.toString(measured));
    m.put("range.steepAt", Integer.toString(steepAt));
    m.put("range.steepSlope", Double.toString(steepSlope));
    int curve = Math.min((int) n, measured + 1); // lrAt is set one step ahead of the losses
    m.put("range.lrAt", join(lrAt, curve));
    m.put("range.lossAt", join(lossAt, curve));
    m.put("range.ratioAt", join(ratioAt, curve));
    StringBuilder k = new StringBuilder();
    for (long at : kept) k.append(k.isEmpty() ? "" : ",").append(at);
    m.put("range.kept", k.toString());
    if (inner != null) m.putAll(inner.saveState());
    return m;
  }

  private static String join(double[] a, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) b.append(i == 0 ? "" : ",").append(a[i]);
    return b.toString();
  }

  private static void split(Map<String, String> st, String key, double[] into, String source) {
    String v = st.get(key);
    if (v == null || v.isEmpty()) return;
    String[] p = v.split(",");
    if (p.length > into.length) throw new IllegalArgumentException(source + ": controller state '" + key + "' has " + p.length + " values, expected at most " + into.length);
    for (int i = 0; i < p.length; i++) into[i] = Controller.read(Map.of(key, p[i]), key, source);
  }

  /**
   * Restores {@link #saveState}: the sweep so far (its curve, its smoothing, the steps whose copies
   * the loop keeps) or the hand-over and the inner controller. The copies themselves are the
   * loop's: a trainer restores them from the same checkpoint, so a sweep resumed mid-way rewinds
   * exactly as an uninterrupted one.
   */
  @Override
  public void loadState(Map<String, String> st, String source) {
    start = (long) Controller.read(st, "range.start", source);
    ended = (long) Controller.read(st, "range.ended", source);
    restored = (long) Controller.read(st, "range.restored", source);
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
    if (st.containsKey("range.measured")) {
      measured = (int) Controller.read(st, "range.measured", source);
      steepAt = (int) Controller.read(st, "range.steepAt", source);
      steepSlope = Controller.read(st, "range.steepSlope", source);
      split(st, "range.lrAt", lrAt, source);
      split(st, "range.lossAt", lossAt, source);
      split(st, "range.ratioAt", ratioAt, source);
      kept.clear();
      for (String at : st.getOrDefault("range.kept", "").split(",")) if (!at.isEmpty()) kept.add((long) Controller.read(Map.of("range.kept", at), "range.kept", source));
    }
    inner = null;
    if (ended >= 0) {
      inner = handover.start(chosen, chosenRatio);
      if (rewinder != null) inner.attach(rewinder);
      inner.loadState(st, source);
    }
  }
}
