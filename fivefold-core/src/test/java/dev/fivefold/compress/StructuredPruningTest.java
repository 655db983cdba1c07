package dev.fivefold.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.perception.LeNet5;
import dev.fivefold.perception.Mlp;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import org.junit.jupiter.api.Test;

class StructuredPruningTest {
  /** Hidden activations after fc1 + ReLU, [N, h]. */
  static Tensor hidden1(Mlp m, Tensor x) {
    Tape t = Tape.inference();
    return F.relu(m.layers().get(0).forward(t.input(x))).value().copy();
  }

  @Test
  void keptNeuronsComputeTheSameValues() {
    Mlp m = new Mlp(new int[] {6, 20, 12, 3}, "relu", 5);
    Tensor x = Tensor.normal(new Rng(1), 0, 1, 7, 6);
    Mlp small = StructuredPruning.pruneByL1(m, 0.5);
    assertArrayEquals(new int[] {6, 10, 6, 3}, small.sizes());
    int[] keep1 = StructuredPruning.largest(StructuredPruning.l1Norms(m.layers().get(0).weight().value()), 10);
    Tensor full = hidden1(m, x), part = hidden1(small, x);
    for (int n = 0; n < 7; n++) for (int k = 0; k < 10; k++) assertEquals(full.get(n, keep1[k]), part.get(n, k));
    // dropping units whose outgoing weights are 0 leaves the output unchanged
    Mlp dead = new Mlp(new int[] {6, 20, 12, 3}, "relu", 9);
    int[][] keep = {{0, 2, 4, 6, 8, 10, 12, 14, 16, 18}, {1, 3, 5, 7, 9, 11}};
    for (int l = 1; l <= 2; l++) {
      Tensor w = dead.layers().get(l).weight().value();
      int in = w.dim(1);
      for (int c = 0; c < in; c++) {
        if (java.util.Arrays.binarySearch(keep[l - 1], c) < 0) for (int o = 0; o < w.dim(0); o++) w.set(0f, o, c);
      }
    }
    Mlp d2 = StructuredPruning.prune(dead, keep);
    Tape t = Tape.inference();
    float[] y1 = dead.forward(t.input(x)).data(), y2 = d2.forward(t.input(x)).data();
    for (int i = 0; i < y1.length; i++) assertEquals(y1[i], y2[i], 1e-5f);
    assertEquals(6 * 10 + 10 + 10 * 6 + 6 + 6 * 3 + 3, d2.parameterCount());
  }

  @Test
  void convFilterPruningKeepsChannels() {
    Rng rng = new Rng(3);
    Tensor w1 = Tensor.normal(rng, 0, 1, 6, 2, 3, 3), b1 = Tensor.normal(rng, 0, 1, 6), w2 = Tensor.normal(rng, 0, 1, 4, 6, 3, 3);
    Tensor b2 = Tensor.zeros(4);
    int[] keep = StructuredPruning.largest(StructuredPruning.l1Norms(w1), 3);
    Tensor[] p = StructuredPruning.pruneFilters(w1, b1, w2, keep);
    assertArrayEquals(new int[] {3, 2, 3, 3}, new int[] {p[0].dim(0), p[0].dim(1), p[0].dim(2), p[0].dim(3)});
    assertEquals(3, p[2].dim(1));
    Tensor x = Tensor.normal(rng, 0, 1, 2, 2, 8, 8);
    Tape t = Tape.inference();
    Var h = F.conv2d(t.input(x), t.input(w1), t.input(b1), 1, 1); // [2, 6, 8, 8]
    Var hp = F.conv2d(t.input(x), t.input(p[0]), t.input(p[1]), 1, 1); // [2, 3, 8, 8]
    for (int n = 0; n < 2; n++) for (int k = 0; k < 3; k++) for (int i = 0; i < 8; i++) for (int j = 0; j < 8; j++) {
      assertEquals(h.value().get(n, keep[k], i, j), hp.value().get(n, k, i, j));
    }
    // conv2 on the kept channels == conv2 on all channels with the dropped ones zeroed
    Tensor hz = h.value().copy();
    for (int n = 0; n < 2; n++) for (int c = 0; c < 6; c++) {
      if (java.util.Arrays.binarySearch(keep, c) < 0) for (int i = 0; i < 8; i++) for (int j = 0; j < 8; j++) hz.set(0f, n, c, i, j);
    }
    float[] z1 = F.conv2d(t.input(hz), t.input(w2), t.input(b2), 1, 0).data();
    float[] z2 = F.conv2d(hp, t.input(p[2]), t.input(b2), 1, 0).data();
    for (int i = 0; i < z1.length; i++) assertEquals(z1[i], z2[i], 1e-4f);
  }

  /** Zeroes slice {@code i} along axis 0 of {@code t} (a filter, or a row with its bias). */
  private static void zeroSlice(Tensor t, int i) {
    int per = t.size() / t.dim(0);
    java.util.Arrays.fill(t.data(), i * per, (i + 1) * per, 0f);
  }

  @Test
  void leNet5FilterPruningEqualsZeroingTheDroppedUnits() {
    LeNet5 m = new LeNet5(6, 8, 12, 4);
    int[][] keep = {{0, 2, 3, 5}, {1, 2, 4, 7}, {0, 1, 5, 6, 9, 11}};
    LeNet5 small = StructuredPruning.prune(m, keep);
    assertArrayEquals(new int[] {4, 4, 6}, small.widths());
    // the oracle: the full model with every dropped filter / neuron zeroed (weights and bias), so
    // its output is 0 after ReLU and max-pool and contributes nothing downstream
    var sd = m.stateDict();
    String[] w = {"conv1", "conv2", "fc1"};
    int[] widths = m.widths();
    for (int g = 0; g < 3; g++) {
      for (int i = 0; i < widths[g]; i++) {
        if (java.util.Arrays.binarySearch(keep[g], i) >= 0) continue;
        zeroSlice(sd.get(w[g] + ".weight"), i);
        zeroSlice(sd.get(w[g] + ".bias"), i);
      }
    }
    LeNet5 zeroed = new LeNet5(6, 8, 12, 0);
    zeroed.loadStateDict(sd, "zeroed");
    Tensor x = Tensor.normal(new Rng(2), 0, 1, 3, 1, 28, 28);
    Tape t = Tape.inference();
    float[] y1 = zeroed.forward(t.input(x)).data().clone(), y2 = small.forward(t.input(x)).data().clone();
    float[] y0 = m.forward(t.input(x)).data().clone();
    double differs = 0;
    for (int i = 0; i < y1.length; i++) {
      assertEquals(y1[i], y2[i], 1e-4f * (1 + Math.abs(y1[i])), "logit " + i);
      differs = Math.max(differs, Math.abs(y0[i] - y1[i]));
    }
    assertTrue(differs > 1e-3, "pruning must change the full model's output (" + differs + ")");
    // keeping everything is the same model
    LeNet5 all = StructuredPruning.prune(m, new int[][] {{0, 1, 2, 3, 4, 5}, {0, 1, 2, 3, 4, 5, 6, 7}, java.util.stream.IntStream.range(0, 12).toArray()});
    float[] ya = all.forward(t.input(x)).data();
    for (int i = 0; i < y0.length; i++) assertEquals(y0[i], ya[i], 1e-5f * (1 + Math.abs(y0[i])));
  }

  @Test
  void leNet5PruneByL1KeepsTheLargestFiltersAtEveryLevel() {
    LeNet5 m = new LeNet5(20, 50, 500, 1);
    LeNet5 half = StructuredPruning.pruneByL1(m, 0.5);
    assertArrayEquals(new int[] {10, 25, 250}, half.widths());
    assertEquals(10 * 26 + 25 * (25 * 10 + 1) + 250 * (16 * 25 + 1) + 10 * 251, half.parameterCount());
    int[] keep1 = StructuredPruning.largest(StructuredPruning.l1Norms(m.stateDict().get("conv1.weight")), 10);
    Tensor kept = half.stateDict().get("conv1.weight"), full = m.stateDict().get("conv1.weight");
    for (int k = 0; k < 10; k++) for (int j = 0; j < 25; j++) assertEquals(full.data()[keep1[k] * 25 + j], kept.data()[k * 25 + j]);
    assertThrows(IllegalArgumentException.class, () -> StructuredPruning.pruneByL1(m, 0));
    assertThrows(IllegalArgumentException.class, () -> StructuredPruning.prune(m, new int[][] {{0}, {3, 2}, {0}}));
    assertThrows(IllegalArgumentException.class, () -> StructuredPruning.prune(m, new int[][] {{20}, {0}, {0}}));
    assertThrows(IllegalArgumentException.class, () -> StructuredPruning.prune(m, new int[][] {{0}, {0}}));
  }
}
