package dev.fivefold.optim;

/**
 * A Lagrange multiplier λ ≥ 0 for one inequality constraint g(θ) ≤ 0, trained by gradient
 * descent–ascent on L(θ) + λ g(θ) (Arrow, Hurwicz &amp; Uzawa 1958): the model's optimizer descends
 * on θ with gradient ∇L + λ∇g ({@link #addConstraintGradient}), and {@link #ascend} takes the
 * projected ascent step λ ← max(0, λ + η_λ g(θ)).
 *
 * <p>Errors: η_λ ≤ 0 or an initial λ &lt; 0 → IllegalArgumentException.
 */
public final class Lagrangian {
  private final double lr;
  private double lambda;

  /**
   * A multiplier with its own learning rate.
   *
   * @param multiplierLr the ascent rate η_λ, positive and finite
   * @param initialMultiplier the starting λ, non-negative
   * @throws IllegalArgumentException if a value is out of range
   */
  public Lagrangian(double multiplierLr, double initialMultiplier) {
    if (!(multiplierLr > 0) || Double.isInfinite(multiplierLr)) throw new IllegalArgumentException("multiplier learning rate (" + multiplierLr + ") must be > 0");
    if (!(initialMultiplier >= 0) || Double.isInfinite(initialMultiplier)) throw new IllegalArgumentException("initial multiplier (" + initialMultiplier + ") must be >= 0");
    this.lr = multiplierLr;
    this.lambda = initialMultiplier;
  }

  /**
   * The current λ.
   *
   * @return λ
   */
  public double multiplier() {
    return lambda;
  }

  /**
   * Sets λ (e.g. when resuming); must be ≥ 0.
   *
   * @param l the new λ, non-negative and finite
   * @throws IllegalArgumentException if {@code l} is negative, infinite or NaN
   */
  public void setMultiplier(double l) {
    if (!(l >= 0) || Double.isInfinite(l)) throw new IllegalArgumentException("multiplier (" + l + ") must be >= 0");
    lambda = l;
  }

  /**
   * L + λ g.
   *
   * @param loss L(θ)
   * @param constraint g(θ)
   * @return the Lagrangian's value
   */
  public double value(double loss, double constraint) {
    return loss + lambda * constraint;
  }

  /**
   * grad ← grad + λ ∇g (the θ-gradient of the constraint term).
   *
   * @param grad the loss gradient, updated in place
   * @param constraintGrad ∇g(θ), the same length
   * @throws IllegalArgumentException if the lengths differ
   */
  public void addConstraintGradient(float[] grad, float[] constraintGrad) {
    if (grad.length != constraintGrad.length) throw new IllegalArgumentException("constraint gradient length (" + constraintGrad.length + ") must equal " + grad.length);
    float l = (float) lambda;
    for (int i = 0; i < grad.length; i++) grad[i] += l * constraintGrad[i];
  }

  /**
   * λ ← max(0, λ + η_λ g), with g = g(θ) at the current θ.
   *
   * @param constraint g(θ)
   * @throws IllegalArgumentException if {@code constraint} is NaN
   */
  public void ascend(double constraint) {
    if (Double.isNaN(constraint)) throw new IllegalArgumentException("constraint value (NaN) must be a number");
    lambda = Math.max(0, lambda + lr * constraint);
  }
}
