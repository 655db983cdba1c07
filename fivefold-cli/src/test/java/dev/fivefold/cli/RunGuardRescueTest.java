package dev.fivefold.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.Checkpoint;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.Task;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.TrainState;
import dev.fivefold.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that fails loses nothing it can keep: out of memory in an evaluation (the trainer between
 * steps) writes the checkpoint of the last completed step, which restores to exactly the trainer's
 * state; a failure inside a step (a half-updated state) writes nothing.
 */
class RunGuardRescueTest {
  @TempDir Path tmp;

  /** A task that fails in its {@code failEval}-th evaluation or in the training step after {@code failStep} steps. */
  static final class Failing implements Task {
    final ClassificationTask inner;
    final int failEval;
    final int failStep;
    int evals;
    int steps;

    Failing(ClassificationTask inner, int failEval, int failStep) {
      this.inner = inner;
      this.failEval = failEval;
      this.failStep = failStep;
    }

    @Override public Module model() { return inner.model(); }
    @Override public Var trainLoss(Tape tape) {
      if (++steps > failStep) throw new OutOfMemoryError("Java heap space (test, in a step)");
      return inner.trainLoss(tape);
    }
    @Override public int unitsPerStep() { return inner.unitsPerStep(); }
    @Override public String unit() { return inner.unit(); }
    @Override public long stepsPerEpoch() { return inner.stepsPerEpoch(); }
    @Override public Map<String, Double> evaluate() {
      if (++evals == failEval) throw new OutOfMemoryError("Java heap space (test, in an evaluation)");
      return inner.evaluate();
    }
    @Override public Map<String, String> saveState() { return inner.saveState(); }
    @Override public void loadState(Map<String, String> s, String source) { inner.loadState(s, source); }
  }

  static Dataset data(int n, long seed) {
    Rng r = new Rng(seed);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = r.nextInt(10);
    return new Dataset(Tensor.uniform(r, 0, 1, n, 1, 28, 28), y, 10);
  }

  static Trainer trainer(Task task) {
    return new Trainer(task, Optimizers.adam(task.model().parameters(), 1e-3), new TrainConfig(5, 0, 0, 3));
  }

  @Test
  void outOfMemoryInAnEvaluationSavesTheLastStep() throws Exception {
    Path ckpt = tmp.resolve("a/checkpoint.safetensors");
    Files.createDirectories(ckpt.getParent());
    Module m = Models.create("mlp:784-8-10", 1);
    Failing task = new Failing(new ClassificationTask(m, data(64, 1), data(16, 2), 8, 1), 2, Integer.MAX_VALUE);
    Trainer t = trainer(task);
    RunGuard g = new RunGuard(ckpt, Map.of("model", "mlp:784-8-10"), 0);
    g.bind(t);
    t.observe(g);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    g.installHook(new PrintStream(err, true), () -> {});
    try {
      OutOfMemoryError e = assertThrows(OutOfMemoryError.class, t::fit);
      assertTrue(t.betweenSteps());
      assertEquals(6, t.step(), "the second evaluation comes after step 6");
      g.rescue(e);
    } finally {
      g.release();
      g.removeHook();
    }
    assertTrue(err.toString().contains("failed after step 6; its checkpoint " + ckpt), err.toString());
    TrainState want = t.state();
    Trainer back = trainer(new ClassificationTask(Models.create("mlp:784-8-10", 7), data(64, 1), data(16, 2), 8, 1));
    Checkpoint.restore(ckpt, back);
    assertEquals(6, back.step());
    for (String k : want.tensors().keySet()) assertArrayEquals(want.tensors().get(k).data(), back.state().tensors().get(k).data(), k);
    assertEquals(want.meta("task."), back.state().meta("task."));
  }

  @Test
  void aFailureInsideAStepWritesNothing() {
    Path ckpt = tmp.resolve("b/checkpoint.safetensors");
    Module m = Models.create("mlp:784-8-10", 1);
    Failing task = new Failing(new ClassificationTask(m, data(64, 1), data(16, 2), 8, 1), Integer.MAX_VALUE, 4);
    Trainer t = trainer(task);
    RunGuard g = new RunGuard(ckpt, Map.of("model", "mlp:784-8-10"), 0);
    g.bind(t);
    t.observe(g);
    OutOfMemoryError e = assertThrows(OutOfMemoryError.class, t::fit);
    assertFalse(t.betweenSteps());
    g.rescue(e);
    g.release();
    assertFalse(Files.exists(ckpt));
  }
}
