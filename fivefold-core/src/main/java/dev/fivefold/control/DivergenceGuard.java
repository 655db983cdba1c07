package dev.fivefold.control;

import dev.fivefold.nn.Parameter;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.tensor.Tensor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Detects a diverging step and restores the last good state, for {@link dev.fivefold.train.Trainer#guard}.
 *
 * <p>A loss is bad when it is NaN or infinite, or a spike: above spikeFactor × median + spikeMargin,
 * the median of the last {@code window} accepted losses (checked once at least min(window, 10) are
 * known). The margin (in loss units) keeps ordinary batch noise from counting as a spike when the
 * loss is near zero.
 * Every {@code snapshotEvery} accepted steps the trainer takes a snapshot — a copy of the
 * parameters, the optimizer's state (its buffers and step count) and the controller's state. On a
 * bad loss the trainer restores it, multiplies the learning rate by {@code lrCut} for the rest of
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
  private Snapshot snap;

  /**
   * A copy of everything a rollback restores: the parameters, the optimizer's state (buffers and
   * step count; not its learning rate, which is the controller's and the guard's business) and the
   * controller's state. Also taken by {@link RangeTest} to undo its sweep.
   */
  public record Snapshot(long step, float[][] params, Map<String, Tensor> optState, Map<String, String> optMeta, Map<String, String> controller) {
    /** Copies {@code opt}'s parameters and state and {@code controller}'s state (null: none). */
    public static Snapshot take(long step, Optimizer opt, Controller controller) {
      List<Parameter> ps = opt.parameters();
      float[][] p = new float[ps.size()][];
      for (int i = 0; i < p.length; i++) p[i] = ps.get(i).value().data().clone();
      Map<String, Tensor> st = new HashMap<>();
      Map<String, String> meta = new HashMap<>();
      opt.saveState(st, meta);
      meta.remove("lr");
      return new Snapshot(step, p, st, meta, controller == null ? Map.of() : Map.copyOf(controller.saveState()));
    }

    /** Writes the copy back into {@code opt}'s parameters and state (gradients zeroed) and into {@code controller} (null: none). */
    public void restore(Optimizer opt, Controller controller) {
      List<Parameter> ps = opt.parameters();
      for (int i = 0; i < params.length; i++) System.arraycopy(params[i], 0, ps.get(i).value().data(), 0, params[i].length);
      opt.loadState(optState, optMeta, "snapshot of step " + step);
      opt.zeroGrad();
      if (controller != null) controller.loadState(this.controller, "snapshot of step " + step);
    }
  }

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

  public static DivergenceGuard defaults() {
    return new DivergenceGuard(4, 0.5, 50, 25, 0.5, 20);
  }

  /** Null when {@code loss} is acceptable, else the reason ("loss is NaN", "spike: 9.1 > 4 × median 2.1"). */
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

  /** Records an accepted loss. */
  public void accept(double loss) {
    recent[seen++ % window] = loss;
  }

  public boolean snapshotDue(long step) {
    return snap == null || step % snapshotEvery == 0;
  }

  public void snapshot(long step, Optimizer opt, Controller controller) {
    snap = Snapshot.take(step, opt, controller);
  }

  /**
   * Restores the snapshot into {@code opt}'s parameters and state and into {@code controller};
   * counts the rollback and returns the step to continue from.
   *
   * @throws IllegalStateException when no snapshot was taken
   */
  public long restore(Optimizer opt, Controller controller) {
    if (snap == null) throw new IllegalStateException("no snapshot to roll back to");
    snap.restore(opt, controller);
    rollbacks++;
    return snap.step;
  }

  public double lrCut() {
    return lrCut;
  }

  public int rollbacks() {
    return rollbacks;
  }

  public boolean exhausted() {
    return rollbacks >= maxRollbacks;
  }
}
