package dev.fivefold.control;

/**
 * What a {@link Controller} sees before a step: {@code step} steps are done (so this is the
 * 0-based index of the step about to be taken), {@code progress} ∈ [0, 1] as for a {@link Schedule},
 * and the sensors of the last step taken. Sensors not measured (no step yet, or not asked for in
 * {@link Controller#needs()}) are NaN, {@code updateRatios} is then empty and {@code oracle} null.
 *
 * @param step the steps done: the 0-based index of the step about to be taken
 * @param progress the fraction of the run done, in [0, 1]
 * @param loss          the last training loss (nats)
 * @param smoothedLoss  bias-corrected exponential moving average of the loss, β = 0.98, corrected
 *                      with its own count of losses ({@link Sensors})
 * @param gradNorm      global gradient norm ‖∇θ‖₂ over all parameters, after the optimizer's clip link if any
 * @param updateRatio   global ‖Δθ‖₂ / ‖θ‖₂ of the last update (θ after it)
 * @param updateRatios  the same per parameter tensor, in the optimizer's parameter order
 * @param lr            the learning rate used by the last step
 * @param oracle        gradients on the last batch at perturbed parameters (for curvature)
 * @param gradDot       g_t·g_{t−1}, the dot product of the last two steps' gradients (after the clip link);
 *                      with {@code gradNorm}² it gives the correlation of successive minibatch gradients
 */
public record Signals(long step, double progress, double loss, double smoothedLoss, double gradNorm,
    double updateRatio, double[] updateRatios, double lr, GradientOracle oracle, double gradDot) {
  /** Replaces a null {@code updateRatios} by an empty array. */
  public Signals {
    if (updateRatios == null) updateRatios = new double[0];
  }

  /**
   * Signals without the successive-gradient product (NaN).
   *
   * @param step the steps done
   * @param progress the fraction of the run done, in [0, 1]
   * @param loss the last training loss (nats)
   * @param smoothedLoss the bias-corrected EMA of the loss
   * @param gradNorm the global gradient norm
   * @param updateRatio the global update-to-weight ratio
   * @param updateRatios the ratio per parameter tensor
   * @param lr the learning rate of the last step
   * @param oracle the gradient oracle, or null
   */
  public Signals(long step, double progress, double loss, double smoothedLoss, double gradNorm, double updateRatio,
      double[] updateRatios, double lr, GradientOracle oracle) {
    this(step, progress, loss, smoothedLoss, gradNorm, updateRatio, updateRatios, lr, oracle, Double.NaN);
  }

  /**
   * Signals with only the clock and the learning rate known.
   *
   * @param step the steps done
   * @param progress the fraction of the run done, in [0, 1]
   * @param lr the current learning rate
   * @return the signals, every sensor NaN
   */
  public static Signals start(long step, double progress, double lr) {
    return new Signals(step, progress, Double.NaN, Double.NaN, Double.NaN, Double.NaN, new double[0], lr, null);
  }
}
