package dev.fivefold.compress.mdl;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.Parameter;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import java.util.List;

/**
 * One weight tensor's factorised Gaussian posterior q(w) = Π N(θ_ij, σ²_ij) for sparse variational
 * dropout (Molchanov, Ashukha &amp; Vetrov 2017), on a fully connected weight [out, in] or a
 * convolution kernel [out, in, k, k] (stride 1, no padding, as in LeNet-5). θ is the layer's own
 * weight {@link Parameter}, trained in place; the bias stays deterministic.
 *
 * <ul>
 *   <li>Unstructured (the paper's additive reparameterisation, §4.3): a trainable log σ² per weight
 *       (initialised to {@link #INIT_LOG_SIGMA2}); log α_ij = log σ²_ij − 2·log(|θ_ij| + 10⁻¹⁶).
 *   <li>Structured: one trainable log α_i per output neuron / filter (initialised to
 *       {@link #INIT_LOG_ALPHA}), shared by its row: σ²_ij = α_i·θ²_ij, each weight with its own noise.
 *       The log-uniform prior's KL depends on α only, so the row's KL is fan-in·KL(log α_i); a row
 *       whose log α_i passes the threshold is pruned whole (the group sparsity of Louizos et al. 2017).
 * </ul>
 *
 * <p>The local reparameterisation trick (Kingma, Salimans &amp; Welling 2015) samples the
 * pre-activations instead of the weights: b = x·θᵀ + bias, with Var[b] = x²·(σ²)ᵀ (for a convolution
 * the same with conv2d), and b̃ = E[b] + √(Var[b] + 10⁻⁸)·ε, one ε ~ N(0, 1) per pre-activation drawn
 * in order from the given generator (so a run is the same for any thread count). Built from the
 * tape's primitives (linear, conv2d, exp, mul, sqrt), whose derivative rules it inherits.
 */
public final class VariationalLayer {
  /** Initial log σ² of the unstructured posterior (Molchanov et al.'s code: log σ = −5). */
  public static final float INIT_LOG_SIGMA2 = -10f;
  /** Initial log α of the structured posterior (about the unstructured one's log α for |θ| ≈ 0.05). */
  public static final float INIT_LOG_ALPHA = -4f;
  private static final double TINY = 1e-16;

  /** The layer's kind: fully connected, or a convolution with stride 1 and no padding. */
  public enum Kind {
    /** A fully connected weight [out, in]. */
    LINEAR,
    /** A convolution kernel [out, in, k, k], stride 1, no padding. */
    CONV
  }

  private final String name;
  private final Kind kind;
  private final Parameter theta, bias;
  private final boolean structured;
  private final Parameter logVar; // unstructured: log σ², θ's shape; structured: log α, [out]
  private final int out, fanIn;

  /**
   * The posterior of one weight tensor, its variance parameter initialised to {@link #INIT_LOG_ALPHA}
   * (structured) or {@link #INIT_LOG_SIGMA2} (unstructured).
   *
   * @param name the weight's parameter name, e.g. "fc1.weight"
   * @param kind LINEAR or CONV, matching the weight's rank
   * @param theta the weight, [out, in] (LINEAR) or [out, in, k, k] (CONV)
   * @param bias the bias [out], or null
   * @param structured one log α per output row when true, else one log σ² per weight
   * @throws IllegalArgumentException if the weight's rank does not match {@code kind}
   */
  public VariationalLayer(String name, Kind kind, Parameter theta, Parameter bias, boolean structured) {
    int rank = theta.value().rank();
    if (kind == Kind.LINEAR && rank != 2 || kind == Kind.CONV && rank != 4) {
      throw new IllegalArgumentException(name + ": a " + kind + " weight of rank " + rank);
    }
    this.name = name;
    this.kind = kind;
    this.theta = theta;
    this.bias = bias;
    this.structured = structured;
    this.out = theta.value().dim(0);
    this.fanIn = theta.size() / out;
    Tensor init = structured ? Tensor.full(INIT_LOG_ALPHA, out) : Tensor.full(INIT_LOG_SIGMA2, theta.value().shape().dims());
    this.logVar = new Parameter(init).noDecay();
  }

  /**
   * The weight's parameter name.
   *
   * @return the name, e.g. "fc1.weight"
   */
  public String name() {
    return name;
  }

  /**
   * The layer's kind.
   *
   * @return LINEAR or CONV
   */
  public Kind kind() {
    return kind;
  }

  /**
   * Whether the posterior has one log α per output row.
   *
   * @return true when structured
   */
  public boolean structured() {
    return structured;
  }

  /**
   * The posterior mean θ (the model's weight).
   *
   * @return the weight parameter θ
   */
  public Parameter theta() {
    return theta;
  }

  /**
   * log σ² per weight (unstructured) or log α per output row (structured), trainable.
   *
   * @return the variance parameter
   */
  public Parameter logVariance() {
    return logVar;
  }

  /**
   * Number of output neurons / filters (groups).
   *
   * @return the output size, dimension 0 of θ
   */
  public int groups() {
    return out;
  }

  /**
   * Weights per group: in (LINEAR) or in·k·k (CONV).
   *
   * @return the weights per group
   */
  public int fanIn() {
    return fanIn;
  }

  /**
   * The deterministic pre-activations: x·θᵀ + bias, or the convolution (the model's own layer).
   *
   * @param x the input [B, in] or [B, in, H, W]
   * @return E[b], [B, out] or [B, out, H', W']
   */
  public Var mean(Var x) {
    Var w = theta.on(x.tape()), b = bias == null ? null : bias.on(x.tape());
    return kind == Kind.LINEAR ? F.linear(x, w, b) : F.conv2d(x, w, b, 1, 0);
  }

  /**
   * Var[b]: x²·(σ²)ᵀ, or α ⊙ (x²·(θ²)ᵀ) when structured.
   *
   * @param x the input [B, in] or [B, in, H, W]
   * @return Var[b], the shape of {@link #mean}
   */
  public Var variance(Var x) {
    Var x2 = F.mul(x, x);
    Var v = logVar.on(x.tape());
    if (!structured) return pre(x2, F.exp(v));
    Var w = theta.on(x.tape());
    Var alpha = F.exp(v); // [out]
    if (kind == Kind.CONV) alpha = F.reshape(alpha, out, 1, 1);
    return F.mul(pre(x2, F.mul(w, w)), alpha);
  }

  private Var pre(Var x, Var w) {
    return kind == Kind.LINEAR ? F.linear(x, w, null) : F.conv2d(x, w, null, 1, 0);
  }

  /**
   * A sample of the pre-activations: E[b] + √(Var[b] + 10⁻⁸)·ε, ε drawn in order from {@code rng}.
   *
   * @param x the input [B, in] or [B, in, H, W]
   * @param rng the noise generator
   * @return the sampled pre-activations, the shape of {@link #mean}
   */
  public Var sample(Var x, Rng rng) {
    Var m = mean(x);
    Var sd = F.sqrt(F.affine(variance(x), 1f, 1e-8f));
    Shape s = m.shape();
    Var eps = x.tape().input(Tensor.normal(rng, 0f, 1f, s.dims()));
    return F.add(m, F.mul(sd, eps));
  }

  /**
   * log α per weight (row-major, θ's layout), in double precision.
   *
   * @return a new array with one log α per weight
   */
  public double[] logAlpha() {
    float[] th = theta.value().data(), lv = logVar.value().data();
    double[] la = new double[th.length];
    for (int i = 0; i < th.length; i++) {
      la[i] = structured ? lv[i / fanIn] : lv[i] - 2 * Math.log(Math.abs((double) th[i]) + TINY);
    }
    return la;
  }

  /**
   * log α per group (structured), or null.
   *
   * @return a copy of the per-row log α, or null when unstructured
   */
  public float[] groupLogAlpha() {
    return structured ? logVar.value().data().clone() : null;
  }

  /**
   * The posterior standard deviation of each weight: σ_ij, or √α_i·|θ_ij| when structured.
   *
   * @return a new array with one standard deviation per weight
   */
  public double[] posteriorStd() {
    float[] th = theta.value().data(), lv = logVar.value().data();
    double[] sd = new double[th.length];
    for (int i = 0; i < th.length; i++) {
      sd[i] = structured ? Math.exp(0.5 * lv[i / fanIn]) * Math.abs(th[i]) : Math.exp(0.5 * lv[i]);
    }
    return sd;
  }

  /**
   * Σ KL over the layer's weights ({@link KlApproximation#kl}), in nats.
   *
   * @return the KL divergence to the log-uniform prior, in nats
   */
  public double kl() {
    double s = 0;
    if (structured) {
      for (float la : logVar.value().data()) s += fanIn * KlApproximation.kl(la);
      return s;
    }
    for (double la : logAlpha()) s += KlApproximation.kl(la);
    return s;
  }

  /**
   * Adds {@code scale}·∂KL/∂(θ, log σ² or log α) to the parameters' gradients: with g = scale·KL'(log
   * α_ij), ∂/∂log σ²_ij = g and ∂/∂θ_ij = −2·g·sign(θ_ij)/(|θ_ij| + 10⁻¹⁶) (unstructured);
   * ∂/∂log α_i = scale·fan-in·KL'(log α_i) (structured, θ not involved). Returns the KL.
   *
   * @param scale the factor on the gradients added (e.g. 1/N for the per-sample loss)
   * @return the unscaled KL, in nats
   */
  public double addKlGradient(double scale) {
    float[] lv = logVar.value().data(), gv = logVar.grad();
    double s = 0;
    if (structured) {
      for (int i = 0; i < lv.length; i++) {
        s += fanIn * KlApproximation.kl(lv[i]);
        gv[i] += (float) (scale * fanIn * KlApproximation.derivative(lv[i]));
      }
      return s;
    }
    float[] th = theta.value().data(), gt = theta.grad();
    double[] la = logAlpha();
    for (int i = 0; i < th.length; i++) {
      s += KlApproximation.kl(la[i]);
      double g = scale * KlApproximation.derivative(la[i]);
      if (g == 0) continue;
      gv[i] += (float) g;
      gt[i] += (float) (-2 * g * Math.signum(th[i]) / (Math.abs((double) th[i]) + TINY));
    }
    return s;
  }

  /**
   * keep_ij = log α_ij ≤ threshold (whole rows when structured). NaN log α is pruned.
   *
   * @param threshold the largest log α kept (the paper prunes log α &gt; 3)
   * @return per weight whether it is kept
   */
  public boolean[] keep(double threshold) {
    double[] la = logAlpha();
    boolean[] k = new boolean[la.length];
    for (int i = 0; i < la.length; i++) k[i] = la[i] <= threshold;
    return k;
  }

  /**
   * The trainable posterior parameters besides θ.
   *
   * @return the list holding the variance parameter
   */
  public List<Parameter> variationalParameters() {
    return List.of(logVar);
  }
}
