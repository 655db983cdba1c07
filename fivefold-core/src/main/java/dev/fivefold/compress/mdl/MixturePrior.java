package dev.fivefold.compress.mdl;

import dev.fivefold.nn.Parameter;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Parallel;
import java.util.List;

/**
 * The learned Gaussian-mixture prior of soft weight-sharing (Ullrich, Meeds &amp; Welling, "Soft
 * Weight-Sharing for Neural Network Compression", ICLR 2017, §3–4), one mixture over every weight
 * of the network:
 *
 * <pre>
 *   p(w) = Π_i Σ_{j=0}^{J−1} π_j · N(w_i | μ_j, 1/λ_j)
 * </pre>
 *
 * Component 0 is the <em>zero component</em>: μ_0 = 0 and π_0 fixed (default 0.999, as the
 * authors' code), so weights drawn to it are pruned. The other J − 1 components have learned means
 * μ_j, learned mixing proportions π_j = (1 − π_0)·softmax(ρ)_j over logits ρ, and every component
 * a learned log-precision γ_j = log λ_j (empirical Bayes: the prior's parameters are fitted by
 * gradient descent with the weights). The precisions carry the paper's Gamma hyper-priors
 * (authors' code): λ_0 ~ Gamma(α = 5000, β = 2), λ_j ~ Gamma(α = 250, β = 0.1) for j ≥ 1, whose
 * negative log-density up to a constant is
 *
 * <pre>
 *   −log Gamma(λ | α, β) = (1 − α)·γ + β·λ      (γ = log λ; the authors' form, no Jacobian term)
 * </pre>
 *
 * <p>Gradients ({@link #accumulate}) with responsibilities r_ij = π_j N(w_i|μ_j,1/λ_j) / p(w_i):
 * ∂(−log p)/∂w_i = Σ_j r_ij λ_j (w_i − μ_j); ∂/∂μ_j = −Σ_i r_ij λ_j (w_i − μ_j);
 * ∂/∂γ_j = −Σ_i r_ij (1 − λ_j (w_i − μ_j)²)/2; ∂/∂ρ_k = −(N_k − s_k Σ_{j≥1} N_j) with
 * N_j = Σ_i r_ij and s = softmax(ρ). The per-weight work is SIMD in float ({@code MixturePriorKernel});
 * the sums run over fixed blocks of 4,096 weights, each reduced to double and added in block order,
 * so the result does not depend on the thread count. The scalar reference ({@code accumulateScalar},
 * double throughout, terms more than 40 nats below a weight's largest skipped) agrees to float rounding.
 *
 * <p>Initialisation ({@link #init}): means evenly spaced over the weights' range [lo, hi]
 * (J − 1 points), every standard deviation {@code initStd} (default 0.25, authors' code), ρ = 0
 * (equal proportions (1 − π_0)/(J − 1)).
 */
public final class MixturePrior {
  static final double LOG_2PI = Math.log(2 * Math.PI);
  static final double CUTOFF = 40;
  static final int BLOCK = 4096;

  /**
   * A Gamma(α, β) hyper-prior on a precision (shape α, rate β; mode (α − 1)/β).
   *
   * @param shape α &gt; 0
   * @param rate β &gt; 0
   */
  public record Gamma(double shape, double rate) {
    /**
     * Checks that both parameters are finite and positive.
     *
     * @throws IllegalArgumentException if {@code shape} or {@code rate} is not finite and &gt; 0
     */
    public Gamma {
      if (!(shape > 0) || Double.isInfinite(shape)) throw new IllegalArgumentException("gamma shape (" + shape + ") must be > 0");
      if (!(rate > 0) || Double.isInfinite(rate)) throw new IllegalArgumentException("gamma rate (" + rate + ") must be > 0");
    }

    /**
     * (1 − α)·γ + β·e^γ: the negative log-density of λ = e^γ up to a constant (authors' form).
     *
     * @param gamma γ = log λ
     * @return (1 − α)·γ + β·e^γ
     */
    public double negLog(double gamma) {
      return (1 - shape) * gamma + rate * Math.exp(gamma);
    }

    /**
     * d/dγ of {@link #negLog}: (1 − α) + β·e^γ.
     *
     * @param gamma γ = log λ
     * @return (1 − α) + β·e^γ
     */
    public double negLogGradient(double gamma) {
      return (1 - shape) + rate * Math.exp(gamma);
    }
  }

  /**
   * The mixture's shape and hyper-priors.
   *
   * @param components J, 2..256 (the zero component included; the paper's 17 = 16 + zero)
   * @param zeroMixing π_0, the fixed proportion of the zero component, in (0, 1)
   * @param initStd the initial standard deviation of every component, &gt; 0
   * @param zeroPrecision hyper-prior of λ_0
   * @param precision hyper-prior of λ_j, j ≥ 1
   */
  public record Config(int components, double zeroMixing, double initStd, Gamma zeroPrecision, Gamma precision) {
    /**
     * Validates the configuration.
     *
     * @throws IllegalArgumentException if {@code components} is outside 2..256, {@code zeroMixing} outside
     *     (0, 1), {@code initStd} not finite and &gt; 0, or a hyper-prior is null
     */
    public Config {
      if (components < 2 || components > 256) throw new IllegalArgumentException("components (" + components + ") must be in 2..256");
      if (!(zeroMixing > 0 && zeroMixing < 1)) throw new IllegalArgumentException("zero mixing (" + zeroMixing + ") must be in (0, 1)");
      if (!(initStd > 0) || Double.isInfinite(initStd)) throw new IllegalArgumentException("init std (" + initStd + ") must be > 0");
      if (zeroPrecision == null || precision == null) throw new IllegalArgumentException("hyper-priors must be given");
    }

    /**
     * The paper's: 17 components, π_0 = 0.999, σ = 0.25, Gamma(5000, 2) and Gamma(250, 0.1).
     *
     * @return the paper's configuration
     */
    public static Config paper() {
      return new Config(17, 0.999, 0.25, new Gamma(5000, 2), new Gamma(250, 0.1));
    }

    /**
     * This configuration with another number of components.
     *
     * @param j J, the number of components including the zero component, 2..256
     * @return the new configuration
     */
    public Config withComponents(int j) {
      return new Config(j, zeroMixing, initStd, zeroPrecision, precision);
    }
  }

  private final Config cfg;
  private final Parameter means; // [J − 1]: μ_1..μ_{J−1}
  private final Parameter logPrecisions; // [J]: γ_0..γ_{J−1}
  private final Parameter logits; // [J − 1]: ρ_1..ρ_{J−1}

  private MixturePrior(Config cfg, float[] mu, float[] gamma, float[] rho) {
    this.cfg = cfg;
    this.means = new Parameter(Tensor.of(mu, mu.length)).noDecay();
    this.logPrecisions = new Parameter(Tensor.of(gamma, gamma.length)).noDecay();
    this.logits = new Parameter(Tensor.of(rho, rho.length)).noDecay();
  }

  /**
   * The initial prior for weights in [lo, hi]: means evenly spaced over it (one mean at (lo + hi)/2
   * when J = 2), standard deviations {@code cfg.initStd()}, equal proportions.
   *
   * @param cfg the mixture's shape and hyper-priors
   * @param lo the smallest weight
   * @param hi the largest weight
   * @return the initial prior
   * @throws IllegalArgumentException if lo or hi is not finite or lo &gt; hi
   */
  public static MixturePrior init(Config cfg, double lo, double hi) {
    if (!Double.isFinite(lo) || !Double.isFinite(hi) || lo > hi) {
      throw new IllegalArgumentException("weight range [" + lo + ", " + hi + "] must be finite and ordered");
    }
    int k = cfg.components() - 1;
    float[] mu = new float[k];
    for (int j = 0; j < k; j++) mu[j] = (float) (k == 1 ? (lo + hi) / 2 : lo + (hi - lo) * j / (k - 1));
    float[] gamma = new float[k + 1];
    java.util.Arrays.fill(gamma, (float) -Math.log(cfg.initStd() * cfg.initStd()));
    return new MixturePrior(cfg, mu, gamma, new float[k]);
  }

  /**
   * A prior with the given parameters (means and logits of components 1..J−1, log-precisions of 0..J−1), for tests and resuming.
   *
   * @param cfg the mixture's shape and hyper-priors
   * @param means μ_1..μ_{J−1}, copied
   * @param logPrecisions γ_0..γ_{J−1}, copied
   * @param logits ρ_1..ρ_{J−1}, copied
   * @return the prior
   * @throws IllegalArgumentException if the arrays do not have lengths J − 1, J and J − 1
   */
  public static MixturePrior of(Config cfg, float[] means, float[] logPrecisions, float[] logits) {
    int k = cfg.components() - 1;
    if (means.length != k || logits.length != k || logPrecisions.length != k + 1) {
      throw new IllegalArgumentException("prior arrays (" + means.length + ", " + logPrecisions.length + ", " + logits.length
          + ") must have lengths (" + k + ", " + (k + 1) + ", " + k + ")");
    }
    return new MixturePrior(cfg, means.clone(), logPrecisions.clone(), logits.clone());
  }

  /**
   * The mixture's shape and hyper-priors.
   *
   * @return the configuration
   */
  public Config config() {
    return cfg;
  }

  /**
   * μ_1..μ_{J−1}, trainable.
   *
   * @return the means parameter [J − 1]
   */
  public Parameter means() {
    return means;
  }

  /**
   * γ_0..γ_{J−1} = log λ, trainable.
   *
   * @return the log-precisions parameter [J]
   */
  public Parameter logPrecisions() {
    return logPrecisions;
  }

  /**
   * ρ_1..ρ_{J−1}, trainable.
   *
   * @return the logits parameter [J − 1]
   */
  public Parameter logits() {
    return logits;
  }

  /**
   * The current mixture as plain values (component 0 the zero component).
   *
   * @return a snapshot of the J components
   */
  public Mixture mixture() {
    int J = cfg.components();
    float[] mu = means.value().data(), g = logPrecisions.value().data(), rho = logits.value().data();
    double[] m = new double[J], lam = new double[J], pi = new double[J];
    double[] s = softmax(rho);
    pi[0] = cfg.zeroMixing();
    for (int j = 0; j < J; j++) {
      lam[j] = Math.exp(g[j]);
      if (j > 0) {
        m[j] = mu[j - 1];
        pi[j] = (1 - cfg.zeroMixing()) * s[j - 1];
      }
    }
    return new Mixture(m, lam, pi);
  }

  private static float[] toFloat(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
    return f;
  }

  static double[] softmax(float[] rho) {
    double max = Double.NEGATIVE_INFINITY;
    for (float r : rho) max = Math.max(max, r);
    double[] s = new double[rho.length];
    double z = 0;
    for (int j = 0; j < rho.length; j++) z += s[j] = Math.exp(rho[j] - max);
    for (int j = 0; j < rho.length; j++) s[j] /= z;
    return s;
  }

  /**
   * −Σ_i log p(w_i), adding {@code scale}·∂/∂w_i into {@code grad[i]} and {@code scale}·∂/∂θ into
   * the gradients of the prior's parameters ({@code grad} null: the weights' gradient is skipped).
   *
   * @param w the weights, all of the network's, flat
   * @param grad the weights' gradient, same length as {@code w}, or null
   * @param scale the factor on every gradient added (e.g. the prior's weight τ in the loss)
   * @return the negative log-density in nats (unscaled)
   * @throws IllegalArgumentException if {@code grad} is not null and differs in length from {@code w}
   */
  public double accumulate(float[] w, float[] grad, double scale) {
    return accumulate(w, grad, scale, true);
  }

  /** {@link #accumulate} by the scalar reference: double throughout, the exp of terms within 40 nats of the largest. */
  double accumulateScalar(float[] w, float[] grad, double scale) {
    return accumulate(w, grad, scale, false);
  }

  private double accumulate(float[] w, float[] grad, double scale, boolean simd) {
    if (grad != null && grad.length != w.length) throw new IllegalArgumentException("grad (" + grad.length + ") and w (" + w.length + ") differ in length");
    Mixture mix = mixture();
    int J = mix.size();
    double[] c = new double[J], h = new double[J];
    for (int j = 0; j < J; j++) {
      c[j] = Math.log(mix.proportions()[j]) + 0.5 * Math.log(mix.precisions()[j]) - 0.5 * LOG_2PI;
      h[j] = 0.5 * mix.precisions()[j];
    }
    double[] mu = mix.means(), lam = mix.precisions();
    int blocks = (w.length + BLOCK - 1) / BLOCK;
    // per block: [0] −log p, then J sums each of r·λ(w−μ), r·(1 − λ(w−μ)²), r
    double[][] part = new double[blocks][1 + 3 * J];
    float[] muF = toFloat(mu), cF = toFloat(c), hF = toFloat(h), lamF = toFloat(lam);
    Parallel.forRange(0, blocks, 1, (b0, b1) -> {
      if (simd) {
        MixturePriorKernel.Scratch scratch = new MixturePriorKernel.Scratch(J);
        for (int b = b0; b < b1; b++) {
          MixturePriorKernel.block(w, grad, b * BLOCK, Math.min(w.length, (b + 1) * BLOCK), (float) scale, muF, cF, hF, lamF, part[b], scratch);
        }
        return;
      }
      double[] a = new double[J];
      for (int b = b0; b < b1; b++) {
        double[] p = part[b];
        int hi = Math.min(w.length, (b + 1) * BLOCK);
        for (int i = b * BLOCK; i < hi; i++) {
          double x = w[i], max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < J; j++) {
            double d = x - mu[j];
            a[j] = c[j] - h[j] * d * d;
            if (a[j] > max) max = a[j];
          }
          double z = 0;
          for (int j = 0; j < J; j++) {
            a[j] = a[j] - max > -CUTOFF ? Math.exp(a[j] - max) : 0;
            z += a[j];
          }
          p[0] -= max + Math.log(z);
          double gw = 0;
          for (int j = 0; j < J; j++) {
            if (a[j] == 0) continue;
            double r = a[j] / z, d = x - mu[j], rl = r * lam[j] * d;
            gw += rl;
            p[1 + j] += rl;
            p[1 + J + j] += r * (1 - lam[j] * d * d);
            p[1 + 2 * J + j] += r;
          }
          if (grad != null) grad[i] += (float) (scale * gw);
        }
      }
    });
    double[] sum = new double[1 + 3 * J];
    for (double[] p : part) for (int k = 0; k < sum.length; k++) sum[k] += p[k];
    float[] gm = means.grad(), gg = logPrecisions.grad(), gr = logits.grad();
    double nonZero = 0;
    for (int j = 1; j < J; j++) nonZero += sum[1 + 2 * J + j];
    double[] s = softmax(logits.value().data());
    for (int j = 0; j < J; j++) {
      gg[j] += (float) (scale * -0.5 * sum[1 + J + j]);
      if (j > 0) {
        gm[j - 1] += (float) (scale * -sum[1 + j]);
        gr[j - 1] += (float) (scale * -(sum[1 + 2 * J + j] - s[j - 1] * nonZero));
      }
    }
    return sum[0];
  }

  /**
   * The Gamma hyper-priors' −Σ_j log Gamma(λ_j), adding {@code scale}·∂/∂γ_j into the
   * log-precisions' gradient; returns the unscaled value.
   *
   * @param scale the factor on the gradient added
   * @return −Σ_j log Gamma(λ_j) up to a constant
   */
  public double hyperPrior(double scale) {
    float[] g = logPrecisions.value().data(), gg = logPrecisions.grad();
    double v = 0;
    for (int j = 0; j < g.length; j++) {
      Gamma p = j == 0 ? cfg.zeroPrecision() : cfg.precision();
      v += p.negLog(g[j]);
      gg[j] += (float) (scale * p.negLogGradient(g[j]));
    }
    return v;
  }

  /**
   * The three trainable parameters: means, log-precisions, logits.
   *
   * @return the parameters, for an optimizer
   */
  public List<Parameter> parameters() {
    return List.of(means, logPrecisions, logits);
  }

  /**
   * A mixture as plain values: component j has mean μ_j, precision λ_j = 1/σ_j² and proportion
   * π_j; component 0 is the zero component (μ_0 = 0). Proportions need not sum to 1 exactly.
   *
   * @param means μ_j, finite; copied
   * @param precisions λ_j, finite and &gt; 0; copied
   * @param proportions π_j, in (0, 1]; copied
   */
  public record Mixture(double[] means, double[] precisions, double[] proportions) {
    /**
     * Validates and copies the arrays.
     *
     * @throws IllegalArgumentException if the arrays are empty or differ in length, or a value is out of
     *     range
     */
    public Mixture {
      if (means.length == 0 || means.length != precisions.length || means.length != proportions.length) {
        throw new IllegalArgumentException("mixture arrays (" + means.length + ", " + precisions.length + ", " + proportions.length
            + ") must be non-empty and equally long");
      }
      for (int j = 0; j < means.length; j++) {
        if (!Double.isFinite(means[j])) throw new IllegalArgumentException("mean " + j + " (" + means[j] + ") must be finite");
        if (!(precisions[j] > 0) || Double.isInfinite(precisions[j])) {
          throw new IllegalArgumentException("precision " + j + " (" + precisions[j] + ") must be finite and > 0");
        }
        if (!(proportions[j] > 0) || proportions[j] > 1) throw new IllegalArgumentException("proportion " + j + " (" + proportions[j] + ") must be in (0, 1]");
      }
      means = means.clone();
      precisions = precisions.clone();
      proportions = proportions.clone();
    }

    /**
     * The number of components J.
     *
     * @return J
     */
    public int size() {
      return means.length;
    }

    /**
     * log π_j + log N(x | μ_j, 1/λ_j): component j's joint log-density at x.
     *
     * @param j the component, in [0, J)
     * @param x the value
     * @return the joint log-density, in nats
     */
    public double logJoint(int j, double x) {
      double d = x - means[j];
      return Math.log(proportions[j]) + 0.5 * Math.log(precisions[j]) - 0.5 * LOG_2PI - 0.5 * precisions[j] * d * d;
    }

    /**
     * log p(x) = log Σ_j π_j N(x | μ_j, 1/λ_j), by log-sum-exp.
     *
     * @param x the value
     * @return the log-density, in nats
     */
    public double logDensity(double x) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < size(); j++) max = Math.max(max, logJoint(j, x));
      double z = 0;
      for (int j = 0; j < size(); j++) z += Math.exp(logJoint(j, x) - max);
      return max + Math.log(z);
    }

    /**
     * The component of largest responsibility at x (the lowest index on ties).
     *
     * @param x the value
     * @return the component's index
     */
    public int mostProbable(double x) {
      int best = 0;
      double b = logJoint(0, x);
      for (int j = 1; j < size(); j++) {
        double v = logJoint(j, x);
        if (v > b) {
          b = v;
          best = j;
        }
      }
      return best;
    }

    /**
     * {@link #mostProbable} of every element of {@code w} (the same numbers, constants hoisted).
     *
     * @param w the values
     * @return per value the index of its most probable component
     */
    public int[] assign(float[] w) {
      int J = size();
      double[] c = new double[J];
      for (int j = 0; j < J; j++) c[j] = Math.log(proportions[j]) + 0.5 * Math.log(precisions[j]) - 0.5 * LOG_2PI;
      int[] out = new int[w.length];
      for (int i = 0; i < w.length; i++) {
        double x = w[i];
        int best = 0;
        double b = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < J; j++) {
          double d = x - means[j];
          double v = c[j] - 0.5 * precisions[j] * d * d;
          if (v > b) {
            b = v;
            best = j;
          }
        }
        out[i] = best;
      }
      return out;
    }

    /**
     * The standard deviation 1/√λ_j of component j.
     *
     * @param j the component, in [0, J)
     * @return σ_j
     */
    public double std(int j) {
      return 1 / Math.sqrt(precisions[j]);
    }

    /**
     * Components whose means lie within {@code tolerance} of each other merged (sorted by mean,
     * neighbours chained: a group is a run of means each within the tolerance of the previous), as
     * the authors' post-processing merges components that have become the same: the merged
     * proportion is the sum, mean and precision the proportion-weighted averages; the group holding
     * the zero component keeps mean exactly 0 and comes first. Tolerance 0 merges only equal means.
     *
     * @param tolerance the largest gap between neighbouring means merged, &ge; 0
     * @return the merged mixture, the zero group first
     * @throws IllegalArgumentException if the tolerance is negative or not finite
     */
    public Mixture merge(double tolerance) {
      if (!(tolerance >= 0) || Double.isInfinite(tolerance)) throw new IllegalArgumentException("merge tolerance (" + tolerance + ") must be >= 0");
      Integer[] order = new Integer[size()];
      for (int j = 0; j < order.length; j++) order[j] = j;
      java.util.Arrays.sort(order, (a, b) -> a.equals(b) ? 0 : means[a] != means[b] ? Double.compare(means[a], means[b]) : Integer.compare(a, b));
      java.util.List<java.util.List<Integer>> groups = new java.util.ArrayList<>();
      for (int k = 0; k < order.length; k++) {
        if (k == 0 || means[order[k]] - means[order[k - 1]] > tolerance) groups.add(new java.util.ArrayList<>());
        groups.getLast().add(order[k]);
      }
      groups.sort((a, b) -> Boolean.compare(!a.contains(0), !b.contains(0))); // the zero group first, others by mean (stable)
      int n = groups.size();
      double[] m = new double[n], lam = new double[n], pi = new double[n];
      for (int g = 0; g < n; g++) {
        double sp = 0, sm = 0, sl = 0;
        for (int j : groups.get(g)) {
          sp += proportions[j];
          sm += proportions[j] * means[j];
          sl += proportions[j] * precisions[j];
        }
        pi[g] = Math.min(1, sp);
        m[g] = g == 0 ? 0 : sm / sp;
        lam[g] = sl / sp;
      }
      return new Mixture(m, lam, pi);
    }
  }
}
