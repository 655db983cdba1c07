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
 * set. The fair baseline for a student distilled on a mixup transfer set: the same inputs (the same
 * {@link Mixup} stream the distillation task draws from), the labels instead of the teacher.
 *
 * <p>For mixup as a training augmentation use {@link ClassificationTask} with the augmentation
 * {@code mixup:A} ({@link dev.fivefold.data.augment.Augmentation}): the same blend and loss
 * ({@link Mixup} is the one implementation of both), with a per-batch generator whose state is
 * checkpointed, so it resumes exactly; this task's shared generator is not saved.
 */
public final class MixupTask extends BatchedTask {
  /**
   * A mixup task; batches are drawn as by {@link ClassificationTask} with the same seed.
   *
   * @param model the classifier
   * @param train the training set
   * @param test the clean evaluation set
   * @param batchSize samples per batch, at least 1
   * @param seed the seed of the batch order
   * @param mixup the mixup drawing the partners and weights
   */
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
