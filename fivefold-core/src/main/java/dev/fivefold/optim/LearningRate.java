package dev.fivefold.optim;

/**
 * The actuator of the training loop: the current learning rate, read by
 * {@link Transforms#scaleByLearningRate} at every step and set by schedules and controllers.
 */
public final class LearningRate {
  private double value;

  /**
   * A rate of {@code value}.
   *
   * @param value the rate, finite and non-negative
   * @throws IllegalArgumentException if {@code value} is negative, infinite or NaN
   */
  public LearningRate(double value) {
    set(value);
  }

  /** {@return the current rate} */
  public double get() {
    return value;
  }

  /**
   * Sets the rate; must be finite and ≥ 0.
   *
   * @param v the new rate
   * @throws IllegalArgumentException if {@code v} is negative, infinite or NaN
   */
  public void set(double v) {
    if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException("learning rate (" + v + ") must be finite and >= 0");
    value = v;
  }
}
