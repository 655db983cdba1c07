package dev.fivefold.optim;

import dev.fivefold.nn.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Adam, then SGD with momentum, in one transform (Keskar &amp; Socher 2017, "Improving
 * Generalization Performance by Switching from Adam to SGD", SWATS, Algorithm 1). It emits the
 * final update (learning rate included), so it ends a chain.
 *
 * <p>Adam phase, step k (learning rate α_k from {@code lr}): p_k = -α_k (m/(1-β1^k)) /
 * (sqrt(v/(1-β2^k)) + ε) (PyTorch's Adam form). Alongside, the momentum buffer SGD would have,
 * b_k = μ b_{k-1} + g_k, is kept (to measure it; it is zeroed at the switch, as in the paper).
 * When p_kᵀg_k ≠ 0 (dot products over all parameters): γ_k = p_kᵀp_k / (-p_kᵀg_k),
 * λ_k = β2 λ_{k-1} + (1-β2) γ_k, ρ_k = β2 ρ_{k-1} + (1-β2) ‖p_k‖/‖b_k‖, and the SWATS signal is
 * |λ_k/(1-β2^k) - γ_k| (NaN before the first estimate). After the Adam step the
 * {@link SwitchRule} is asked with (k, signal), where signal is the supplied {@code signal}
 * (e.g. the last loss) or, when none is supplied, the SWATS signal.
 *
 * <p>Once it fires, every later step t is SGD: b ← μ b + g; u ← -η (α_t/α_k) b, i.e. the SGD
 * rate η follows whatever schedule drives {@code lr}, relative to its value α_k at the switch. η
 * is the given {@code sgdLr} if &gt; 0, otherwise estimated ({@link RateEstimate}) from
 * Λ = λ_k/(1-β2^k) or P = ρ_k/(1-β2^k), falling back to α_k when no positive estimate
 * exists (and to a constant η when α_k = 0).
 *
 * <p>State: slots "mu", "nu", "trace" (b) and "swats" = [switched, λ, η, α_k, ρ]; count = k.
 */
public final class AdamThenSgd implements GradientTransform {
  /** When to switch: asked after each Adam step k with the signal. */
  @FunctionalInterface
  public interface SwitchRule {
    /**
     * Whether to switch after Adam step {@code step}.
     *
     * @param step the Adam step just taken, from 1
     * @param signal the supplied signal, or the SWATS signal (NaN before the first estimate)
     * @return true to switch to SGD from the next step
     */
    boolean test(long step, double signal);

    /**
     * Switch after Adam step {@code k} (SGD from step k + 1). Errors: k &lt; 1.
     *
     * @param k the last Adam step, at least 1
     * @return the rule
     */
    static SwitchRule atStep(long k) {
      if (k < 1) throw new IllegalArgumentException("switch step (" + k + ") must be >= 1");
      return (t, s) -> t >= k;
    }

    /**
     * The paper's criterion: k &gt; 1 and |λ_k/(1-β2^k) - γ_k| &lt; tol (paper: 1e-9).
     *
     * @param tol the absolute tolerance, positive
     * @return the rule
     * @throws IllegalArgumentException if {@code tol} is not positive
     */
    static SwitchRule swats(double tol) {
      if (!(tol > 0)) throw new IllegalArgumentException("tol (" + tol + ") must be > 0");
      return (t, s) -> t > 1 && s < tol;
    }

    /**
     * A scale-free form of the paper's criterion: switch once k ≥ {@code minStep} and
     * |Λ_k - γ_k| / Λ_k &lt; {@code tol}, Λ_k = λ_k/(1-β2^k). The paper's absolute 1e-9 is tied to
     * the scale of the rate (it never fires at rates ~1e-3 in float32); a relative tolerance asks
     * the same question — has the running estimate of the SGD rate settled on what the latest
     * step implies — independently of that scale. {@code minStep} (e.g. 1/(1-β2)) lets the
     * estimate average over enough steps first.
     *
     * @param tol the relative tolerance, positive
     * @param minStep the first step at which a switch may happen, at least 2
     * @return the rule
     * @throws IllegalArgumentException if {@code tol} is not positive or {@code minStep} is below 2
     */
    static SwitchRule swatsRelative(double tol, long minStep) {
      if (!(tol > 0)) throw new IllegalArgumentException("tol (" + tol + ") must be > 0");
      if (minStep < 2) throw new IllegalArgumentException("min step (" + minStep + ") must be >= 2");
      return new SwitchRule() {
        public boolean test(long t, double s) {
          return t >= minStep && s < tol;
        }

        public boolean relative() {
          return true;
        }
      };
    }

    /**
     * Whether the SWATS signal handed to this rule is relative, |Λ_k - γ_k| / Λ_k.
     *
     * @return true if the signal is relative (default false)
     */
    default boolean relative() {
      return false;
    }
  }

  /**
   * How the SGD rate η is estimated at the switch, when no rate is given.
   *
   * <p>{@link #SWATS}: the paper's η = (1-μ) Λ. γ_k is the SGD step length along g_k whose
   * projection on p_k is p_k; Λ is its average. When Adam's step is nearly orthogonal to the
   * minibatch gradient (cos θ small, as in the noise-dominated regime of a small MLP) γ =
   * ‖p‖/(‖g‖ cos θ) is large and noisy: on LeNet-300-100 at Adam 1e-3 (seeds 1-3, switch after
   * ~1100 steps) (1-μ)Λ was 0.145, 0.053 and 0.056, where P below was 0.040, 0.039 and 0.041.
   * Under a constant gradient a it is (1-μ) α n/‖a‖₁, which makes SGD's steps longer than Adam's
   * by √n‖a‖₂/‖a‖₁ ≥ 1 (equal only when every |a_j| is equal).
   *
   * <p>{@link #MATCHED}: η = P, the average of ‖p_k‖/‖b_k‖, so that the SGD step η‖b‖ has the
   * length Adam's steps had just before the switch (under a constant gradient, α √n (1-μ)/‖a‖₂:
   * SGD then steps exactly as far as Adam did). The momentum gain (‖b‖ is between
   * 1/sqrt(1-μ²) and 1/(1-μ) times ‖g‖, depending on how correlated successive gradients are) is
   * measured rather than assumed, and no alignment of p with g is needed.
   */
  public enum RateEstimate {
    /** The paper's η = (1-μ) Λ. */
    SWATS,
    /** η = P, the step length Adam had just before the switch. */
    MATCHED
  }

  private final LearningRate lr;
  private final float b1, b2, c1, c2, e, mu;
  private final double beta2, beta1, sgdLr;
  private final SwitchRule rule;
  private final DoubleSupplier signal;
  private final RateEstimate estimate;

  /**
   * Adam then SGD, switching when {@code rule} fires.
   *
   * @param lr the Adam learning rate α (its later values scale the SGD rate)
   * @param beta1 Adam's first-moment decay, in [0, 1)
   * @param beta2 Adam's second-moment decay (also of λ and ρ), in [0, 1)
   * @param eps Adam's ε, positive
   * @param rule when to switch
   * @param signal the value handed to {@code rule}, or null for the SWATS signal
   * @param estimate how to estimate the SGD rate when {@code sgdLr} is not positive
   * @param sgdLr the SGD learning rate, or ≤ 0 to estimate it with {@code estimate}
   * @param momentum SGD momentum μ in [0, 1) (the paper uses β1)
   * @throws IllegalArgumentException for β, μ outside [0, 1) or ε ≤ 0, naming the parameter
   */
  public AdamThenSgd(LearningRate lr, double beta1, double beta2, double eps, SwitchRule rule, DoubleSupplier signal,
      RateEstimate estimate, double sgdLr, double momentum) {
    Transforms.checkBeta("beta1", beta1);
    Transforms.checkBeta("beta2", beta2);
    Transforms.checkEps(eps);
    Transforms.checkBeta("momentum", momentum);
    if (Double.isNaN(sgdLr) || Double.isInfinite(sgdLr)) throw new IllegalArgumentException("sgd learning rate (" + sgdLr + ") must be finite");
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.b1 = (float) beta1;
    this.b2 = (float) beta2;
    this.c1 = Transforms.complement(beta1);
    this.c2 = Transforms.complement(beta2);
    this.e = (float) eps;
    this.mu = (float) momentum;
    this.rule = rule;
    this.signal = signal;
    this.sgdLr = sgdLr;
    this.estimate = Objects.requireNonNull(estimate, "estimate");
  }

  /**
   * Whether the state is in the SGD phase.
   *
   * @param s this transform's state
   * @return true after the switch
   */
  public static boolean switched(OptState s) {
    return s.slot("swats")[0][0] != 0;
  }

  /**
   * The SGD learning rate chosen at the switch (0 before), before scaling by α_t/α_k.
   *
   * @param s this transform's state
   * @return the rate η
   */
  public static double sgdRate(OptState s) {
    return s.slot("swats")[0][2];
  }

  /** The current estimates (0 before the first), bias-corrected at step k: [(1-μ)Λ, P]. */
  double[] estimates(OptState s) {
    float[] sw = s.slot("swats")[0];
    double bc = 1 - Math.pow(beta2, Math.max(1, s.count));
    return new double[] {(1 - mu) * sw[1] / bc, sw[4] / bc};
  }

  @Override
  public OptState init(List<Parameter> params) {
    OptState s = new OptState();
    s.addSlot("mu", Transforms.sizes(params));
    s.addSlot("nu", Transforms.sizes(params));
    s.addSlot("trace", Transforms.sizes(params));
    s.addSlot("swats", new int[] {5});
    return s;
  }

  @Override
  public void update(float[][] u, OptState s, List<Parameter> params) {
    s.count++;
    float[] sw = s.slot("swats")[0];
    float[][] b = s.slot("trace");
    if (sw[0] != 0) {
      float eta = (float) (sw[3] > 0 ? sw[2] * (lr.get() / sw[3]) : sw[2]);
      for (int i = 0; i < u.length; i++) {
        float[] x = u[i], bi = b[i];
        for (int j = 0; j < x.length; j++) {
          bi[j] = mu * bi[j] + x[j];
          x[j] = -eta * bi[j];
        }
      }
      return;
    }
    long k = s.count;
    float[][] m = s.slot("mu"), v = s.slot("nu");
    float bc1 = (float) (1 - Math.pow(beta1, k));
    float bc2s = (float) Math.sqrt(1 - Math.pow(beta2, k));
    float a = (float) -lr.get();
    double pp = 0, pg = 0, bb = 0;
    for (int i = 0; i < u.length; i++) {
      float[] x = u[i], mi = m[i], vi = v[i], bi = b[i];
      for (int j = 0; j < x.length; j++) {
        float g = x[j];
        bi[j] = mu * bi[j] + g;
        float p = a * Transforms.adamDirection(g, mi, vi, j, b1, b2, c1, c2, bc1, bc2s, e);
        pp += (double) p * p;
        pg += (double) p * g;
        bb += (double) bi[j] * bi[j];
        x[j] = p;
      }
    }
    double swatsSignal = Double.NaN;
    double bcl = 1 - Math.pow(beta2, k);
    if (pg != 0) {
      double gamma = pp / -pg;
      sw[1] = (float) (beta2 * sw[1] + (1 - beta2) * gamma);
      swatsSignal = Math.abs(sw[1] / bcl - gamma);
      if (rule.relative()) swatsSignal /= Math.abs(sw[1] / bcl);
    }
    if (bb > 0) sw[4] = (float) (beta2 * sw[4] + (1 - beta2) * Math.sqrt(pp / bb));
    double sig = signal == null ? swatsSignal : signal.getAsDouble();
    if (rule.test(k, sig)) {
      double[] est = estimates(s);
      double guess = estimate == RateEstimate.SWATS ? est[0] : est[1];
      sw[0] = 1;
      sw[2] = (float) (sgdLr > 0 ? sgdLr : guess > 0 ? guess : lr.get());
      sw[3] = (float) lr.get();
      for (float[] bi : b) Arrays.fill(bi, 0);
    }
  }
}
