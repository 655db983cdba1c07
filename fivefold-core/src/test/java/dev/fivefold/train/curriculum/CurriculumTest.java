package dev.fivefold.train.curriculum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.data.Dataset;
import dev.fivefold.data.TinyImages;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.Models;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pacing values, difficulty scores and orders, the curriculum task's batches, and a quick experiment's result. */
class CurriculumTest {
  @Test
  void exponentialPacingDoublesEveryStepLengthUntilTheRamp() {
    Pacing p = new Pacing(Pacing.Kind.EXPONENTIAL, 0.1, 2, 400);
    assertEquals(4, p.increments()); // 0.1 → 0.2 → 0.4 → 0.8 → 1
    assertEquals(100, p.stepLength());
    double[][] want = {{0, 0.1}, {99, 0.1}, {100, 0.2}, {250, 0.4}, {399, 0.8}, {400, 1}, {10_000, 1}};
    for (double[] w : want) assertEquals(w[1], p.fraction((long) w[0]), 1e-12, "g(" + w[0] + ")");
    Pacing hw = new Pacing(Pacing.Kind.EXPONENTIAL, 0.04, 1.9, 500); // H&W-like: 0.04·1.9^k, k = ⌈log 25 / log 1.9⌉ = 6
    assertEquals(6, hw.increments());
    assertEquals(0.04 * 1.9 * 1.9, hw.fraction(2 * hw.stepLength()), 1e-12);
    assertEquals(1, new Pacing(Pacing.Kind.EXPONENTIAL, 1, 2, 10).fraction(0));
  }

  @Test
  void linearAndStepPacing() {
    Pacing lin = new Pacing(Pacing.Kind.LINEAR, 0.2, 2, 100);
    assertEquals(0.2, lin.fraction(0), 1e-12);
    assertEquals(0.6, lin.fraction(50), 1e-12);
    assertEquals(1, lin.fraction(100));
    assertEquals(1, lin.fraction(5000));
    Pacing step = new Pacing(Pacing.Kind.STEP, 0.3, 2, 100);
    assertEquals(0.3, step.fraction(0));
    assertEquals(0.3, step.fraction(99));
    assertEquals(1, step.fraction(100));
    assertEquals(30, step.poolSize(0, 100, 8));
    assertEquals(16, new Pacing(Pacing.Kind.STEP, 0.01, 2, 100).poolSize(0, 100, 16), "never fewer than a batch");
    assertEquals(10, new Pacing(Pacing.Kind.STEP, 0.01, 2, 100).poolSize(0, 10, 16), "nor more than the set");
    assertEquals(Pacing.Kind.LINEAR, Pacing.Kind.of("linear"));
    assertEquals("pacing (cubic) must be exp, linear or step", assertThrows(IllegalArgumentException.class, () -> Pacing.Kind.of("cubic")).getMessage());
    assertEquals("pacing start (0.0) must be in (0, 1]", assertThrows(IllegalArgumentException.class, () -> new Pacing(Pacing.Kind.LINEAR, 0, 2, 10)).getMessage());
    assertEquals("pacing inc (1.0) must be > 1 and finite", assertThrows(IllegalArgumentException.class, () -> new Pacing(Pacing.Kind.LINEAR, 0.5, 1, 10)).getMessage());
  }

  @Test
  void lossesArePerExampleCrossEntropyAndOrdersSortThem() {
    Dataset d = TinyImages.bands(50, 3);
    Module m = Models.create("mlp:784-8-10", 2);
    double[] l = Difficulty.losses(m, d);
    for (int i = 0; i < 50; i += 7) {
      var logits = m.forward(Tape.inference().input(d.subset(new int[] {i}).x()));
      assertEquals(F.crossEntropy(logits, new int[] {d.y()[i]}).item(), l[i], 1e-5, "example " + i);
    }
    double[] s = {0.5, 0.1, Double.NaN, 0.1, 0.9};
    assertArrayEquals(new int[] {1, 3, 0, 4, 2}, Difficulty.order(s, false));
    assertArrayEquals(new int[] {2, 4, 0, 1, 3}, Difficulty.order(s, true));
  }

  /** Every prefix of a balanced order holds each class in proportion; within a class the order is by score. */
  @Test
  void balancedOrderKeepsEveryPrefixClassBalanced() {
    int n = 300;
    int[] y = new int[n];
    double[] s = new double[n];
    dev.fivefold.tensor.Rng r = new dev.fivefold.tensor.Rng(5);
    for (int i = 0; i < n; i++) {
      y[i] = i < 150 ? 0 : i < 250 ? 1 : 2; // 150, 100, 50
      s[i] = y[i] + r.nextDouble(); // class 0 is easiest: a plain order puts it all first
    }
    assertEquals(0, y[Difficulty.order(s, false)[149]]);
    for (boolean hard : new boolean[] {false, true}) {
      int[] o = Difficulty.balancedOrder(s, y, 3, hard);
      assertEquals(n, java.util.Arrays.stream(o).distinct().count());
      int[] count = new int[3];
      double[] last = {Double.NaN, Double.NaN, Double.NaN};
      for (int k = 0; k < n; k++) {
        int c = y[o[k]];
        count[c]++;
        if (!Double.isNaN(last[c])) assertTrue(hard ? s[o[k]] <= last[c] : s[o[k]] >= last[c], "by score within class " + c);
        last[c] = s[o[k]];
        int prefix = k + 1;
        assertEquals(prefix * 0.5, count[0], 1.0, "class 0 share at " + prefix);
        assertEquals(prefix / 3.0, count[1], 1.0, "class 1 share at " + prefix);
        assertEquals(prefix / 6.0, count[2], 1.0, "class 2 share at " + prefix);
      }
    }
  }

  @Test
  void batchesComeFromThePoolWithoutRepeats() {
    Dataset d = TinyImages.bands(100, 1);
    int[] order = new int[100];
    for (int i = 0; i < 100; i++) order[i] = 99 - i;
    Pacing p = new Pacing(Pacing.Kind.STEP, 0.2, 2, 5);
    CurriculumTask t = new CurriculumTask(Models.create("mlp:784-8-10", 1), d, d, 8, 4, order, p, 0);
    Set<Integer> seen = new HashSet<>();
    for (int step = 0; step < 5; step++) {
      assertEquals(20, t.poolSize());
      int[] idx = t.nextIndices();
      assertEquals(8, new HashSet<>(List.of(java.util.Arrays.stream(idx).boxed().toArray(Integer[]::new))).size(), "distinct");
      for (int i : idx) assertTrue(i >= 80, "from the first 20 of the order: " + i);
      for (int i : idx) seen.add(i);
    }
    assertTrue(seen.size() > 15);
    for (int step = 5; step < 200; step++) for (int i : t.nextIndices()) seen.add(i);
    assertEquals(100, seen.size(), "after the ramp the whole set");
    assertThrows(IllegalArgumentException.class, () -> new CurriculumTask(Models.create("mlp:784-8-10", 1), d, d, 8, 4, new int[] {1, 2}, p, 0));
  }

  @Test
  void quickExperimentHasEveryArmAndSeedAndIsDeterministic() {
    Dataset train = TinyImages.bands(400, 1), test = TinyImages.bands(200, 2);
    CurriculumExperiment.Config c = CurriculumExperiment.Config.quick();
    assertEquals(13, c.arms().size());
    assertEquals(List.of("vanilla", "random/exp", "transfer/exp", "anti/exp", "self-paced/exp"), c.arms().subList(0, 5));
    List<CurriculumExperiment.Run> heard = new java.util.ArrayList<>();
    CurriculumExperiment.Result r = CurriculumExperiment.run(train, test, c, heard::add);
    assertEquals(26, r.runs().size());
    assertEquals(r.runs(), heard);
    assertEquals(2, r.teacherAccuracy().length);
    for (CurriculumExperiment.Run run : r.runs()) {
      assertEquals(1 + 4, run.curve().size(), "step 0 and every 10 steps");
      assertEquals(0, run.curve().getFirst()[0]);
      assertEquals(40, run.curve().getLast()[0]);
      assertEquals(run.accuracy(), run.curve().getLast()[1]);
      double init = r.of("vanilla").stream().filter(v -> v.seed() == run.seed()).findFirst().orElseThrow().curve().getFirst()[1];
      assertEquals(init, run.curve().getFirst()[1], "same initialisation in every arm of a seed");
    }
    assertTrue(r.of("vanilla").getFirst().accuracy() > 0.5, "the bands are learnable: " + r.of("vanilla").getFirst().accuracy());
    List<CurriculumExperiment.Summary> s = r.summaries();
    assertEquals(13, s.size());
    for (CurriculumExperiment.Summary x : s) {
      assertEquals(2, x.seeds());
      assertTrue(x.min() <= x.mean() && x.mean() <= x.max() && x.spread() >= 0);
      assertEquals(Math.abs(x.max() - x.min()) / Math.sqrt(2), x.spread(), 1e-12, "two seeds: sd = |a − b| / √2");
    }
    assertEquals(5, r.meanCurve("anti/step").size());
    CurriculumExperiment.Result again = CurriculumExperiment.run(train, test, c, x -> {});
    for (int i = 0; i < r.runs().size(); i++) assertEquals(r.runs().get(i).accuracy(), again.runs().get(i).accuracy(), r.runs().get(i).arm());
  }

  @Test
  void badConfigs() {
    CurriculumExperiment.Config q = CurriculumExperiment.Config.quick();
    assertEquals("ramp (1.5) must be in (0, 1]", assertThrows(IllegalArgumentException.class, () -> new CurriculumExperiment.Config(q.model(), 400, 200, 40, 16,
        1e-3, 2, 1, q.pacings(), 0.2, 2, 1.5, 10, 25, 10, true)).getMessage());
    assertEquals("train size (8) must be >= batch (16)", assertThrows(IllegalArgumentException.class, () -> new CurriculumExperiment.Config(q.model(), 8, 200, 40, 16,
        1e-3, 2, 1, q.pacings(), 0.2, 2, 0.5, 10, 25, 10, true)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new CurriculumExperiment.Config(q.model(), 400, 200, 40, 16,
        1e-3, 2, 1, List.of(Pacing.Kind.STEP, Pacing.Kind.STEP), 0.2, 2, 0.5, 10, 25, 10, true));
  }
}
