package dev.fivefold.perception;

import dev.fivefold.nn.Module;

/**
 * An architecture as a value: what a checkpoint's {@code model} metadata names. Each family parses
 * and prints its own ({@link Mlp.Spec}, {@link LeNet5.Spec}, {@link GptConfig}); {@link Models}
 * dispatches on the family name before the first colon. {@code Models.parse(s.toString())} equals
 * {@code s}.
 */
public interface ModelSpec {
  /** The family name, the spec string's prefix: mlp, lenet5, gpt. */
  String family();

  /** A fresh model of this architecture, its weights drawn from {@code seed}. */
  Module build(long seed);

  /** The spec string, e.g. {@code mlp:784-300-100-10:relu}. */
  @Override
  String toString();
}
