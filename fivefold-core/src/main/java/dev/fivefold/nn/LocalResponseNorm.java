package dev.fivefold.nn;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;

/**
 * Local response normalisation across channels (Krizhevsky et al. 2012, §3.3, AlexNet), with
 * exactly PyTorch's {@code nn.LocalResponseNorm(size, alpha, beta, k)} semantics: for x [N, C, ...],
 * y_c = x_c / (k + α/n · Σ x_{c'}²)^β over the n = {@code size} channels c' from c − ⌊n/2⌋ to
 * c + ⌊(n−1)/2⌋ (zero outside). Note α is divided by n, as in PyTorch and Caffe and unlike the
 * paper's formula; AlexNet's n = 5, α = 1e-4, β = 0.75, k = 2. PyTorch's defaults are α = 1e-4,
 * β = 0.75, k = 1. No parameters.
 */
public final class LocalResponseNorm extends Module {
  private final int size;
  private final float alpha, beta, k;

  /**
   * PyTorch's defaults α = 1e-4, β = 0.75, k = 1.
   *
   * @param size the channels n summed over, at least 1
   * @throws IllegalArgumentException if {@code size} is below 1
   */
  public LocalResponseNorm(int size) {
    this(size, 1e-4f, 0.75f, 1f);
  }

  /**
   * Local response normalisation with PyTorch's parameters.
   *
   * @param size the channels n summed over, at least 1
   * @param alpha α (divided by n), finite
   * @param beta the exponent β, finite
   * @param k the additive constant, finite
   * @throws IllegalArgumentException if {@code size} is below 1 or a value is not finite
   */
  public LocalResponseNorm(int size, float alpha, float beta, float k) {
    if (size < 1) throw new IllegalArgumentException("LocalResponseNorm size (" + size + ") must be >= 1");
    if (!Float.isFinite(alpha) || !Float.isFinite(beta) || !Float.isFinite(k)) {
      throw new IllegalArgumentException("LocalResponseNorm alpha (" + alpha + "), beta (" + beta + ") and k (" + k + ") must be finite");
    }
    this.size = size;
    this.alpha = alpha;
    this.beta = beta;
    this.k = k;
  }

  /**
   * AlexNet's: size 5, α 1e-4, β 0.75, k 2 (in PyTorch's α/n form).
   *
   * @return the layer
   */
  public static LocalResponseNorm alexNet() {
    return new LocalResponseNorm(5, 1e-4f, 0.75f, 2f);
  }

  @Override
  public Var forward(Var x) {
    return F.localResponseNorm(x, size, alpha, beta, k);
  }

  @Override
  protected Module blank() {
    return new LocalResponseNorm(size, alpha, beta, k);
  }
}
