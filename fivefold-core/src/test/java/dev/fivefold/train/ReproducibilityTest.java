package dev.fivefold.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.data.Dataset;
import dev.fivefold.data.TextCorpus;
import dev.fivefold.io.BadInputException;
import dev.fivefold.nn.Module;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.GptConfig;
import dev.fivefold.perception.LeNet5;
import dev.fivefold.perception.Mlp;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Parallel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Same seed, same numbers: across thread counts, and across a checkpoint and resume. */
class ReproducibilityTest {
  @TempDir Path tmp;
  private final int threads = Parallel.threads();

  @AfterEach
  void restoreThreads() {
    Parallel.setThreads(threads);
  }

  static Dataset images(int n, int seed) {
    Rng r = new Rng(seed);
    Tensor x = Tensor.uniform(r, 0, 1, n, 1, 28, 28);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = (int) (x.data()[i * 784 + 300] * 10) % 10;
    return new Dataset(x, y, 10);
  }

  static List<Double> losses(Supplier<Trainer> make, int steps) {
    Trainer t = make.get();
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < steps; i++) out.add(t.trainStep());
    return out;
  }

  static Trainer classifier(Module m, Dataset d, int batch) {
    ClassificationTask task = new ClassificationTask(m, d, d.take(32), batch, 11);
    return new Trainer(task, Optimizers.adam(m.parameters(), 1e-3), TrainConfig.epochs(1));
  }

  static Trainer gpt() {
    byte[] text = "in the beginning god created the heaven and the earth. and the earth was without form, and void; ".repeat(20).getBytes();
    TextCorpus c = TextCorpus.of("t", text, TextCorpus.VocabKind.COMPACT, 0.1);
    Gpt g = new Gpt(new GptConfig(c.vocabSize(), 16, 2, 2, 32, 0f), 3);
    LanguageModelTask task = new LanguageModelTask(g, c, 4, 16, 5, 0);
    return new Trainer(task, Optimizers.adamw(g.parameters(), 3e-3, 0.9, 0.99, 1e-8, 0.1), TrainConfig.epochs(1));
  }

  @Test
  void lossCurveIsBitIdenticalWithOneAndTwoThreads() {
    Dataset d = images(96, 1);
    List<Supplier<Trainer>> makers = List.of(
        () -> classifier(Mlp.lenet300100(1), d, 32),
        () -> classifier(new LeNet5(2), d, 16),
        ReproducibilityTest::gpt);
    for (Supplier<Trainer> mk : makers) {
      Parallel.setThreads(1);
      List<Double> one = losses(mk, 6);
      Parallel.setThreads(2);
      List<Double> two = losses(mk, 6);
      assertEquals(one, two, "loss curve differs between 1 and 2 threads");
      assertTrue(one.get(5) < one.get(0), "loss should fall: " + one);
    }
  }

  @Test
  void resumeFromCheckpointIsExact() throws Exception {
    Dataset d = images(100, 2);
    for (Supplier<Trainer> mk : List.<Supplier<Trainer>>of(() -> classifier(Mlp.lenet300100(1), d, 32), ReproducibilityTest::gpt)) {
      Trainer straight = mk.get();
      for (int i = 0; i < 10; i++) straight.trainStep();

      Trainer first = mk.get();
      for (int i = 0; i < 4; i++) first.trainStep();
      Path ck = tmp.resolve("ck-" + System.nanoTime() + ".safetensors");
      Checkpoint.save(ck, first, Map.of("note", "test"));
      for (int i = 0; i < 3; i++) first.trainStep(); // diverge the object; the file must not change

      Trainer resumed = mk.get();
      Checkpoint.restore(ck, resumed);
      assertEquals(4, resumed.step());
      for (int i = 0; i < 6; i++) resumed.trainStep();
      var a = straight.task().model().namedParameters();
      var b = resumed.task().model().namedParameters();
      for (String k : a.keySet()) {
        assertArrayEquals(a.get(k).value().data(), b.get(k).value().data(), "parameter " + k + " after resume");
      }
      try (var files = Files.list(tmp)) {
        assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temp file left behind");
      }
    }
  }

  @Test
  void checkpointFromAnotherModelFailsClearly() throws Exception {
    Dataset d = images(40, 3);
    Trainer mlp = classifier(Mlp.lenet300100(1), d, 20);
    mlp.trainStep();
    Path ck = tmp.resolve("mlp.safetensors");
    Checkpoint.save(ck, mlp, Map.of());
    Trainer other = classifier(new Mlp(new int[] {784, 100, 10}, "relu", 1), d, 20);
    BadInputException e = assertThrows(BadInputException.class, () -> Checkpoint.restore(ck, other));
    assertTrue(e.getMessage().contains("mlp.safetensors") && e.getMessage().contains("fc1.weight"), e.getMessage());
  }

  @Test
  void trainingStepAllocatesNothingNewAfterWarmUp() {
    Trainer t = classifier(Mlp.lenet300100(1), images(64, 4), 32);
    t.trainStep();
    t.trainStep();
    long before = t.tapeAllocatedBytes();
    for (int i = 0; i < 5; i++) t.trainStep();
    assertEquals(before, t.tapeAllocatedBytes(), "tape allocated new buffers after warm-up");
  }

  @Test
  void divergenceIsReportedNotSwallowed() {
    Mlp m = Mlp.lenet300100(1);
    Dataset d = images(32, 5);
    Optimizer opt = Optimizers.sgd(m.parameters(), 1e30, 0, false, 0);
    Trainer t = new Trainer(new ClassificationTask(m, d, d, 32, 1), opt, TrainConfig.epochs(1));
    DivergenceException e = assertThrows(DivergenceException.class, () -> {
      for (int i = 0; i < 5; i++) t.trainStep();
    });
    assertTrue(e.getMessage().contains("diverged at step"), e.getMessage());
  }
}
