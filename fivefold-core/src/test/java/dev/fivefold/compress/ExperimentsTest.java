package dev.fivefold.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.compress.distill.Distillation;
import dev.fivefold.compress.distill.DistillationExperiment;
import dev.fivefold.compress.distill.DistillationExperiment.Student;
import dev.fivefold.control.Controller;
import dev.fivefold.control.Schedules;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Mlp;
import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.Trainer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sparse-inference and distillation experiments as library calls: results, not printed text. */
class ExperimentsTest {
  /** Images [n, 1, 28, 28] whose class c lights rows 3c..3c+2, with noise: learnable in an epoch. */
  static Dataset images(int n, long seed) {
    Rng r = new Rng(seed);
    float[] x = new float[n * 784];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(10);
      for (int p = 0; p < 784; p++) x[i * 784 + p] = p / 28 / 3 == y[i] ? 0.8f + 0.2f * r.nextFloat() : 0.15f * r.nextFloat();
    }
    return new Dataset(Tensor.of(x, n, 1, 28, 28), y, 10);
  }

  @Test
  void sparseInferenceRowsAreTheDenseModelAndItsPrunedVariants() {
    Dataset train = images(128, 1), test = images(64, 2);
    Mlp base = new Mlp(new int[] {784, 16, 8, 10}, "relu", 3);
    var c = new SparseInferenceExperiment.Config(List.of(0.5), SparseInferenceExperiment.Scope.GLOBAL, List.of(0.5), 0, List.of(1, 4), 1e-4, 1e-3, 5);
    var r = SparseInferenceExperiment.run(c, base, train, test, line -> {});
    assertEquals("LeNet-300-100 [784, 16, 8, 10]", r.title());
    assertEquals(3, r.rows().size());
    var dense = r.rows().get(0);
    assertEquals(784 * 16 + 16 * 8 + 8 * 10, dense.weights());
    assertEquals(dense.weights(), dense.multAdds());
    assertEquals(ClassificationTask.evaluate(base, test, 1000).get("accuracy"), dense.accuracy(), 1e-12);
    var un = r.rows().get(1);
    assertEquals("50% global", un.setting());
    assertEquals(0.5, un.removed(), 0.01);
    assertEquals(un.weights(), un.multAdds());
    var st = r.rows().get(2);
    assertEquals("784-8-4-10", st.setting());
    assertEquals(784 * 8 + 8 * 4 + 4 * 10, st.weights());
    for (var row : r.rows()) assertTrue(row.micros().length == 2 && row.micros()[0] > 0, row.toString());
    assertThrows(IllegalArgumentException.class, () -> new SparseInferenceExperiment.Config(List.of(1.0), SparseInferenceExperiment.Scope.GLOBAL,
        List.of(), 0, List.of(1), 0.1, 1e-3, 1));
  }

  /** The student alone is exactly a ClassificationTask from seed S (weights) and S + 1 (batches), Adam with a cosine decay; the run repeats bit for bit. */
  @Test
  void distillationFollowsItsSeedProtocol() {
    Dataset train = images(96, 3), test = images(48, 4);
    var teacher = new DistillationExperiment.Trained("mlp:784-24-10", 1, 1, 0, 0.5, 1);
    var c = new DistillationExperiment.Config(teacher, "mlp:784-8-10", List.of(Student.ALONE, Student.DISTILLED), 2, List.of(4.0), 0.9,
        Distillation.Match.SOFT_TARGETS, 0, 0, 1e-3, 32, 0, 0, 7);
    var r = DistillationExperiment.run(c, train, test, line -> {});
    assertEquals(List.of("teacher", "student alone", "distilled T=4.00"), r.rows().stream().map(DistillationExperiment.Row::name).toList());
    assertEquals(1, r.trainedTeachers().size());
    assertEquals("mlp:784-24-10:relu", Models.specOf(r.trainedTeachers().getFirst()));
    assertEquals("mlp:784-24-10 dropout 0.0/0.5 jitter 1", r.rows().getFirst().spec());

    Module alone = Models.create("mlp:784-8-10", 7);
    ClassificationTask task = new ClassificationTask(alone, train, test, 32, 8);
    Trainer t = new Trainer(task, Optimizers.adam(alone.parameters(), 1e-3), TrainConfig.epochs(2));
    t.controller(Controller.open(Schedules.cosine(1e-3, 2 * task.stepsPerEpoch(), 0)));
    double err = 100 * (1 - t.fit().get("accuracy"));
    assertEquals(err, r.row("student alone").error(), 1e-12);

    var again = DistillationExperiment.run(c, train, test, line -> {});
    for (int i = 0; i < r.rows().size(); i++) {
      assertEquals(r.rows().get(i).error(), again.rows().get(i).error(), 0, r.rows().get(i).name());
      assertArrayEquals(r.rows().get(i).curve().getLast(), again.rows().get(i).curve().getLast());
    }
    assertTrue(Double.isNaN(DistillationExperiment.Result.gapClosed(10, 9, 8)));
    assertEquals(0.5, DistillationExperiment.Result.gapClosed(8, 12, 10), 1e-12);
    var e = assertThrows(IllegalArgumentException.class, () -> new DistillationExperiment.Trained("lenet5", 1, 1, 0.2, 0, 0));
    assertTrue(e.getMessage().contains("needs an mlp"), e.getMessage());
  }
}
