package dev.fivefold.control;

/**
 * An open-loop learning-rate schedule: the rate as a function of the step about to be taken
 * (0-based) and of the run's progress in [0, 1] (the larger of steps done / planned steps and
 * seconds used / time budget, so a schedule also fits a run bounded by wall time). Checked when
 * built; see {@link Schedules}.
 */
@FunctionalInterface
public interface Schedule {
  /**
   * The rate for a step.
   *
   * @param step the step about to be taken, 0-based
   * @param progress the run's progress, in [0, 1]
   * @return the learning rate, finite and non-negative
   */
  double at(long step, double progress);
}
