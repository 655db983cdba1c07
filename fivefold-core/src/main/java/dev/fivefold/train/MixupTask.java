package dev.fivefold.train;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.Dataset;
import dev.fivefold.data.Mixup;
import dev.fivefold.nn.Module;

/**
 * Classification trained on mixup'ed batches (Zhang et al. 2018, see {@link Mixup}): the loss is the
 * cross-entropy of the model on x̃ against the mixed labels ỹ,
 * <pre>
 *   L = −(1/N) Σ_i [ λ_i · log p(y_i | x̃_i) + (1 − λ_i) · log p(y_π(i) | x̃_i) ]
 * </pre>
 * Same batch order as {@link ClassificationTask} with the same seed; evaluation is on the clean test
 * set. The fair baseline for a student distilled on a mixup transfer set: the same inputs, the labels
 * instead of the teacher.
 */
public final class MixupTask extends BatchedTask {
  public MixupTask(Module model, Dataset train, Dataset test, int batchSize, long seed, Mixup mixup) {
    super(model, train, test, batchSize, seed, loss(model, train, mixup));
  }

  /** Cross-entropy of the model on x̃ against the mixed labels ỹ. */
  private static Loss loss(Module model, Dataset train, Mixup mixup) {
    if (mixup == null) throw new IllegalArgumentException("mixup must not be null");
    return (tape, b) -> {
      Mixup.Mixed m = mixup.apply(b.x());
      Var logits = model.forward(tape.input(m.x())); // [B, classes]
      return F.softCrossEntropy(logits, m.targets(b.y(), train.classes()));
    };
  }
}
