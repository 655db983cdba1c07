package dev.fivefold.train;

/** The loss became NaN or infinite: training stopped at {@code step} with the parameters of the step before. */
public final class DivergenceException extends RuntimeException {
  /** The 1-based step whose loss was bad (part of the serialized form). */
  private final long step;

  /**
   * A divergence at {@code step}.
   *
   * @param step the 1-based step whose loss was bad
   * @param loss the bad loss
   */
  public DivergenceException(long step, double loss) {
    super("training diverged at step " + step + ": loss is " + loss + " (lower the learning rate, or enable clipping)");
    this.step = step;
  }

  /** {@return the 1-based step whose loss was bad} */
  public long step() {
    return step;
  }
}
