package dev.fivefold.dist;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.Module;

/**
 * A worker's source of training batches, seeded and deterministic: image samples of its shard
 * ({@link TrainingData.Images}) or token windows of its shard of a text ({@link TrainingData.Text}).
 * Each call takes the next batch and records its mean loss on a tape; the position can be saved
 * and restored, so a resumed run sees the same batches.
 */
public interface Minibatches {
  /**
   * The mean loss of the next batch on {@code model}, recorded on {@code tape} (the caller
   * backpropagates it).
   *
   * @param model the worker's model (an image classifier, or a {@code LanguageModel} for text)
   * @param tape the tape to record on, reset by the caller
   * @return the loss, a scalar
   */
  Var nextLoss(Module model, Tape tape);

  /** {@return the position to save: which batch comes next, as a string} */
  String position();

  /**
   * Continues from a {@link #position()}: the next batch is the one that followed it.
   *
   * @param position a string from {@link #position()} of minibatches of the same data, shard and seed
   * @throws RuntimeException if the string is not a valid position
   */
  void restore(String position);
}
