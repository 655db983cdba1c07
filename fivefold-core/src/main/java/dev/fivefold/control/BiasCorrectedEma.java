package dev.fivefold.control;

/**
 * A bias-corrected exponential moving average, the smoothed loss the experiments read:
 * {@code m_t = β m_{t−1} + (1 − β) x_t} and {@code w_t = β w_{t−1} + (1 − β)} from {@code m_0 = w_0
 * = 0}, reported as {@code m_t / w_t} (= {@code m_t / (1 − β^t)}, as Adam corrects its moments), so
 * the first value is {@code x_1} itself. A window of about {@code 1/(1 − β)} values. A NaN input
 * makes every later value NaN. Not thread-safe.
 */
public final class BiasCorrectedEma {
  private final double beta;
  private double ema, weight;

  /**
   * An average with no value yet.
   *
   * @param beta the decay β, in [0, 1)
   */
  public BiasCorrectedEma(double beta) {
    if (!(beta >= 0 && beta < 1)) throw new IllegalArgumentException("beta (" + beta + ") must be in [0, 1)");
    this.beta = beta;
  }

  /**
   * Adds {@code x} and returns the bias-corrected average so far.
   *
   * @param x the new value
   * @return m/(1 − βⁿ) after n values
   */
  public double add(double x) {
    ema = beta * ema + (1 - beta) * x;
    weight = beta * weight + (1 - beta);
    return ema / weight;
  }
}
