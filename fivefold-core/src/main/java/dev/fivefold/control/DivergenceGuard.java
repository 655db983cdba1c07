package dev.fivefold.control;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Detects a diverging step and decides when to snapshot and how to cut the rate, for
 * {@link dev.fivefold.train.Trainer#guard}, which takes the snapshots and rolls back.
 *
 * <p>A loss is bad when it is NaN or infinite, or a spike: above spikeFactor × median + spikeMargin,
 * the median of the last {@code window} accepted losses (checked once at least min(window, 10) are
 * known). The margin (in loss units) keeps ordinary batch noise from counting as a spike when the
 * loss is near zero.
 * The guard decides; the trainer acts: at the start and every {@code snapshotEvery} steps
 * ({@link #snapshotDue}) the trainer keeps a snapshot — a {@link dev.fivefold.train.TrainState}
 * of the parameters, the optimizer's state (its buffers and step count) and the controller's
 * state. On a bad loss the trainer restores it, multiplies the learning rate by {@code lrCut} for the rest of
 * the run, tells its observers ({@code onRollback}; never silent) and continues with the next
 * batch. After {@code maxRollbacks} rollbacks it gives up with a DivergenceException.
 * Defaults: spike ×4 + 0.5 over a window of 50, snapshot every 25 steps, cut ×0.5, at most 20 rollbacks.
 */
public final class DivergenceGuard {
  private final double spikeFactor, spikeMargin, lrCut;
  private final int window, maxRollbacks;
  private final long snapshotEvery;
  private final double[] recent;
  private int seen, rollbacks;

  /**
   * A guard; see the class comment for what each setting does.
   *
   * @param spikeFactor a loss above spikeFactor × median + spikeMargin is a spike; above 1
   * @param spikeMargin the additive margin, in loss units; finite and non-negative
   * @param window the number of recent accepted losses whose median is taken, at least 1
   * @param snapshotEvery the steps between snapshots, at least 1
   * @param lrCut the learning-rate factor applied at each rollback, in (0, 1)
   * @param maxRollbacks the rollbacks allowed before giving up, at least 1
   * @throws IllegalArgumentException if an argument is out of range
   */
  public DivergenceGuard(double spikeFactor, double spikeMargin, int window, long snapshotEvery, double lrCut, int maxRollbacks) {
    if (!(spikeFactor > 1)) throw new IllegalArgumentException("spike factor (" + spikeFactor + ") must be > 1");
    if (!(spikeMargin >= 0) || Double.isInfinite(spikeMargin)) throw new IllegalArgumentException("spike margin (" + spikeMargin + ") must be finite and >= 0");
    if (window < 1) throw new IllegalArgumentException("window (" + window + ") must be >= 1");
    Schedules.checkSteps("snapshot every", snapshotEvery, 1);
    if (!(lrCut > 0 && lrCut < 1)) throw new IllegalArgumentException("learning-rate cut (" + lrCut + ") must be in (0, 1)");
    if (maxRollbacks < 1) throw new IllegalArgumentException("max rollbacks (" + maxRollbacks + ") must be >= 1");
    this.spikeFactor = spikeFactor;
    this.spikeMargin = spikeMargin;
    this.window = window;
    this.snapshotEvery = snapshotEvery;
    this.lrCut = lrCut;
    this.maxRollbacks = maxRollbacks;
    this.recent = new double[window];
  }

  /**
   * {@return the default guard: spike ×4 + 0.5 over a window of 50, snapshot every 25 steps, cut ×0.5, at
   * most 20 rollbacks}
   */
  public static DivergenceGuard defaults() {
    return new DivergenceGuard(4, 0.5, 50, 25, 0.5, 20);
  }

  /**
   * Null when {@code loss} is acceptable, else the reason ("loss is NaN", "spike: 9.1 > 4 × median 2.1").
   *
   * @param loss the step's loss
   * @return null, or why the loss is bad
   */
  public String check(double loss) {
    if (!Double.isFinite(loss)) return "loss is " + loss;
    int n = Math.min(seen, window);
    if (n >= Math.min(window, 10)) {
      double[] w = Arrays.copyOf(recent, n);
      Arrays.sort(w);
      double med = n % 2 == 1 ? w[n / 2] : 0.5 * (w[n / 2 - 1] + w[n / 2]);
      if (loss > spikeFactor * med + spikeMargin) {
        return String.format("spike: loss %.4g > %.3g × median %.4g + %.3g of the last %d", loss, spikeFactor, med, spikeMargin, n);
      }
    }
    return null;
  }

  /**
   * Records an accepted loss.
   *
   * @param loss the loss
   */
  public void accept(double loss) {
    recent[seen++ % window] = loss;
  }

  /**
   * Whether the trainer should take a snapshot before step {@code step} (it also takes one when it has none).
   *
   * @param step the 0-based step about to be taken
   * @return true if a snapshot is due
   */
  public boolean snapshotDue(long step) {
    return step % snapshotEvery == 0;
  }

  /** Counts a rollback the trainer carried out. */
  public void rolledBack() {
    rollbacks++;
  }

  /** {@return the learning-rate factor applied at each rollback} */
  public double lrCut() {
    return lrCut;
  }

  /** {@return the rollbacks so far} */
  public int rollbacks() {
    return rollbacks;
  }

  /** {@return whether the rollbacks allowed are used up} */
  public boolean exhausted() {
    return rollbacks >= maxRollbacks;
  }

  /**
   * The window of accepted losses and the rollback count, as strings (keys "guard.…").
   *
   * @return the state as strings by key
   */
  public Map<String, String> saveState() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("guard.seen", Integer.toString(seen));
    m.put("guard.rollbacks", Integer.toString(rollbacks));
    StringBuilder r = new StringBuilder();
    for (int i = 0; i < window; i++) r.append(i == 0 ? "" : ",").append(recent[i]);
    m.put("guard.recent", r.toString());
    return m;
  }

  /**
   * Restores {@link #saveState}; without "guard.seen" (a checkpoint of a run without a guard) the guard stays fresh.
   *
   * @param st the saved state
   * @param source names the state in messages
   * @throws IllegalArgumentException if a field is missing or does not parse
   */
  public void loadState(Map<String, String> st, String source) {
    if (!st.containsKey("guard.seen")) return;
    seen = (int) Controller.read(st, "guard.seen", source);
    rollbacks = (int) Controller.read(st, "guard.rollbacks", source);
    String[] r = st.getOrDefault("guard.recent", "").split(",");
    if (r.length != window) throw new IllegalArgumentException(source + ": guard state 'guard.recent' has " + r.length + " values, expected " + window);
    for (int i = 0; i < window; i++) recent[i] = Controller.read(Map.of("guard.recent", r[i]), "guard.recent", source);
  }
}
