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
import dev.fivefold.train.Task;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A classification {@link Task} whose loss is the {@link Distillation} loss against a fixed
 * teacher: each batch runs the teacher forward (eval mode, inference tape) and the student on the
 * training tape. Same batch order as {@link ClassificationTask} with the same seed.
 */
public final class DistillationTask implements Task {
  private final Module student, teacher;
  private final Dataset test;
  private final Batches batches;
  private final Distillation distillation;
  private final Tape teacherTape = Tape.inference();

  public DistillationTask(Module student, Module teacher, Distillation distillation, Dataset train, Dataset test, int batchSize, long seed) {
    if (batchSize < 1) throw new IllegalArgumentException("batch (" + batchSize + ") must be >= 1");
    this.student = student;
    this.teacher = teacher;
    this.distillation = distillation;
    this.test = test;
    this.batches = new Batches(train, batchSize, true, new Rng(seed));
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
  public int unitsPerStep() {
    return batches.batchSize();
  }

  @Override
  public String unit() {
    return "samples";
  }

  @Override
  public long stepsPerEpoch() {
    return batches.batchesPerEpoch();
  }

  @Override
  public Map<String, Double> evaluate() {
    return ClassificationTask.evaluate(student, test, 1000);
  }

  @Override
  public Map<String, String> saveState() {
    Batches.State s = batches.state();
    Map<String, String> m = new LinkedHashMap<>();
    m.put("batches.epoch", Integer.toString(s.epoch()));
    m.put("batches.position", Integer.toString(s.position()));
    m.put("batches.rng", Long.toString(s.rngState()));
    return m;
  }

  @Override
  public void loadState(Map<String, String> st, String source) {
    try {
      batches.restore(new Batches.State(Integer.parseInt(st.get("batches.epoch")),
          Integer.parseInt(st.get("batches.position")), Long.parseLong(st.get("batches.rng"))));
    } catch (RuntimeException e) {
      throw new BadInputException(source + ": batch position is missing or invalid (" + e.getMessage() + ")", e);
    }
  }
}
