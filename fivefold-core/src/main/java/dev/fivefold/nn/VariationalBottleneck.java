package dev.fivefold.nn;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;

/**
 * The stochastic layer of the Deep Variational Information Bottleneck (Alemi, Fischer, Dillon &amp;
 * Murphy 2017, ICLR, section 3): an encoder's output {@code [B, 2K]} is read as the mean μ and the
 * log-variance {@code log σ²} of a diagonal Gaussian {@code q(z|x) = N(μ, σ²)} over K units, and
 *
 * <pre>
 *   training:  z = μ + σ ⊙ ε,  ε ~ N(0, I) from a seeded Rng     (reparameterisation)
 *   eval:      z = μ
 *   rate:      R = (1/B) Σ_b KL(N(μ_b, σ_b²) ‖ N(0, I)) = (1/B) Σ_b ½ Σ_k (μ² + σ² − log σ² − 1)   nats
 * </pre>
 *
 * R is the variational upper bound on I(Z;X) with prior r(z) = N(0, I); the VIB loss is {@code
 * CE + β·R}. Every forward (training or eval) leaves its rate in {@link #lastRate()}; it is a
 * differentiable {@link Var} on the same tape, so {@code F.add(ce, F.scale(vib.lastRate(), beta))}
 * backpropagates into the encoder. Parameter-free: it can follow any module that outputs 2K units.
 */
public final class VariationalBottleneck extends Module {
  private static final double LN2 = Math.log(2);
  private final int k;
  private final Rng rng;
  private Var lastRate;

  /**
   * A bottleneck of {@code k} units.
   *
   * @param k latent units (the encoder must output 2K)
   * @param rng the source of ε
   * @throws IllegalArgumentException if {@code k} is below 1
   */
  public VariationalBottleneck(int k, Rng rng) {
    if (k < 1) throw new IllegalArgumentException("k (" + k + ") must be >= 1");
    this.k = k;
    this.rng = rng;
  }

  /** {@return the number of latent units K} */
  public int k() {
    return k;
  }

  @Override
  public Var forward(Var stats) { // [B, 2K] -> [B, K]
    if (stats.shape().rank() != 2 || stats.shape().dim(1) != 2 * k) {
      throw new IllegalArgumentException("bottleneck input must be [B, " + 2 * k + "] (mean and log-variance), got " + stats.shape());
    }
    int b = stats.shape().dim(0);
    Var mu = F.slice(stats, 1, 0, k); // [B, K]
    Var logVar = F.slice(stats, 1, k, 2 * k); // [B, K]
    lastRate = rate(mu, logVar);
    if (!isTraining()) return mu;
    Var sigma = F.exp(F.scale(logVar, 0.5f)); // [B, K]
    Var eps = stats.tape().input(Tensor.normal(rng, 0f, 1f, b, k)); // [B, K]
    return F.add(mu, F.mul(sigma, eps));
  }

  /**
   * The rate R (nats, mean over the batch) of the last forward, differentiable; null before any.
   *
   * @return R, or null
   */
  public Var lastRate() {
    return lastRate;
  }

  /**
   * The rate of the last forward in bits.
   *
   * @return R in bits
   * @throws IllegalStateException before the first forward
   */
  public double lastRateBits() {
    if (lastRate == null) throw new IllegalStateException("no forward yet");
    return lastRate.item() / LN2;
  }

  /**
   * {@code (1/B) Σ ½ (μ² + exp(logVar) − logVar − 1)} over {@code [B, K]}, in nats.
   *
   * @param mu the means, [B, K]
   * @param logVar the log-variances, [B, K]
   * @return the scalar rate, differentiable
   */
  public static Var rate(Var mu, Var logVar) {
    int b = mu.shape().dim(0);
    Var terms = F.sub(F.add(F.mul(mu, mu), F.exp(logVar)), F.affine(logVar, 1f, 1f)); // [B, K]
    return F.scale(F.sum(terms), 0.5f / b);
  }

  /**
   * Closed form {@code KL(N(μ, σ²) ‖ N(0, 1)) = ½ (μ² + σ² − log σ² − 1)} of one unit, in nats.
   *
   * @param mu the unit's mean
   * @param logVar the unit's log-variance
   * @return the KL divergence, in nats
   */
  public static double klToStandardNormal(double mu, double logVar) {
    return 0.5 * (mu * mu + Math.exp(logVar) - logVar - 1);
  }
}
