package dev.fivefold.optim;

/**
 * The usual learning rate of each optimizer in {@link Optimizers#NAMES} for LeNet-300-100 on
 * Fashion-MNIST at batch 128, constant rate (the {@code optimizers} comparison's defaults):
 * sgd 0.1; momentum and nesterov 0.05 (μ 0.9); adagrad 0.01; rmsprop(_centered) 1e-3; adadelta
 * 1.0; adam, amsgrad, adamw and swats 1e-3; adamax and nadam 2e-3 (PyTorch's defaults); lamb 1e-2
 * (its step is lr·‖θ‖ per layer; best of 1e-3, 5e-3, 1e-2, 2e-2); lars 5 (μ 0.9, trust 0.001;
 * best of 0.1, 1, 2, 5, 10).
 */
public final class OptimizerDefaults {
  private OptimizerDefaults() {}

  /**
   * The default learning rate of optimizer {@code name}.
   *
   * @param name an optimizer name
   * @return its default learning rate
   * @throws IllegalArgumentException naming {@code name} if it is not one of {@link Optimizers#NAMES}
   */
  public static double learningRate(String name) {
    if (!Optimizers.NAMES.contains(name)) {
      throw new IllegalArgumentException("optimizer (" + name + ") must be one of " + String.join(", ", Optimizers.NAMES));
    }
    return switch (name) {
      case "sgd" -> 0.1;
      case "lars" -> 5.0; // global rate; the trust coefficient 0.001 makes the local rate small
      case "lamb" -> 1e-2; // the trust ratio makes each layer's step lr·‖θ‖
      case "momentum", "nesterov" -> 0.05;
      case "adagrad" -> 0.01;
      case "adadelta" -> 1.0;
      case "adamax", "nadam" -> 2e-3;
      default -> 1e-3; // rmsprop(_centered), adam, amsgrad, adamw, swats
    };
  }
}
