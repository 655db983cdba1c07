package dev.fivefold.control;

/**
 * An open-loop learning-rate schedule: the rate as a plain function of the step (0-based, the
 * step about to be taken). Checked when built; see {@link Schedules}.
 */
@FunctionalInterface
public interface Schedule {
  double at(long step);
}
