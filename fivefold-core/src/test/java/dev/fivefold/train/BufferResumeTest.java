package dev.fivefold.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.control.Controller;
import dev.fivefold.control.DivergenceGuard;
import dev.fivefold.control.Schedules;
import dev.fivefold.data.TinyImages;
import dev.fivefold.io.SafeTensors;
import dev.fivefold.nn.Module;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.LoadedModel;
import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models with buffers (batch norm's running statistics) through checkpoints: a run saved at step k
 * and resumed by a fresh model, optimizer, task and trainer ends bit-identical to the run never
 * interrupted — parameters, running statistics, optimizer state, losses and the evaluation (which
 * normalises by the running statistics); the running statistics are in the checkpoint and the
 * weights file, not among the optimizer's parameters nor in the parameter count; a guard's
 * rollback takes them back too.
 */
class BufferResumeTest {
  @TempDir
  Path tmp;

  static final List<String> SPECS = List.of("resnet:width=2,blocks=1,stages=2", "lenet5:3-4-8,norm=bn", "lenet5:3-4-8,norm=lrn");

  static Trainer make(String spec, int steps, Function<Trainer, Trainer> setup) {
    Module m = Models.create(spec, 3);
    var task = new ClassificationTask(m, TinyImages.bands(96, 1), TinyImages.bands(40, 2), 16, 5);
    Trainer t = new Trainer(task, Optimizers.adam(m.parameters(), 1e-2), new TrainConfig(100, steps, 0, 0));
    return setup.apply(t.controller(Controller.open(Schedules.warmupCosine(1e-2, 3, 0.1))));
  }

  static List<Double> run(Trainer t, int steps) {
    List<Double> losses = new ArrayList<>();
    for (int i = 0; i < steps; i++) losses.add(t.trainStep());
    return losses;
  }

  @Test
  void aResumedRunWithBatchNormIsBitIdentical() throws Exception {
    int n = 14;
    for (String spec : SPECS) {
      Trainer straight = make(spec, n, t -> t);
      List<Double> whole = run(straight, n);
      TrainState end = straight.state();
      Map<String, Double> eval = straight.evaluate();
      if (!spec.contains("lrn")) assertTrue(end.tensors().keySet().stream().anyMatch(k -> k.endsWith(".running_var")), spec + ": running statistics in the state");
      for (int k : new int[] {1, 6, n - 1}) {
        Trainer first = make(spec, n, t -> t);
        List<Double> part = run(first, k);
        Path file = tmp.resolve(spec.replace(':', '_') + "-" + k + ".safetensors");
        Checkpoint.save(file, first, Map.of("model", spec));
        first.trainStep(); // moves on; the file must not
        Trainer resumed = make(spec, n, t -> t);
        Checkpoint.restore(file, resumed);
        part.addAll(run(resumed, n - k));
        assertEquals(whole, part, spec + " resumed at " + k + ": losses");
        TrainState got = resumed.state();
        assertEquals(end.tensors().keySet(), got.tensors().keySet(), spec + " @" + k + ": state tensors");
        for (String key : end.tensors().keySet()) assertArrayEquals(end.tensors().get(key).data(), got.tensors().get(key).data(), spec + " @" + k + ": " + key);
        assertEquals(eval, resumed.evaluate(), spec + " @" + k + ": evaluation");
      }
    }
  }

  @Test
  void buffersAreSavedButNotTrainedNorCounted() throws Exception {
    Trainer t = make("resnet:width=2,blocks=1,stages=2", 10, x -> x);
    Module m = t.task().model();
    Map<String, Tensor> buffers = m.namedBuffers();
    assertEquals(2 * 6, buffers.size(), "running mean and variance of the 6 batch norms (stem, two per block, the projection)");
    assertEquals(Models.parse("resnet:width=2,blocks=1,stages=2").parameters(), m.parameterCount(), "the spec's count is the parameters'");
    long withBuffers = m.stateDict().values().stream().mapToLong(Tensor::size).sum();
    assertEquals(m.parameterCount() + buffers.values().stream().mapToLong(Tensor::size).sum(), withBuffers);
    for (Tensor b : buffers.values()) {
      assertFalse(t.optimizer().parameters().stream().anyMatch(p -> p.value() == b), "a buffer among the optimizer's parameters");
    }
    float[] before = buffers.get("bn1.running_mean").data().clone();
    run(t, 3);
    assertFalse(java.util.Arrays.equals(before, buffers.get("bn1.running_mean").data()), "training moves the running mean");

    // a checkpoint and a plain weights file carry them; the loaded model evaluates the same
    Path ckpt = tmp.resolve("ckpt.safetensors"), weights = tmp.resolve("w.safetensors");
    Checkpoint.save(ckpt, t, Map.of("model", "resnet:width=2,blocks=1,stages=2"));
    Checkpoint.saveWeights(weights, m, Map.of("model", "resnet:width=2,blocks=1,stages=2"));
    assertTrue(SafeTensors.read(weights).tensors().containsKey("layer2.0.downsample.1.running_var"));
    m.eval();
    Tensor x = TinyImages.bands(8, 9).x();
    float[] want = m.forward(Tape.inference().input(x)).data().clone();
    for (Path p : new Path[] {ckpt, weights}) {
      LoadedModel l = Models.load(p);
      l.model().eval();
      assertArrayEquals(want, l.model().forward(Tape.inference().input(x)).data(), p.getFileName() + ": evaluation after loading");
      assertArrayEquals(buffers.get("layer1.0.bn2.running_var").data(), l.model().namedBuffers().get("layer1.0.bn2.running_var").data());
    }
    // and copy() copies them
    assertArrayEquals(want, m.copy().forward(Tape.inference().input(x)).data(), "copy()");
  }

  /** A rewind to a snapshot (what the guard's rollback does) restores the running statistics with the parameters. */
  @Test
  void aRewindRestoresTheRunningStatistics() {
    Module m = Models.create("lenet5:3-4-8,norm=bn", 3);
    var task = new ClassificationTask(m, TinyImages.bands(96, 1), TinyImages.bands(40, 2), 16, 5);
    Trainer t = new Trainer(task, Optimizers.adam(m.parameters(), 1e-2), new TrainConfig(100, 20, 0, 0)); // no controller: a rewind is immediate
    run(t, 2);
    TrainState s = t.snapshot();
    Map<String, Tensor> at2 = m.stateDict();
    run(t, 3);
    assertFalse(java.util.Arrays.equals(at2.get("bn2.running_var").data(), m.namedBuffers().get("bn2.running_var").data()));
    t.rewind(s);
    for (var e : m.stateDict().entrySet()) assertArrayEquals(at2.get(e.getKey()).data(), e.getValue().data(), "after the rewind: " + e.getKey());
  }

  @Test
  void theGuardRollsBackABatchNormModel() {
    Trainer t = make("lenet5:3-4-8,norm=bn", 40, x -> x.guard(DivergenceGuard.defaults()));
    run(t, 5);
    assertEquals(5, t.step());
  }
}
