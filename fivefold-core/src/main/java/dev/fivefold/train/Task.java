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
  Module model();

  /** Records the mean loss (nats) of the next training batch on {@code tape}. */
  Var trainLoss(Tape tape);

  /** Samples (or tokens) per training step, for throughput. */
  int unitsPerStep();

  /** "samples" or "tokens". */
  String unit();

  /** Steps in one pass over the training data. */
  long stepsPerEpoch();

  /** Evaluates on held-out data (model in eval mode): at least "loss"; "accuracy" or "bpc". */
  Map<String, Double> evaluate();

  /** Position in the data stream (for checkpoints), as strings. */
  Map<String, String> saveState();

  void loadState(Map<String, String> state, String source);

  /**
   * Nanoseconds spent so far assembling training batches inside {@link #trainLoss} (gathering
   * samples, shuffling), for the trainer's {@link Trainer#timeBreakdown}; 0 if the task does not
   * measure it (the time then counts as forward).
   */
  default long dataNanos() {
    return 0;
  }
}
