package dev.fivefold.train;

/**
 * How long and how often: train for {@code epochs} passes, or stop earlier at {@code maxSteps}
 * (0 = no limit) or {@code maxSeconds} of training time (0 = no limit); evaluate every
 * {@code evalEvery} steps (0 = at the end of each epoch) and at the end.
 */
public record TrainConfig(int epochs, long maxSteps, double maxSeconds, long evalEvery) {
  public TrainConfig {
    if (epochs < 1) throw new IllegalArgumentException("epochs (" + epochs + ") must be >= 1");
    if (maxSteps < 0) throw new IllegalArgumentException("max steps (" + maxSteps + ") must be >= 0");
    if (!(maxSeconds >= 0)) throw new IllegalArgumentException("max seconds (" + maxSeconds + ") must be >= 0");
    if (evalEvery < 0) throw new IllegalArgumentException("eval every (" + evalEvery + ") must be >= 0");
  }

  public static TrainConfig epochs(int n) {
    return new TrainConfig(n, 0, 0, 0);
  }
}
