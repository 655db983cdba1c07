package dev.fivefold.train;

/** The loss became NaN or infinite: training stopped at {@code step} with the parameters of the step before. */
public final class DivergenceException extends RuntimeException {
  private final long step;

  public DivergenceException(long step, double loss) {
    super("training diverged at step " + step + ": loss is " + loss + " (lower the learning rate, or enable clipping)");
    this.step = step;
  }

  public long step() {
    return step;
  }
}
