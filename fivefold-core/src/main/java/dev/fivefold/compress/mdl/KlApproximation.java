package dev.fivefold.compress.mdl;

/**
 * The KL divergence from a weight's Gaussian posterior N(θ, αθ²) to the improper log-uniform prior
 * p(|w|) ∝ 1/|w|, as a function of log α alone (Molchanov, Ashukha &amp; Vetrov, "Variational
 * Dropout Sparsifies Deep Neural Networks", ICML 2017, eq. 14):
 * <pre>
 *   −KL ≈ k1·σ(k2 + k3·log α) − 0.5·log(1 + 1/α) − k1,   k1 = 0.63576, k2 = 1.87320, k3 = 1.48695
 * </pre>
 * (σ the logistic function; the constant −k1 makes KL → 0 as α → ∞). The KL decreases
 * monotonically in log α: the prior pays weights to become noise. As in the authors' PyTorch code
 * log α is clipped to [{@link #MIN_LOG_ALPHA}, {@link #MAX_LOG_ALPHA}] before the formula, and the
 * derivative is 0 outside that range (the clip's). NaN in gives NaN out.
 */
public final class KlApproximation {
  private KlApproximation() {}

  /** The constants k1, k2, k3 of the fit (Molchanov et al., eq. 14). */
  public static final double K1 = 0.63576, K2 = 1.87320, K3 = 1.48695;
  /** The clip of log α in the KL (Molchanov et al.'s code: ±10). */
  public static final double MIN_LOG_ALPHA = -10, MAX_LOG_ALPHA = 10;

  /**
   * KL(log α) ≥ 0 (approximately), log α clipped.
   *
   * @param logAlpha log α
   * @return the KL in nats; NaN for NaN
   */
  public static double kl(double logAlpha) {
    double la = Math.clamp(logAlpha, MIN_LOG_ALPHA, MAX_LOG_ALPHA);
    if (Double.isNaN(logAlpha)) return Double.NaN;
    return K1 - K1 * sigmoid(K2 + K3 * la) + 0.5 * Math.log1p(Math.exp(-la));
  }

  /**
   * dKL/d log α = −k1·k3·s·(1 − s) − 0.5·σ(−log α) with s = σ(k2 + k3·log α) (log(1 + e^{−x})' =
   * −σ(−x)); 0 where the clip is active.
   *
   * @param logAlpha log α
   * @return the derivative; NaN for NaN
   */
  public static double derivative(double logAlpha) {
    if (Double.isNaN(logAlpha)) return Double.NaN;
    if (logAlpha < MIN_LOG_ALPHA || logAlpha > MAX_LOG_ALPHA) return 0;
    double s = sigmoid(K2 + K3 * logAlpha);
    return -K1 * K3 * s * (1 - s) - 0.5 * sigmoid(-logAlpha);
  }

  static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }
}
