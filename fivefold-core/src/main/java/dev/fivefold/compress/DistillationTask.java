package dev.fivefold.compress;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.Batches;
import dev.fivefold.data.Dataset;
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
 */
public final class DistillationTask extends BatchedTask {
  private final Module student, teacher;
  private final Dataset test;
  private final Distillation distillation;
  private final Tape teacherTape = Tape.inference();

  public DistillationTask(Module student, Module teacher, Distillation distillation, Dataset train, Dataset test, int batchSize, long seed) {
    super(train, batchSize, seed);
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
    teacherTape.reset();
    Var t = teacher.forward(teacherTape.input(b.x()));
    Tensor logits = Tensor.wrap(t.data().clone(), t.shape());
    return distillation.loss(student.forward(tape.input(b.x())), logits, b.y());
  }

  @Override
  public Map<String, Double> evaluate() {
    return ClassificationTask.evaluate(student, test, 1000);
  }

}
