package dev.fivefold.compress;

/**
 * Gradual pruning's polynomial sparsity ramp (Zhu &amp; Gupta, "To prune, or not to prune", 2017,
 * eq. 1): for step t in [begin, begin + n],
 * s_t = s_f + (s_i − s_f)·(1 − (t − begin)/n)³; s_i before begin and s_f after. Masks are updated
 * every {@code frequency} steps ({@link #updateAt}). The scheduler drives a {@link Pruner} as a
 * learning-rate scheduler drives an optimizer.
 *
 * @param initial s_i in [0, 1]
 * @param target s_f in [0, 1]
 * @param begin first pruning step (≥ 0)
 * @param steps n, the ramp length (≥ 1)
 * @param frequency steps between mask updates (≥ 1)
 */
public record SparsitySchedule(double initial, double target, long begin, long steps, long frequency) {
  /**
   * Checks the ranges.
   *
   * @throws IllegalArgumentException if a sparsity is outside [0, 1], {@code begin} &lt; 0, or {@code steps}
   *     or {@code frequency} &lt; 1
   */
  public SparsitySchedule {
    Pruner.checkSparsity(initial);
    Pruner.checkSparsity(target);
    if (begin < 0) throw new IllegalArgumentException("begin (" + begin + ") must be >= 0");
    if (steps < 1) throw new IllegalArgumentException("steps (" + steps + ") must be >= 1");
    if (frequency < 1) throw new IllegalArgumentException("frequency (" + frequency + ") must be >= 1");
  }

  /**
   * The target sparsity at step t.
   *
   * @param t the step
   * @return s_t, in [0, 1]
   */
  public double at(long t) {
    if (t <= begin) return initial;
    if (t >= begin + steps) return target;
    double r = 1.0 - (double) (t - begin) / steps;
    return target + (initial - target) * r * r * r;
  }

  /**
   * Whether the masks are updated at step t: every frequency steps within [begin, begin + n].
   *
   * @param t the step
   * @return true on an update step
   */
  public boolean updateAt(long t) {
    return t >= begin && t <= begin + steps && (t - begin) % frequency == 0;
  }
}
