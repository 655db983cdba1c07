package dev.fivefold.train;

/**
 * How long and how often: train for {@code epochs} passes, or stop earlier at {@code maxSteps}
 * (0 = no limit) or {@code maxSeconds} of training time (0 = no limit); evaluate every
 * {@code evalEvery} steps (0 = at the end of each epoch) and at the end.
 *
 * @param epochs passes over the training data, at least 1
 * @param maxSteps the most steps; 0 for no limit
 * @param maxSeconds the most training seconds; 0 for no limit
 * @param evalEvery the steps between evaluations; 0 for the end of each epoch
 */
public record TrainConfig(int epochs, long maxSteps, double maxSeconds, long evalEvery) {
  /**
   * Checks the fields.
   *
   * @throws IllegalArgumentException if a field is out of range
   */
  public TrainConfig {
    if (epochs < 1) throw new IllegalArgumentException("epochs (" + epochs + ") must be >= 1");
    if (maxSteps < 0) throw new IllegalArgumentException("max steps (" + maxSteps + ") must be >= 0");
    if (!(maxSeconds >= 0)) throw new IllegalArgumentException("max seconds (" + maxSeconds + ") must be >= 0");
    if (evalEvery < 0) throw new IllegalArgumentException("eval every (" + evalEvery + ") must be >= 0");
  }

  /**
   * {@return a config of {@code n} epochs with no other limit, evaluated after each}
   *
   * @param n passes over the training data, at least 1
   */
  public static TrainConfig epochs(int n) {
    return new TrainConfig(n, 0, 0, 0);
  }
}
