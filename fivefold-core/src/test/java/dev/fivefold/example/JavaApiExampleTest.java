package dev.fivefold.example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.compress.DeepCompression;
import dev.fivefold.control.Controllers;
import dev.fivefold.control.Runs;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.optim.Clipping;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.LoadedModel;
import dev.fivefold.perception.Models;
import dev.fivefold.train.Checkpoint;
import dev.fivefold.train.Checkpointing;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.Trainer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Use it from Java" code, run on a small synthetic task instead of Fashion-MNIST so
 * that it stays checked: if an API in the README changes, this test stops compiling.
 */
class JavaApiExampleTest {
  @TempDir
  Path dir;

  /** The README's first block, with {@code spec} and the data as parameters. */
  static Trainer train(String spec, Dataset train, Dataset test, int epochs, Path checkpoint) {
    Module net = Models.create(spec, 1);                                  // any spec: mlp, lenet5:6-16-100, gpt:vocab=…
    var task = new ClassificationTask(net, train, test, 32, 1);           // batch 32, data order from seed 1
    Optimizer opt = Optimizers.withClip(Optimizers.adam(net.parameters(), 1e-3), Clipping.byGlobalNorm(1.0));
    long steps = epochs * task.stepsPerEpoch();
    Trainer trainer = new Trainer(task, opt, TrainConfig.epochs(epochs));
    trainer.controller(Controllers.byName("rt+plateau", 1e-3, steps, 0, opt)); // range test, then reduce-on-plateau
    trainer.observe(new Checkpointing(trainer, checkpoint, Map.of("model", spec), 50)); // every 50 steps and at the end
    return trainer;
  }

  @Test
  void trainResumeLoadAndCompressAsTheReadmeShows() throws Exception {
    Dataset train = Runs.data(1, 512), test = Runs.data(2, 256);
    String spec = "mlp:10-32-3";
    Path ckpt = dir.resolve("checkpoint.safetensors");

    Trainer whole = train(spec, train, test, 20, dir.resolve("whole.safetensors"));
    Map<String, Double> eval = whole.fit();
    assertTrue(eval.get("accuracy") > 0.7, eval.toString()); // chance is about 0.4

    // interrupted at step 100, resumed from the file into fresh objects: the same end, bit for bit
    Trainer first = train(spec, train, test, 20, ckpt);
    first.observe(new dev.fivefold.train.TrainObserver() {
      @Override
      public void onStep(Step s) {
        if (s.step() == 100) first.requestStop();
      }
    });
    first.fit();
    Trainer resumed = train(spec, train, test, 20, ckpt);
    Checkpoint.restore(ckpt, resumed);
    assertEquals(eval, resumed.fit());

    LoadedModel loaded = Models.load(ckpt);                               // spec from the metadata, weights checked finite
    assertEquals(spec, loaded.spec());
    var want = whole.task().model().stateDict();
    assertEquals(want.keySet(), loaded.model().stateDict().keySet());
    for (var e : loaded.model().stateDict().entrySet()) assertArrayEquals(want.get(e.getKey()).data(), e.getValue().data(), e.getKey());

    var cfg = new DeepCompression.Config(DeepCompression.Prune.SPARSITY, 0, new double[] {0.5, 0.5}, 2, 1, 4, 4, 1, 1e-3, 32, 1);
    DeepCompression.Result r = DeepCompression.run(loaded.model(), train, test, cfg, line -> {});
    assertTrue(r.accuracyFinetuned() > 0.6, r.toString());
  }
}
