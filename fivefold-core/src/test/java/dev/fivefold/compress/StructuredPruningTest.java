package dev.fivefold.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
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
}
