package dev.fivefold.perception;

import dev.fivefold.nn.Module;

/**
 * An architecture as a value: what a checkpoint's {@code model} metadata names. Each family parses
 * and prints its own ({@link Mlp.Spec}, {@link LeNet5.Spec}, {@link GptConfig}); {@link Models}
 * dispatches on the family name before the first colon. {@code Models.parse(s.toString())} equals
 * {@code s}.
 */
public interface ModelSpec {
  /**
   * The family name, the spec string's prefix: mlp, lenet5, gpt.
   *
   * @return the family name
   */
  String family();

  /**
   * A fresh model of this architecture, its weights drawn from {@code seed}.
   *
   * @param seed the weights' seed
   * @return a new model
   */
  Module build(long seed);

  /**
   * The model's parameter count, computed from the spec without building it (saturating at
   * {@code Long.MAX_VALUE}, so an absurd spec gives a huge number rather than an overflow).
   *
   * @return the parameter count, &ge; 1
   */
  long parameters();

  /**
   * float32 values one sample keeps for the backward pass, estimated from the spec without building
   * the model (three copies per layer output; for a GPT also the attention scores and the logits).
   * It errs low, so a budget check built on it refuses only what certainly cannot fit.
   *
   * @return a lower estimate of the activation floats per sample
   */
  long activationsPerSample();

  /** The spec string, e.g. {@code mlp:784-300-100-10:relu}. */
  @Override
  String toString();
}
