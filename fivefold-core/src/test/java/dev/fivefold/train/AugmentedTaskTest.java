package dev.fivefold.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.data.Batches;
import dev.fivefold.data.Dataset;
import dev.fivefold.data.TinyImages;
import dev.fivefold.data.augment.Augmentation;
import dev.fivefold.data.augment.Augmenter;
import dev.fivefold.io.BadInputException;
import dev.fivefold.nn.Module;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.kernel.Parallel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ClassificationTask} with an {@link Augmentation}: the loss is the model's on the augmented
 * batch, training is the same for 1 and 2 threads, and a run saved and resumed mid-epoch ends
 * bit-identical to the uninterrupted one (the augmenter's state is in the checkpoint).
 */
class AugmentedTaskTest {
  @TempDir Path tmp;
  private final int threads = Parallel.threads();

  @AfterEach
  void restoreThreads() {
    Parallel.setThreads(threads);
  }

  static final String SPEC = "crop:3,flip,erase:0.5,cutout:6,cutmix:1";
  static final Dataset TRAIN = TinyImages.bands(200, 1), TEST = TinyImages.bands(50, 2);

  static Trainer make(String model, String spec) {
    Module m = Models.create(model, 7);
    ClassificationTask task = new ClassificationTask(m, TRAIN, TEST, 32, 5, Augmentation.parse(spec));
    return new Trainer(task, Optimizers.adam(m.parameters(), 1e-3), new TrainConfig(100, 0, 0, 0));
  }

  static List<Double> run(Trainer t, int steps) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < steps; i++) out.add(t.trainStep());
    return out;
  }

  /** The task's loss = cross-entropy of the model on what an Augmenter(seed) makes of the batches Batches(seed) serves. */
  @Test
  void lossIsTheModelsOnTheAugmentedBatch() {
    for (String spec : new String[] {"crop:2,flip,erase:1", "mixup:0.4", "cutmix:1,flip"}) {
      Module m = Models.create("mlp:784-16-10", 3);
      ClassificationTask task = new ClassificationTask(m, TRAIN, TEST, 32, 9, Augmentation.parse(spec));
      Batches same = new Batches(TRAIN, 32, true, new Rng(9));
      Augmenter aug = new Augmenter(Augmentation.parse(spec), 9);
      for (int step = 0; step < 8; step++) { // 200 = 6 × 32 + 8: crosses an epoch with a partial batch
        Batches.Batch b = same.next();
        Augmenter.Augmented a = aug.apply(b.x(), b.y(), 10);
        var logits = m.forward(Tape.inference().input(a.x()));
        double want = (a.targets() == null ? F.crossEntropy(logits, b.y()) : F.softCrossEntropy(logits, a.targets())).item();
        assertEquals(want, task.trainLoss(Tape.inference()).item(), 1e-6, spec + " step " + step);
      }
      assertEquals(ClassificationTask.evaluate(m, TEST, 1000), task.evaluate(), spec + ": evaluation is never augmented");
    }
  }

  @Test
  void noAugmentationIsThePlainTask() {
    Module a = Models.create("mlp:784-16-10", 3), b = Models.create("mlp:784-16-10", 3);
    Trainer plain = new Trainer(new ClassificationTask(a, TRAIN, TEST, 32, 5), Optimizers.adam(a.parameters(), 1e-3), TrainConfig.epochs(3));
    Trainer none = new Trainer(new ClassificationTask(b, TRAIN, TEST, 32, 5, Augmentation.parse("none")), Optimizers.adam(b.parameters(), 1e-3), TrainConfig.epochs(3));
    assertEquals(run(plain, 15), run(none, 15));
    assertEquals(plain.state().meta(), none.state().meta(), "no augment fields in the checkpoint");
    assertTrue(plain.state().meta().keySet().stream().noneMatch(k -> k.contains("augment")));
  }

  /** Same losses and weights with 1 and 2 threads, for the MLP, LeNet-5 and a ViT. */
  @Test
  void sameRunForOneAndTwoThreads() {
    for (String model : new String[] {"mlp:784-32-10", "lenet5", "vit:patch=7,width=16,layers=1,heads=2,mlp=32"}) {
      Parallel.setThreads(1);
      int steps = model.startsWith("mlp") ? 10 : 3;
      Trainer one = make(model, SPEC);
      List<Double> l1 = run(one, steps);
      Parallel.setThreads(2);
      Trainer two = make(model, SPEC);
      List<Double> l2 = run(two, steps);
      assertEquals(l1, l2, model);
      ResumeTest.assertSameState(one.state(), two.state(), model + " 1 vs 2 threads");
    }
  }

  @Test
  void resumedRunEndsBitIdentical() throws Exception {
    int steps = 20; // 7 batches an epoch: resume points inside the first epoch, at its end, and in the third
    for (String spec : new String[] {SPEC, "mixup:0.3,crop:1"}) {
      Trainer straight = make("mlp:784-32-10", spec);
      List<Double> whole = run(straight, steps);
      for (int k : new int[] {1, 6, 7, 15}) {
        Trainer first = make("mlp:784-32-10", spec);
        List<Double> part = run(first, k);
        Path file = tmp.resolve("aug-" + k + ".safetensors");
        Checkpoint.save(file, first, Map.of());
        first.trainStep(); // the object moves on; the file must not
        Trainer resumed = make("mlp:784-32-10", spec);
        Checkpoint.restore(file, resumed);
        assertEquals(Long.toString(k), resumed.state().meta().get("task.augment.batches"), "augmenter state restored");
        part.addAll(run(resumed, steps - k));
        assertEquals(whole, part, spec + " resumed at " + k);
        ResumeTest.assertSameState(straight.state(), resumed.state(), spec + " resumed at " + k);
      }
    }
    Trainer other = make("mlp:784-32-10", "flip");
    assertNotEquals(whole(SPEC), whole("flip"), "the augmentation changes training");
    Path file = tmp.resolve("aug.safetensors");
    Checkpoint.save(file, make("mlp:784-32-10", SPEC), Map.of());
    String msg = assertThrows(BadInputException.class, () -> Checkpoint.restore(file, other)).getMessage();
    assertTrue(msg.endsWith("the checkpoint was trained with augmentation '" + Augmentation.parse(SPEC) + "', this run has 'flip'"), msg);
    Trainer plain = make("mlp:784-32-10", "none");
    assertThrows(BadInputException.class, () -> Checkpoint.restore(file, plain));
  }

  static List<Double> whole(String spec) {
    return run(make("mlp:784-32-10", spec), 5);
  }

  @Test
  void anAugmentationThatDoesNotFitTheImagesIsRejected() {
    Module m = Models.create("mlp:784-16-10", 3);
    String msg = assertThrows(IllegalArgumentException.class,
        () -> new ClassificationTask(m, TRAIN, TEST, 32, 5, Augmentation.parse("crop:30"))).getMessage();
    assertEquals("crop padding (30) must be < the image side (28)", msg);
  }
}
