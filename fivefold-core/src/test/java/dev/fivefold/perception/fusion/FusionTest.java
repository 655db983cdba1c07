package dev.fivefold.perception.fusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.data.Dataset;
import dev.fivefold.data.caption.CharVocabulary;
import dev.fivefold.nn.Module;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.explain.Heatmap;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.Trainer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Questions and their biased split, the perceptual score on known scorers, both fusion models' steps and maps. */
class FusionTest {
  private static Dataset images(int n, long seed) {
    Rng rng = new Rng(seed);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = i % 10;
    return new Dataset(Tensor.uniform(rng, 0, 1, n, 1, 28, 28), y, 10);
  }

  @Test
  void balancedQuestionsAreHalfYesAndBiasedOnesFollowTheShortcut() {
    Questions q = Questions.fashionMnist();
    Rng rng = new Rng(2);
    int yes = 0, n = 4000;
    for (int i = 0; i < n; i++) if (q.answer(q.draw(i % 10, rng), i % 10)) yes++;
    assertEquals(0.5, yes / (double) n, 0.03);
    for (int i = 0; i < n; i++) {
      int k = q.drawBiased(i % 10, rng);
      assertEquals(q.shortcut(k), q.answer(k, i % 10), "biased: the answer is the question's shortcut");
    }
    assertTrue(q.longest() < 40);
    assertThrows(IllegalArgumentException.class, () -> new Questions(List.of()));
    assertThrows(IllegalArgumentException.class, () -> new Questions(List.of(new Questions.Question("is it?", new boolean[] {true, true}, true))));
  }

  @Test
  void perceptualScoreOfKnownScorers() {
    int n = 1000;
    int[] label = new int[n];
    for (int i = 0; i < n; i++) label[i] = i % 2;
    // uses only the image: right iff image i's label matches sample i's label
    PerceptualScore.Scorer imageOnly = (img, q) -> {
      int ok = 0;
      for (int i = 0; i < n; i++) if (label[img[i]] == label[i]) ok++;
      return ok / (double) n;
    };
    PerceptualScore s = PerceptualScore.measure(imageOnly, n, 5, 1);
    assertEquals(1.0, s.accuracy());
    assertEquals(0.0, s.textual(), 1e-12, "a model that ignores the question has textual score 0");
    assertEquals(0.5, s.visual(), 0.05, "permuting images drops it to chance 1/2: score (1 - 1/2) / 1");
    assertEquals(1.0 - s.imagesPermuted(), s.visual(), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> PerceptualScore.measure(imageOnly, n, 0, 1));
  }

  @Test
  void perceptualScoreOnAHandComputedExample() {
    // acc 0.8; images permuted: 0.5 and 0.6 (mean 0.55); questions permuted: 0.8 and 0.7 (mean 0.75)
    // P_visual = (0.8 - 0.55) / 0.8 = 0.3125, P_textual = (0.8 - 0.75) / 0.8 = 0.0625
    PerceptualScore s = PerceptualScore.of(0.8, new double[] {0.5, 0.6}, new double[] {0.8, 0.7});
    assertEquals(0.55, s.imagesPermuted(), 1e-15);
    assertEquals(0.75, s.questionsPermuted(), 1e-15);
    assertEquals(0.3125, s.visual(), 1e-15);
    assertEquals(0.0625, s.textual(), 1e-15);
    assertEquals(0.25, s.visualDrop(), 1e-15);
    assertEquals(0.05, s.textualDrop(), 1e-15);
    assertEquals(2, s.permutations());
    // a model that is right only by chance whatever it sees: both scores 0; a negative score when permuting helps
    PerceptualScore flat = PerceptualScore.of(0.5, new double[] {0.5}, new double[] {0.6});
    assertEquals(0.0, flat.visual());
    assertEquals(-0.2, flat.textual(), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> PerceptualScore.of(0.8, new double[0], new double[0]));
    assertThrows(IllegalArgumentException.class, () -> PerceptualScore.of(0.8, new double[] {0.5}, new double[] {0.5, 0.6}));
  }

  private static <M extends Module & FusionModel> void noGrowth(M m, Questions q, CharVocabulary v) {
    FusionTask task = new FusionTask(m, q, v, images(40, 1), images(20, 2), 8, false, 1);
    Trainer t = new Trainer(task, Optimizers.adam(m.parameters(), 1e-3), TrainConfig.epochs(2));
    t.trainStep();
    t.trainStep();
    long before = t.tapeAllocatedBytes();
    for (int i = 0; i < 4; i++) t.trainStep();
    assertEquals(before, t.tapeAllocatedBytes(), m.getClass().getSimpleName() + ": tape allocated new buffers after warm-up");
    var e = task.evaluate();
    assertTrue(e.get("accuracy") >= 0 && e.get("accuracy") <= 1);
  }

  @Test
  void fusionStepsAllocateNothingNewAfterWarmUp() {
    Questions q = Questions.fashionMnist();
    CharVocabulary v = q.vocabulary();
    noGrowth(new EarlyFusion(v.size(), q.longest() + 1, 8, 1, 2, 1), q, v);
    noGrowth(new LateFusion(v.size(), q.longest() + 1, 8, 1, 2, 1), q, v);
  }

  @Test
  void earlyFusionCrossModalMapsAreAttentionToPatches() {
    var c = new FusionExperiment.Config(FusionExperiment.Kind.EARLY, true, 8, 2, 1, 8, 40, 20, 2, 3, 1e-3, 3);
    var r = FusionExperiment.run(c, images(40, 1), images(20, 2), e -> {});
    assertEquals(3, r.examples().size());
    assertEquals(0L, r.tapeGrowthBytes());
    for (var ex : r.examples()) {
      assertEquals(2, ex.attention().size());
      for (Heatmap h : ex.attention()) {
        double sum = 0;
        for (float f : h.values()) {
          assertTrue(f >= 0);
          sum += f;
        }
        assertTrue(sum > 0 && sum <= 1 + 1e-5, "attention of the class token to the 16 patches is part of a distribution: " + sum);
      }
    }
    var again = FusionExperiment.run(c, images(40, 1), images(20, 2), e -> {});
    assertEquals(r.score(), again.score(), "same seed, same score");
  }
}
