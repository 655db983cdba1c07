package dev.fivefold.train;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.Module;
import java.util.Map;

/**
 * What a {@link Trainer} trains: a model, a stream of training batches, and an evaluation.
 * The task owns its batch order and random state so a checkpoint can resume it exactly.
 */
public interface Task {
  /** {@return the model the trainer updates} */
  Module model();

  /**
   * Records the mean loss (nats) of the next training batch on {@code tape}.
   *
   * @param tape the training tape
   * @return the scalar loss
   */
  Var trainLoss(Tape tape);

  /**
   * Samples (or tokens) per training step, for throughput.
   *
   * @return the units per step
   */
  int unitsPerStep();

  /**
   * "samples" or "tokens".
   *
   * @return the unit's name
   */
  String unit();

  /**
   * Steps in one pass over the training data.
   *
   * @return the steps per epoch
   */
  long stepsPerEpoch();

  /**
   * Evaluates on held-out data (model in eval mode): at least "loss"; "accuracy" or "bpc".
   *
   * @return the metrics by name
   */
  Map<String, Double> evaluate();

  /**
   * Position in the data stream (for checkpoints), as strings.
   *
   * @return the position by key
   */
  Map<String, String> saveState();

  /**
   * Restores a position from {@link #saveState}.
   *
   * @param state the saved strings by key
   * @param source names the state in messages
   * @throws dev.fivefold.io.BadInputException if the state is missing or invalid
   */
  void loadState(Map<String, String> state, String source);

  /**
   * Nanoseconds spent so far assembling training batches inside {@link #trainLoss} (gathering
   * samples, shuffling), for the trainer's {@link Trainer#timeBreakdown}; 0 if the task does not
   * measure it (the time then counts as forward).
   *
   * @return the nanoseconds, or 0
   */
  default long dataNanos() {
    return 0;
  }
}
