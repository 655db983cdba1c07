package dev.fivefold.compress;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.Batches;
import dev.fivefold.data.Dataset;
import dev.fivefold.data.RandomShift;
import dev.fivefold.io.BadInputException;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.BatchedTask;
import dev.fivefold.train.Task;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A classification {@link Task} whose loss is the {@link Distillation} loss against a fixed
 * teacher: each batch runs the teacher forward (eval mode, inference tape) and the student on the
 * training tape. Same batch order as {@link ClassificationTask} with the same seed.
 *
 * <p>With a {@code jitter} the transfer set is the training images each shifted by a fresh random
 * offset, the same shifted image going to the teacher and the student ("function matching",
 * Beyer et al., "Knowledge distillation: A good teacher is patient and consistent", CVPR 2022):
 * the student matches the teacher's function on many more inputs than the N training images.
 */
public final class DistillationTask extends BatchedTask {
  private final Module student, teacher;
  private final Dataset test;
  private final Distillation distillation;
  private final Tape teacherTape = Tape.inference();
  private final RandomShift jitter;

  public DistillationTask(Module student, Module teacher, Distillation distillation, Dataset train, Dataset test, int batchSize, long seed) {
    this(student, teacher, distillation, train, test, batchSize, seed, null);
  }

  /** @param jitter shifts each batch before both models see it (function matching); null for none */
  public DistillationTask(Module student, Module teacher, Distillation distillation, Dataset train, Dataset test, int batchSize, long seed,
      RandomShift jitter) {
    super(train, batchSize, seed);
    this.jitter = jitter;
    this.student = student;
    this.teacher = teacher;
    this.distillation = distillation;
    this.test = test;
    teacher.eval();
  }

  @Override
  public Module model() {
    return student;
  }

  @Override
  public Var trainLoss(Tape tape) {
    Batches.Batch b = batches.next();
    Tensor x = jitter == null ? b.x() : jitter.apply(b.x()); // [B, 1, 28, 28]
    teacherTape.reset();
    Var t = teacher.forward(teacherTape.input(x));
    Tensor logits = Tensor.wrap(t.data().clone(), t.shape()); // [B, classes]
    return distillation.loss(student.forward(tape.input(x)), logits, b.y());
  }

  @Override
  public Map<String, Double> evaluate() {
    return ClassificationTask.evaluate(student, test, 1000);
  }

}
