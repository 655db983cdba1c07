package dev.fivefold.data;

import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;

/**
 * Mixup (Zhang, Cisse, Dauphin &amp; Lopez-Paz, "mixup: Beyond Empirical Risk Minimization", ICLR
 * 2018): each sample i of a batch {@code [N, ...]} is blended with a partner π(i), π a fresh random
 * permutation of the batch, with its own weight λ_i ~ Beta(a, a):
 * <pre>
 *   x̃_i = λ_i · x_i + (1 − λ_i) · x_π(i)        ỹ_i = λ_i · onehot(y_i) + (1 − λ_i) · onehot(y_π(i))
 * </pre>
 * Zhang et al. draw one λ per batch; one per sample (as here) gives the same marginal and more
 * varied batches. Used two ways: as a regulariser of a model trained alone (cross-entropy against
 * ỹ), and as the transfer set of function matching (Beyer et al., "Knowledge distillation: A good
 * teacher is patient and consistent", CVPR 2022, §3: teacher and student see the same x̃, so the
 * teacher's outputs on images it never fitted carry more than the labels do).
 *
 * <p>Beta(a, a) is sampled as G₁ / (G₁ + G₂) with G ~ Gamma(a, 1) by Marsaglia &amp; Tsang's method
 * ("A simple method for generating gamma variables", ACM TOMS 2000); for a &lt; 1,
 * Gamma(a) = Gamma(a + 1) · U^{1/a}. a = 1 is uniform λ; small a puts λ near 0 or 1 (mild mixing).
 * Deterministic for a given {@link Rng} state.
 */
public final class Mixup {
  /**
   * One mixed batch: the blended inputs, each sample's partner π(i) and weight λ_i.
   *
   * @param x the blended inputs, the batch's shape
   * @param partner each sample's partner π(i)
   * @param lambda each sample's weight λ_i, in [0, 1]
   */
  public record Mixed(Tensor x, int[] partner, float[] lambda) {
    /**
     * The mixed one-hot targets ỹ, [N, classes].
     *
     * @param y the batch's labels, one per sample
     * @param classes the number of classes
     * @return ỹ
     * @throws IllegalArgumentException if the label count differs from the batch or a label is out of range
     */
    public Tensor targets(int[] y, int classes) {
      int n = partner.length;
      if (y.length != n) throw new IllegalArgumentException("labels (" + y.length + ") and mixed batch (" + n + ") differ in size");
      float[] q = new float[n * classes];
      for (int i = 0; i < n; i++) {
        q[i * classes + checkLabel(y[i], classes)] += lambda[i];
        q[i * classes + checkLabel(y[partner[i]], classes)] += 1 - lambda[i];
      }
      return Tensor.of(q, n, classes);
    }

    private static int checkLabel(int label, int classes) {
      if (label < 0 || label >= classes) throw new IllegalArgumentException("label (" + label + ") must be in [0, " + classes + ")");
      return label;
    }
  }

  private final double a;
  private final Rng rng;

  /**
   * A mixup drawing from {@code rng}.
   *
   * @param a the Beta(a, a) parameter, &gt; 0 and finite (Zhang et al.: 0.1–0.4 on ImageNet, 1 on CIFAR-10)
   * @param rng the generator; owned by this object from now on
   * @throws IllegalArgumentException if {@code a} is not positive and finite or {@code rng} is null
   */
  public Mixup(double a, Rng rng) {
    if (!(a > 0 && a < Double.POSITIVE_INFINITY)) throw new IllegalArgumentException("mixup a (" + a + ") must be > 0 and finite");
    if (rng == null) throw new IllegalArgumentException("rng must not be null");
    this.a = a;
    this.rng = rng;
  }

  /** {@return the Beta(a, a) parameter} */
  public double a() {
    return a;
  }

  /**
   * A mixed copy of the batch x [N, ...]; x is not changed. An empty batch gives an empty one.
   *
   * @param x the batch, [N, ...]
   * @return the mixed batch
   * @throws IllegalArgumentException if {@code x} is a scalar
   */
  public Mixed apply(Tensor x) {
    if (x.rank() < 1) throw new IllegalArgumentException("batch " + x.shape() + " must be [N, ...]");
    int n = x.dim(0), per = n == 0 ? 0 : x.size() / n;
    int[] partner = new int[n];
    for (int i = 0; i < n; i++) partner[i] = i;
    rng.shuffle(partner);
    float[] lambda = new float[n], src = x.data(), dst = new float[src.length];
    for (int i = 0; i < n; i++) {
      float l = (float) nextBeta();
      lambda[i] = l;
      int o = i * per, p = partner[i] * per;
      for (int k = 0; k < per; k++) dst[o + k] = l * src[o + k] + (1 - l) * src[p + k];
    }
    return new Mixed(Tensor.wrap(dst, x.shape()), partner, lambda);
  }

  /** λ ~ Beta(a, a) = G₁ / (G₁ + G₂), from this object's generator. */
  double nextBeta() {
    return beta(a, rng);
  }

  /**
   * One draw λ ~ Beta(a, a) = G₁ / (G₁ + G₂) from {@code rng} (Marsaglia &amp; Tsang gammas, see the
   * class comment); the one Beta sampler of fivefold, shared by mixup and CutMix
   * ({@link dev.fivefold.data.augment.Mixing}).
   *
   * @param a &gt; 0 and finite (not checked here: callers validate their own parameter)
   * @param rng the generator
   * @return λ, in [0, 1]
   */
  public static double beta(double a, Rng rng) {
    double g1 = nextGamma(a, rng), g2 = nextGamma(a, rng);
    double s = g1 + g2;
    return s > 0 ? g1 / s : (rng.nextDouble() < 0.5 ? 0 : 1); // both underflowed (tiny a): λ is 0 or 1
  }

  /** Gamma(shape, 1), Marsaglia &amp; Tsang; shape &lt; 1 boosted to shape + 1 and scaled by U^{1/shape}. */
  private static double nextGamma(double shape, Rng rng) {
    if (shape < 1) {
      double u;
      do {
        u = rng.nextDouble();
      } while (u == 0);
      return nextGamma(shape + 1, rng) * Math.pow(u, 1 / shape);
    }
    double d = shape - 1.0 / 3, c = 1 / Math.sqrt(9 * d);
    while (true) {
      double z, v;
      do {
        z = rng.nextGaussian();
        v = 1 + c * z;
      } while (v <= 0);
      v = v * v * v;
      double u = rng.nextDouble();
      if (u < 1 - 0.0331 * z * z * z * z) return d * v;
      if (u > 0 && Math.log(u) < 0.5 * z * z + d * (1 - v + Math.log(v))) return d * v;
    }
  }
}
