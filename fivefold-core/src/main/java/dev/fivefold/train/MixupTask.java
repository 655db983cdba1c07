package dev.fivefold.train;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.Batches;
import dev.fivefold.data.Dataset;
import dev.fivefold.data.Mixup;
import dev.fivefold.nn.Module;
import java.util.Map;

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
  private final Module model;
  private final Dataset train, test;
  private final Mixup mixup;

  public MixupTask(Module model, Dataset train, Dataset test, int batchSize, long seed, Mixup mixup) {
    super(train, batchSize, seed);
    if (mixup == null) throw new IllegalArgumentException("mixup must not be null");
    this.model = model;
    this.train = train;
    this.test = test;
    this.mixup = mixup;
  }

  @Override
  public Module model() {
    return model;
  }

  @Override
  public Var trainLoss(Tape tape) {
    Batches.Batch b = batches.next();
    Mixup.Mixed m = mixup.apply(b.x());
    Var logits = model.forward(tape.input(m.x())); // [B, classes]
    return F.softCrossEntropy(logits, m.targets(b.y(), train.classes()));
  }

  @Override
  public Map<String, Double> evaluate() {
    return ClassificationTask.evaluate(model, test, 1000);
  }
}
