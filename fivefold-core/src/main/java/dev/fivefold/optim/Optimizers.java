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
 * </ul>
 * Defaults follow PyTorch: Adam β = (0.9, 0.999), ε = 1e-8; AdamW weight decay 0.01.
 */
public final class Optimizers {
  private Optimizers() {}

  public static Optimizer sgd(List<Parameter> ps, double lr, double momentum, boolean nesterov, double weightDecay) {
    LearningRate r = new LearningRate(check(lr));
    if (nesterov && momentum == 0) throw new IllegalArgumentException("nesterov needs momentum > 0 (momentum = 0)");
    GradientTransform t = momentum > 0
        ? chain(Transforms.addDecayedWeights(weightDecay, true), Transforms.traceMomentum(momentum, nesterov), Transforms.scaleByLearningRate(r))
        : chain(Transforms.addDecayedWeights(weightDecay, true), Transforms.scaleByLearningRate(r));
    return new Optimizer(nesterov ? "nesterov" : momentum > 0 ? "momentum" : "sgd", t, r, ps);
  }

  public static Optimizer adam(List<Parameter> ps, double lr, double beta1, double beta2, double eps, double weightDecay) {
    LearningRate r = new LearningRate(check(lr));
    return new Optimizer("adam", chain(Transforms.addDecayedWeights(weightDecay, true),
        Transforms.scaleByAdam(beta1, beta2, eps), Transforms.scaleByLearningRate(r)), r, ps);
  }

  public static Optimizer adam(List<Parameter> ps, double lr) {
    return adam(ps, lr, 0.9, 0.999, 1e-8, 0);
  }

  /** AdamW; decay applies to parameters with {@link Parameter#decay()} (not biases, norms, embeddings). */
  public static Optimizer adamw(List<Parameter> ps, double lr, double beta1, double beta2, double eps, double weightDecay) {
    LearningRate r = new LearningRate(check(lr));
    return new Optimizer("adamw", chain(Transforms.scaleByAdam(beta1, beta2, eps),
        Transforms.addDecayedWeights(weightDecay, false), Transforms.scaleByLearningRate(r)), r, ps);
  }

  /** By name with defaults: sgd, momentum (0.9), nesterov (0.9), adam, adamw (wd 0.01). */
  public static Optimizer byName(String name, List<Parameter> ps, double lr) {
    return switch (name) {
      case "sgd" -> sgd(ps, lr, 0, false, 0);
      case "momentum" -> sgd(ps, lr, 0.9, false, 0);
      case "nesterov" -> sgd(ps, lr, 0.9, true, 0);
      case "adam" -> adam(ps, lr);
      case "adamw" -> adamw(ps, lr, 0.9, 0.999, 1e-8, 0.01);
      default -> throw new IllegalArgumentException("optimizer (" + name + ") must be one of sgd, momentum, nesterov, adam, adamw");
    };
  }

  static double check(double lr) {
    if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate (" + lr + ") must be > 0");
    return lr;
  }
}
