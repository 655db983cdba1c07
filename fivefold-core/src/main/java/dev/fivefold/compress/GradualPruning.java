package dev.fivefold.compress;

import dev.fivefold.optim.Optimizer;
import dev.fivefold.train.TrainObserver;

/**
 * Iterative prune-and-retrain (Han et al. 2015 §3.3; in the gradual form of Zhu &amp; Gupta 2017):
 * training proceeds, and at every step t where {@link SparsitySchedule#updateAt} holds the
 * {@link Pruner} re-ranks the weights to sparsity s_t; between updates the masks are re-applied
 * after each optimizer step so pruned weights stay exactly 0.
 *
 * <p>Use either as a {@link TrainObserver} ({@code trainer.observe(gradual)}; Trainer calls
 * {@code onStep} after each optimizer step with the 1-based step count), or by hand with
 * {@link #step(Optimizer)} after backward.
 */
public final class GradualPruning implements TrainObserver {
  private final Pruner pruner;
  private final SparsitySchedule schedule;
  private final Masks masks;

  /**
   * Pruning driven by {@code schedule}; prepares the pruner's masks if it has none, and prunes to the initial
   * sparsity at once when the schedule begins at step 0.
   *
   * @param pruner the pruner
   * @param schedule the sparsity schedule
   */
  public GradualPruning(Pruner pruner, SparsitySchedule schedule) {
    this.pruner = pruner;
    this.schedule = schedule;
    this.masks = pruner.masks() != null ? pruner.masks() : pruner.prepare();
    if (schedule.begin() == 0 && schedule.initial() > 0) pruner.step(schedule.initial());
  }

  /**
   * The pruner's masks, updated in place.
   *
   * @return the masks
   */
  public Masks masks() {
    return masks;
  }

  /**
   * After optimizer step number {@code step} (1-based): prune when scheduled, else re-apply.
   *
   * @param step the optimizer's step count, 1-based
   */
  public void after(long step) {
    if (schedule.updateAt(step)) pruner.step(schedule.at(step));
    else masks.apply();
  }

  /**
   * Masked gradients, {@code opt.step()}, then {@link #after}(t) with t the optimizer's step count.
   *
   * @param opt the optimizer over the pruned parameters
   */
  public void step(Optimizer opt) {
    masks.maskGradients();
    opt.step();
    after(opt.steps());
  }

  @Override
  public void onStep(Step s) {
    after(s.step());
  }
}
