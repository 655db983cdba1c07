package dev.fivefold.optim;

import dev.fivefold.nn.Parameter;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * Adam, then SGD with momentum, in one transform (Keskar &amp; Socher 2017, "Improving
 * Generalization Performance by Switching from Adam to SGD", SWATS, Algorithm 1). It emits the
 * final update (learning rate included), so it ends a chain.
 *
 * <p>Adam phase, step k (learning rate α_k from {@code lr}): p_k = -α_k (m/(1-β1^k)) /
 * (sqrt(v/(1-β2^k)) + ε) (PyTorch's Adam form). When p_kᵀg_k ≠ 0 (dot products over all
 * parameters): γ_k = p_kᵀp_k / (-p_kᵀg_k), λ_k = β2 λ_{k-1} + (1-β2) γ_k, and the SWATS signal is
 * |λ_k/(1-β2^k) - γ_k| (NaN before the first estimate). After the Adam step the {@link SwitchRule}
 * is asked with (k, signal), where signal is the supplied {@code signal} (e.g. the last loss) or,
 * when none is supplied, the SWATS signal. Once it fires, every later step is SGD:
 * v ← μ v + g; u ← -η v, where η is the given {@code sgdLr} if &gt; 0, otherwise the SWATS estimate
 * η = (1-μ) Λ with Λ = λ_k/(1-β2^k) (falling back to the current α when no estimate exists), as
 * in the paper with μ = β1.
 *
 * <p>State: slots "mu", "nu", "trace" (SGD momentum) and "swats" = [switched, λ, η]; count = k.
 */
public final class AdamThenSgd implements GradientTransform {
  /** When to switch: asked after each Adam step k with the signal. */
  @FunctionalInterface
  public interface SwitchRule {
    boolean test(long step, double signal);

    /** Switch after Adam step {@code k} (SGD from step k + 1). Errors: k &lt; 1. */
    static SwitchRule atStep(long k) {
      if (k < 1) throw new IllegalArgumentException("switch step (" + k + ") must be >= 1");
      return (t, s) -> t >= k;
    }

    /** The paper's criterion: k &gt; 1 and |λ_k/(1-β2^k) - γ_k| &lt; tol (paper: 1e-9). */
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

    /** Whether the SWATS signal handed to this rule is relative, |Λ_k - γ_k| / Λ_k. */
    default boolean relative() {
      return false;
    }
  }

  private final LearningRate lr;
  private final float b1, b2, e, mu;
  private final double beta2, beta1, sgdLr;
  private final SwitchRule rule;
  private final DoubleSupplier signal;

  /**
   * @param signal the value handed to {@code rule}, or null for the SWATS signal
   * @param sgdLr the SGD learning rate, or ≤ 0 for the SWATS estimate
   * @param momentum SGD momentum μ in [0, 1) (the paper uses β1)
   * @throws IllegalArgumentException for β, μ outside [0, 1) or ε ≤ 0, naming the parameter
   */
  public AdamThenSgd(LearningRate lr, double beta1, double beta2, double eps, SwitchRule rule, DoubleSupplier signal, double sgdLr, double momentum) {
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
    this.e = (float) eps;
    this.mu = (float) momentum;
    this.rule = rule;
    this.signal = signal;
    this.sgdLr = sgdLr;
  }

  /** Whether the state is in the SGD phase. */
  public static boolean switched(OptState s) {
    return s.slot("swats")[0][0] != 0;
  }

  /** The SGD learning rate chosen at the switch (0 before). */
  public static double sgdRate(OptState s) {
    return s.slot("swats")[0][2];
  }

  @Override
  public OptState init(List<Parameter> params) {
    OptState s = new OptState();
    s.addSlot("mu", Transforms.sizes(params));
    s.addSlot("nu", Transforms.sizes(params));
    s.addSlot("trace", Transforms.sizes(params));
    s.addSlot("swats", new int[] {3});
    return s;
  }

  @Override
  public void update(float[][] u, OptState s, List<Parameter> params) {
    s.count++;
    float[] sw = s.slot("swats")[0];
    if (sw[0] != 0) {
      float[][] b = s.slot("trace");
      float eta = sw[2];
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
    double pp = 0, pg = 0;
    for (int i = 0; i < u.length; i++) {
      float[] x = u[i], mi = m[i], vi = v[i];
      for (int j = 0; j < x.length; j++) {
        float g = x[j];
        mi[j] = b1 * mi[j] + (1 - b1) * g;
        vi[j] = b2 * vi[j] + (1 - b2) * g * g;
        float p = a * ((mi[j] / bc1) / ((float) Math.sqrt(vi[j]) / bc2s + e));
        pp += (double) p * p;
        pg += (double) p * g;
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
    double sig = signal == null ? swatsSignal : signal.getAsDouble();
    if (rule.test(k, sig)) {
      sw[0] = 1;
      double eta = sgdLr > 0 ? sgdLr : sw[1] != 0 ? (1 - mu) * sw[1] / bcl : lr.get();
      sw[2] = (float) eta;
    }
  }
}
