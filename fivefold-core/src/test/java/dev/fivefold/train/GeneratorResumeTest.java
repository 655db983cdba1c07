package dev.fivefold.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.control.Controller;
import dev.fivefold.control.Schedules;
import dev.fivefold.data.TinyImages;
import dev.fivefold.nn.Module;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Models;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models that draw random masks in training (dropout, embedding dropout, stochastic depth) through
 * checkpoints: the generators' positions are in the state ("rng.…"), so a run saved at step k and
 * resumed by a fresh model ends bit-identical to the run never interrupted. Without them the resumed
 * run would redraw the first masks (checked: dropping the "rng." fields changes the losses).
 */
class GeneratorResumeTest {
  @TempDir
  Path tmp;

  static final String SPEC = "vit:patch=7,width=8,layers=2,heads=2,mlp=12,pool=cls,dropout=0.2,emb_dropout=0.1,drop_path=0.3";

  static Trainer make(int steps) {
    Module m = Models.create(SPEC, 3);
    var task = new ClassificationTask(m, TinyImages.bands(96, 1), TinyImages.bands(40, 2), 16, 5);
    Trainer t = new Trainer(task, Optimizers.adam(m.parameters(), 1e-2), new TrainConfig(100, steps, 0, 0));
    return t.controller(Controller.open(Schedules.warmupCosine(1e-2, 3, 0.1)));
  }

  static List<Double> run(Trainer t, int steps) {
    List<Double> losses = new ArrayList<>();
    for (int i = 0; i < steps; i++) losses.add(t.trainStep());
    return losses;
  }

  @Test
  void aResumedRunWithDropoutIsBitIdentical() throws Exception {
    int n = 10, k = 4;
    Trainer straight = make(n);
    List<Double> whole = run(straight, n);
    TrainState end = straight.state();
    Map<String, String> rngs = end.meta("rng.");
    assertEquals(Models.create(SPEC, 3).namedGenerators().keySet(), rngs.keySet(), "every generator saved");
    // emb_drop, 3 dropouts per block, and the drop path of block 1 (the rate rises from 0 at block 0)
    assertEquals(1 + 2 * 3 + 1, rngs.size(), rngs.keySet().toString());
    assertTrue(rngs.containsKey("blocks.1.drop_path"), rngs.keySet().toString());

    Trainer first = make(n);
    List<Double> part = run(first, k);
    Path file = tmp.resolve("vit-" + k + ".safetensors");
    Checkpoint.save(file, first, Map.of("model", SPEC));
    Trainer resumed = make(n);
    Checkpoint.restore(file, resumed);
    part.addAll(run(resumed, n - k));
    assertEquals(whole, part, "losses of the resumed run");
    TrainState got = resumed.state();
    for (String key : end.tensors().keySet()) assertArrayEquals(end.tensors().get(key).data(), got.tensors().get(key).data(), key);
    assertEquals(end.meta("rng."), got.meta("rng."));

    // the oracle can fail: the same state without the generators' positions gives other masks
    Trainer again = make(n);
    List<Double> head = run(again, k);
    TrainState s = again.state();
    Map<String, String> meta = new HashMap<>(s.meta());
    meta.keySet().removeIf(x -> x.startsWith("rng."));
    Trainer blind = make(n);
    blind.load(new TrainState(s.step(), s.seconds(), s.tensors(), meta), "test");
    head.addAll(run(blind, n - k));
    assertNotEquals(whole, head, "without the generators the masks repeat and the run differs");
  }

  @Test
  void aGeneratorTheModelLacksIsNamed() {
    Trainer t = make(3);
    run(t, 1);
    TrainState s = t.state();
    Map<String, String> meta = new HashMap<>(s.meta());
    meta.put("rng.head.rng", "7");
    var e = assertThrows(IllegalArgumentException.class, () -> make(3).load(new TrainState(s.step(), s.seconds(), s.tensors(), meta), "ckpt"));
    assertEquals("ckpt: generator 'rng.head.rng' is not in this model", e.getMessage());
    meta.remove("rng.head.rng");
    meta.put("rng.emb_drop.rng", "x");
    e = assertThrows(IllegalArgumentException.class, () -> make(3).load(new TrainState(s.step(), s.seconds(), s.tensors(), meta), "ckpt"));
    assertEquals("ckpt: field 'rng.emb_drop.rng' (x) is not a number", e.getMessage());
  }
}
