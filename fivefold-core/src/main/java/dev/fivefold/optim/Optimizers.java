package dev.fivefold.optim;

import static dev.fivefold.optim.GradientTransform.chain;

import dev.fivefold.nn.Parameter;
import java.util.List;

/**
 * The optimizers as chains (see {@link Transforms}):
 * <ul>
 *   <li>sgd = [L2] → [momentum] → -η</li>
 *   <li>adam = [L2] → adam scaling → -η (Kingma &amp; Ba 2015)</li>
 *   <li>adamw = adam scaling → decoupled decay → -η (Loshchilov &amp; Hutter 2019)</li>
 *   <li>adagrad, rmsprop[_centered], adadelta, amsgrad, adamax, nadam: [L2] → scaling → -η</li>
 *   <li>lamb = adam scaling → decoupled decay → trust ratio → -η; lars = LARS rate → momentum → -η</li>
 *   <li>swats = [L2] → {@link AdamThenSgd}</li>
 * </ul>
 * Coupled decay (L2) is {@link Transforms#addDecayedWeights} before the scaling stage, decoupled
 * after it; parameter groups are {@link Transforms#masked}; accumulation is
 * {@link Transforms#multiSteps}; constraints are {@link Transforms#projectMaxNorm},
 * {@link Transforms#projectL2Ball} and {@link Lagrangian}. Invalid hyper-parameters throw
 * IllegalArgumentException naming the parameter and value, e.g. "beta2 (1.2) must be in [0, 1)".
 * Defaults follow PyTorch: Adam β = (0.9, 0.999), ε = 1e-8; AdamW weight decay 0.01.
 */
public final class Optimizers {
  private Optimizers() {}

  /**
   * SGD, with heavy-ball or Nesterov momentum if asked, as PyTorch's: [L2] → [momentum b ← μ b + u] → -η.
   * Named "sgd", "momentum" or "nesterov".
   *
   * @param ps the parameters to update
   * @param lr the learning rate η, positive and finite
   * @param momentum the momentum μ in [0, 1); 0 for plain SGD
   * @param nesterov whether to use Nesterov momentum (needs μ above 0)
   * @param weightDecay the coupled (L2) decay λ, g ← g + λ·w, non-negative
   * @return the optimizer
   * @throws IllegalArgumentException if a hyper-parameter is out of range, naming it and its value
   */
  public static Optimizer sgd(List<Parameter> ps, double lr, double momentum, boolean nesterov, double weightDecay) {
    LearningRate r = new LearningRate(check(lr));
    Transforms.checkBeta("momentum", momentum);
    if (nesterov && momentum == 0) throw new IllegalArgumentException("nesterov needs momentum > 0 (momentum = 0)");
    GradientTransform t = momentum > 0
        ? chain(Transforms.addDecayedWeights(weightDecay, true), Transforms.traceMomentum(momentum, nesterov), Transforms.scaleByLearningRate(r))
        : chain(Transforms.addDecayedWeights(weightDecay, true), Transforms.scaleByLearningRate(r));
    return new Optimizer(nesterov ? "nesterov" : momentum > 0 ? "momentum" : "sgd", t, r, ps);
  }

  /**
   * Adam (Kingma &amp; Ba 2015) as PyTorch's, with coupled decay: [L2] → Adam scaling → -η.
   *
   * @param ps the parameters to update
   * @param lr the learning rate η, positive and finite
   * @param beta1 the decay of the first-moment average, in [0, 1)
   * @param beta2 the decay of the second-moment average, in [0, 1)
   * @param eps the term added to the denominator for stability, positive
   * @param weightDecay the coupled (L2) decay λ, g ← g + λ·w, non-negative
   * @return the optimizer
   * @throws IllegalArgumentException if a hyper-parameter is out of range, naming it and its value
   */
  public static Optimizer adam(List<Parameter> ps, double lr, double beta1, double beta2, double eps, double weightDecay) {
    LearningRate r = new LearningRate(check(lr));
    return new Optimizer("adam", chain(Transforms.addDecayedWeights(weightDecay, true),
        Transforms.scaleByAdam(beta1, beta2, eps), Transforms.scaleByLearningRate(r)), r, ps);
  }

  /**
   * Adam with PyTorch's defaults: β = (0.9, 0.999), ε = 1e-8, no weight decay.
   *
   * @param ps the parameters to update
   * @param lr the learning rate η, positive and finite
   * @return the optimizer
   * @throws IllegalArgumentException if a hyper-parameter is out of range, naming it and its value
   */
  public static Optimizer adam(List<Parameter> ps, double lr) {
    return adam(ps, lr, 0.9, 0.999, 1e-8, 0);
  }

  /**
   * AdamW; decay applies to parameters with {@link Parameter#decay()} (not biases, norms, embeddings).
   *
   * @param ps the parameters to update
   * @param lr the learning rate η, positive and finite
   * @param beta1 the decay of the first-moment average, in [0, 1)
   * @param beta2 the decay of the second-moment average, in [0, 1)
   * @param eps the term added to the denominator for stability, positive
   * @param weightDecay the decoupled decay λ, w ← w − η·λ·w, non-negative
   * @return the optimizer
   * @throws IllegalArgumentException if a hyper-parameter is out of range, naming it and its value
   */
  public static Optimizer adamw(List<Parameter> ps, double lr, double beta1, double beta2, double eps, double weightDecay) {
    LearningRate r = new LearningRate(check(lr));
    return new Optimizer("adamw", chain(Transforms.scaleByAdam(beta1, beta2, eps),
        Transforms.addDecayedWeights(weightDecay, false), Transforms.scaleByLearningRate(r)), r, ps);
  }

  /**
   * Adagrad (Duchi, Hazan &amp; Singer 2011) as PyTorch's with lr_decay 0 and initial accumulator
   * 0: [L2] → Adagrad scaling → -η. PyTorch defaults: ε = 1e-10, weight decay 0.
   *
   * @param ps the parameters to update
   * @param lr the learning rate η, positive and finite
   * @param eps the term added to the denominator, positive
   * @param weightDecay the coupled (L2) decay λ, g ← g + λ·w, non-negative
   * @return the optimizer
   * @throws IllegalArgumentException if a hyper-parameter is out of range, naming it and its value
   */
  public static Optimizer adagrad(List<Parameter> ps, double lr, double eps, double weightDecay) {
    LearningRate r = new LearningRate(check(lr));
    return new Optimizer("adagrad", chain(Transforms.addDecayedWeights(weightDecay, true),
        Transforms.scaleByRss(eps, 0), Transforms.scaleByLearningRate(r)), r, ps);
  }

  /**
   * RMSProp (Tieleman &amp; Hinton 2012), centered (Graves 2013) if asked, as PyTorch's:
   * [L2] → RMS scaling → [momentum b ← μ b + u] → -η. PyTorch defaults α = 0.99, ε = 1e-8,
   * momentum 0. Name "rmsprop" or "rmsprop_centered".
   *
   * @param ps the parameters to update
   * @param lr the learning rate η, positive and finite
   * @param alpha the decay of the squared-gradient average, in [0, 1)
   * @param eps the term added to the denominator for stability, positive
   * @param momentum the momentum μ in [0, 1); 0 for none
   * @param centered whether to divide by the estimated variance (the mean gradient subtracted) rather than
   *   the raw second moment
   * @param weightDecay the coupled (L2) decay λ, g ← g + λ·w, non-negative
   * @return the optimizer
   * @throws IllegalArgumentException if a hyper-parameter is out of range, naming it and its value
   */
  public static Optimizer rmsprop(List<Parameter> ps, double lr, double alpha, double eps, double momentum, boolean centered, double weightDecay) {
    LearningRate r = new LearningRate(check(lr));
    GradientTransform rms = Transforms.scaleByRms(alpha, eps, centered);
    GradientTransform mom = Transforms.traceMomentum(momentum, false);
    GradientTransform t = momentum > 0
        ? chain(Transforms.addDecayedWeights(weightDecay, true), rms, mom, Transforms.scaleByLearningRate(r))
        : chain(Transforms.addDecayedWeights(weightDecay, true), rms, Transforms.scaleByLearningRate(r));
    return new Optimizer(centered ? "rmsprop_centered" : "rmsprop", t, r, ps);
  }

  /**
   * AdaDelta (Zeiler 2012) as PyTorch's: [L2] → AdaDelta scaling → -η. Defaults lr 1.0, ρ 0.9, ε 1e-6.
   *
   * @param ps the parameters to update
   * @param lr the learning rate η, positive and finite
   * @param rho the decay ρ of the squared gradient and squared update averages, in [0, 1)
   * @param eps the term added to the denominator for stability, positive
   * @param weightDecay the coupled (L2) decay λ, g ← g + λ·w, non-negative
   * @return the optimizer
   * @throws IllegalArgumentException if a hyper-parameter is out of range, naming it and its value
   */
  public static Optimizer adadelta(List<Parameter> ps, double lr, double rho, double eps, double weightDecay) {
    LearningRate r = new LearningRate(check(lr));
    return new Optimizer("adadelta", chain(Transforms.addDecayedWeights(weightDecay, true),
        Transforms.scaleByAdaDelta(rho, eps), Transforms.scaleByLearningRate(r)), r, ps);
  }

  /**
   * AMSGrad (Reddi et al. 2018) as PyTorch's Adam(amsgrad=True): [L2] → AMSGrad scaling → -η.
   *
   * @param ps the parameters to update
   * @param lr the learning rate η, positive and finite
   * @param beta1 the decay of the first-moment average, in [0, 1)
   * @param beta2 the decay of the second-moment average, in [0, 1)
   * @param eps the term added to the denominator for stability, positive
   * @param weightDecay the coupled (L2) decay λ, g ← g + λ·w, non-negative
   * @return the optimizer
   * @throws IllegalArgumentException if a hyper-parameter is out of range, naming it and its value
   */
  public static Optimizer amsgrad(List<Parameter> ps, double lr, double beta1, double beta2, double eps, double weightDecay) {
    LearningRate r = new LearningRate(check(lr));
    return new Optimizer("amsgrad", chain(Transforms.addDecayedWeights(weightDecay, true),
        Transforms.scaleByAmsgrad(beta1, beta2, eps), Transforms.scaleByLearningRate(r)), r, ps);
  }

  /**
   * AdaMax (Kingma &amp; Ba 2015) as PyTorch's: [L2] → AdaMax scaling → -η. PyTorch lr default 2e-3.
   *
   * @param ps the parameters to update
   * @param lr the learning rate η, positive and finite
   * @param beta1 the decay of the first-moment average, in [0, 1)
   * @param beta2 the decay of the infinity-norm estimate, in [0, 1)
   * @param eps the term added to the denominator for stability, positive
   * @param weightDecay the coupled (L2) decay λ, g ← g + λ·w, non-negative
   * @return the optimizer
   * @throws IllegalArgumentException if a hyper-parameter is out of range, naming it and its value
   */
  public static Optimizer adamax(List<Parameter> ps, double lr, double beta1, double beta2, double eps, double weightDecay) {
    LearningRate r = new LearningRate(check(lr));
    return new Optimizer("adamax", chain(Transforms.addDecayedWeights(weightDecay, true),
        Transforms.scaleByAdamax(beta1, beta2, eps), Transforms.scaleByLearningRate(r)), r, ps);
  }

  /**
   * NAdam (Dozat 2016) as PyTorch 1.13's: [L2] → NAdam scaling (momentum decay ψ) → -η. PyTorch
   * defaults lr 2e-3, β (0.9, 0.999), ε 1e-8, ψ 4e-3.
   *
   * @param ps the parameters to update
   * @param lr the learning rate η, positive and finite
   * @param beta1 the decay of the first-moment average, in [0, 1)
   * @param beta2 the decay of the second-moment average, in [0, 1)
   * @param eps the term added to the denominator for stability, positive
   * @param weightDecay the coupled (L2) decay λ, g ← g + λ·w, non-negative
   * @param momentumDecay the momentum decay ψ, non-negative
   * @return the optimizer
   * @throws IllegalArgumentException if a hyper-parameter is out of range, naming it and its value
   */
  public static Optimizer nadam(List<Parameter> ps, double lr, double beta1, double beta2, double eps, double weightDecay, double momentumDecay) {
    LearningRate r = new LearningRate(check(lr));
    return new Optimizer("nadam", chain(Transforms.addDecayedWeights(weightDecay, true),
        Transforms.scaleByNadam(beta1, beta2, eps, momentumDecay), Transforms.scaleByLearningRate(r)), r, ps);
  }

  /**
   * LAMB (You et al. 2020, Algorithm 2), as optax.lamb: Adam scaling → decoupled decay (for
   * parameters with {@link Parameter#decay()}) → trust ratio ‖θ‖/‖u‖ (1 if either is 0) → -η.
   * Usual defaults (optax): β (0.9, 0.999), ε 1e-6, weight decay 0.
   *
   * @param ps the parameters to update
   * @param lr the learning rate η, positive and finite
   * @param beta1 the decay of the first-moment average, in [0, 1)
   * @param beta2 the decay of the second-moment average, in [0, 1)
   * @param eps the term added to the denominator for stability, positive
   * @param weightDecay the decoupled decay λ, non-negative
   * @return the optimizer
   * @throws IllegalArgumentException if a hyper-parameter is out of range, naming it and its value
   */
  public static Optimizer lamb(List<Parameter> ps, double lr, double beta1, double beta2, double eps, double weightDecay) {
    LearningRate r = new LearningRate(check(lr));
    return new Optimizer("lamb", chain(Transforms.scaleByAdam(beta1, beta2, eps),
        Transforms.addDecayedWeights(weightDecay, false), Transforms.scaleByTrustRatio(), Transforms.scaleByLearningRate(r)), r, ps);
  }

  /**
   * LARS (You, Gitman &amp; Ginsburg 2017, Algorithm 1): local rate η_t‖θ‖/(‖g‖+β‖θ‖) applied to
   * g + βθ → momentum b ← μ b + u → -γ. The paper's v ← μ v + γ λ (g + βθ) equals this while γ
   * is constant. Usual defaults: trust coefficient 0.001, momentum 0.9.
   *
   * @param ps the parameters to update
   * @param lr the global rate γ, positive and finite
   * @param momentum the momentum μ in [0, 1); 0 for none
   * @param weightDecay the decay β in the local rate and in g + βθ, non-negative
   * @param trustCoefficient the trust coefficient η_t, positive
   * @return the optimizer
   * @throws IllegalArgumentException if a hyper-parameter is out of range, naming it and its value
   */
  public static Optimizer lars(List<Parameter> ps, double lr, double momentum, double weightDecay, double trustCoefficient) {
    LearningRate r = new LearningRate(check(lr));
    GradientTransform t = momentum > 0
        ? chain(Transforms.scaleByLars(trustCoefficient, weightDecay), Transforms.traceMomentum(momentum, false), Transforms.scaleByLearningRate(r))
        : chain(Transforms.scaleByLars(trustCoefficient, weightDecay), Transforms.scaleByLearningRate(r));
    return new Optimizer("lars", t, r, ps);
  }

  /**
   * Adam, then SGD with momentum when {@code rule} fires ({@link AdamThenSgd}, Keskar &amp; Socher
   * 2017): [L2] → AdamThenSgd. With {@code sgdLr} ≤ 0 the SGD rate is estimated by {@code estimate}.
   *
   * @param ps the parameters to update
   * @param lr the Adam learning rate η, positive and finite
   * @param rule when to switch from Adam to SGD
   * @param signal the value the rule watches (e.g. a validation loss), or null if the rule needs none
   * @param estimate how the SGD rate is estimated when {@code sgdLr} is not positive
   * @param sgdLr the SGD learning rate after the switch; 0 or less to estimate it
   * @param momentum the SGD momentum after the switch, in [0, 1)
   * @param weightDecay the coupled (L2) decay λ, g ← g + λ·w, non-negative
   * @return the optimizer
   * @throws IllegalArgumentException if a hyper-parameter is out of range, naming it and its value
   */
  public static Optimizer adamThenSgd(List<Parameter> ps, double lr, AdamThenSgd.SwitchRule rule, java.util.function.DoubleSupplier signal,
      AdamThenSgd.RateEstimate estimate, double sgdLr, double momentum, double weightDecay) {
    LearningRate r = new LearningRate(check(lr));
    return new Optimizer("swats", chain(Transforms.addDecayedWeights(weightDecay, true),
        new AdamThenSgd(r, 0.9, 0.999, 1e-8, rule, signal, estimate, sgdLr, momentum)), r, ps);
  }

  /** The names {@link #byName} knows. */
  public static final List<String> NAMES = List.of("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "rmsprop_centered",
      "adadelta", "adam", "amsgrad", "adamw", "adamax", "nadam", "lamb", "lars", "swats");

  /**
   * {@code opt} with {@code clip} (a {@link Clipping} transform) as the first
   * link of its chain: clip → scaling → -η, the clip's state saved with the optimizer's. Returns
   * {@code opt} (see {@link Optimizer#prepend}).
   *
   * @param opt the optimizer to extend
   * @param clip the clipping transform to run first
   * @return {@code opt}, now clipping
   * @throws IllegalArgumentException if {@code opt} is null
   */
  public static Optimizer withClip(Optimizer opt, GradientTransform clip) {
    if (opt == null) throw new IllegalArgumentException("optimizer (null) must be given");
    return opt.prepend(clip);
  }

  /**
   * By name with PyTorch's defaults (see each factory): sgd, momentum (0.9), nesterov (0.9),
   * adagrad, rmsprop, rmsprop_centered, adadelta, adam, amsgrad, adamw (wd 0.01), adamax, nadam,
   * lamb (wd 0.01), lars (momentum 0.9, wd 1e-4, trust 0.001), swats (paper criterion, tol 1e-9,
   * SWATS-estimated SGD rate, momentum 0.9).
   *
   * @param name one of {@link #NAMES}
   * @param ps the parameters to update
   * @param lr the learning rate η, positive and finite
   * @return the optimizer
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static Optimizer byName(String name, List<Parameter> ps, double lr) {
    return byName(name, ps, lr, defaultWeightDecay(name));
  }

  /**
   * By name as {@link #byName(String, List, double)}, with weight decay λ instead of the name's
   * default (see {@link #defaultWeightDecay}): decoupled (w ← w − η·λ·w) for adamw and lamb, the
   * trust-ratio term for lars, and coupled (g ← g + λ·w, PyTorch's {@code weight_decay}) for the rest.
   *
   * @param name one of {@link #NAMES}
   * @param ps the parameters to update
   * @param lr the learning rate η, positive and finite
   * @param weightDecay the weight decay λ, non-negative and finite
   * @return the optimizer
   * @throws IllegalArgumentException for an unknown name, or λ negative or not finite
   */
  public static Optimizer byName(String name, List<Parameter> ps, double lr, double weightDecay) {
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException("weight decay (" + weightDecay + ") must be >= 0 and finite");
    }
    double wd = weightDecay;
    return switch (name) {
      case "sgd" -> sgd(ps, lr, 0, false, wd);
      case "momentum" -> sgd(ps, lr, 0.9, false, wd);
      case "nesterov" -> sgd(ps, lr, 0.9, true, wd);
      case "adagrad" -> adagrad(ps, lr, 1e-10, wd);
      case "rmsprop" -> rmsprop(ps, lr, 0.99, 1e-8, 0, false, wd);
      case "rmsprop_centered" -> rmsprop(ps, lr, 0.99, 1e-8, 0, true, wd);
      case "adadelta" -> adadelta(ps, lr, 0.9, 1e-6, wd);
      case "adam" -> adam(ps, lr, 0.9, 0.999, 1e-8, wd);
      case "amsgrad" -> amsgrad(ps, lr, 0.9, 0.999, 1e-8, wd);
      case "adamw" -> adamw(ps, lr, 0.9, 0.999, 1e-8, wd);
      case "adamax" -> adamax(ps, lr, 0.9, 0.999, 1e-8, wd);
      case "nadam" -> nadam(ps, lr, 0.9, 0.999, 1e-8, wd, 4e-3);
      case "lamb" -> lamb(ps, lr, 0.9, 0.999, 1e-6, wd);
      case "lars" -> lars(ps, lr, 0.9, wd, 0.001);
      case "swats" -> adamThenSgd(ps, lr, AdamThenSgd.SwitchRule.swats(1e-9), null, AdamThenSgd.RateEstimate.SWATS, 0, 0.9, wd);
      default -> throw new IllegalArgumentException("optimizer (" + name + ") must be one of " + String.join(", ", NAMES));
    };
  }

  /**
   * The weight decay {@link #byName(String, List, double)} uses: 0.01 for adamw and lamb, 1e-4 for lars, 0 otherwise.
   *
   * @param name an optimizer name
   * @return the default weight decay for that name
   */
  public static double defaultWeightDecay(String name) {
    return switch (name) {
      case "adamw", "lamb" -> 0.01;
      case "lars" -> 1e-4;
      default -> 0;
    };
  }

  static double check(double lr) {
    if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate (" + lr + ") must be > 0");
    return lr;
  }
}
