package dev.fivefold.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Conv2d;
import dev.fivefold.nn.LegacyLeNet5Inference;
import dev.fivefold.perception.LeNet5;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Parallel;
import org.junit.jupiter.api.Test;

class LeNet5InferenceTest {
  /** The tape-free dense and CSR forms give the tape forward's logits, pruned or not, at several batch sizes. */
  @Test
  void denseAndSparseMatchTheTapeForward() {
    // batches 1 and 3 take the sparse im2col route, 17 and 40 the batch-innermost direct one
    assertTrue(Conv2d.DIRECT_MIN_BATCH > 3 && Conv2d.DIRECT_MIN_BATCH <= 17, "vector width " + Conv2d.DIRECT_MIN_BATCH);
    Rng rng = new Rng(8);
    for (double sparsity : new double[] {0, 0.7, 0.95}) {
      LeNet5 m = new LeNet5(4, 6, 10, 3);
      if (sparsity > 0) Pruner.global(Pruner.weights(m), sparsity);
      m.eval();
      Inference dense = Inference.of(m, Inference.Kind.DENSE), sparse = Inference.of(m, Inference.Kind.SPARSE);
      for (int batch : new int[] {1, 3, 17, 40}) {
        Tensor x = Tensor.normal(rng, 0, 1, batch, 1, 28, 28);
        float[] ref = m.forward(Tape.inference().input(x)).data();
        float[] d = dense.logits(x.data(), batch).clone(), s = sparse.logits(x.data(), batch);
        for (int i = 0; i < ref.length; i++) {
          assertEquals(ref[i], d[i], 1e-4f * (1 + Math.abs(ref[i])), "dense, sparsity " + sparsity + ", logit " + i);
          assertEquals(ref[i], s[i], 1e-4f * (1 + Math.abs(ref[i])), "sparse, sparsity " + sparsity + ", logit " + i);
        }
      }
      long full = 4 * 25 * 576 + 6 * 4 * 25 * 64 + 10 * 96 + 10 * 10;
      assertEquals(full, dense.multiplyAdds());
      if (sparsity == 0) assertEquals(full, sparse.multiplyAdds());
      else assertTrue(sparse.multiplyAdds() < (1 - sparsity + 0.2) * full, sparse.multiplyAdds() + " of " + full);
    }
  }

  /** Multiply-adds of the sparse form count each conv non-zero at every position it is applied. */
  @Test
  void sparseMultiplyAddsCountPositions() {
    LeNet5 m = new LeNet5(2, 3, 4, 1);
    var p = m.namedParameters();
    java.util.Arrays.fill(p.get("conv1.weight").value().data(), 1, 50, 0f); // 1 non-zero left of 50
    java.util.Arrays.fill(p.get("conv2.weight").value().data(), 0f);
    p.get("conv2.weight").value().data()[7] = 1f; // 1 non-zero
    assertEquals(576 + 64 + 4 * 48 + 10 * 4, Inference.of(m, Inference.Kind.SPARSE).multiplyAdds());
  }

  /** The one forward, dense or CSR, gives bit for bit the logits of the former LeNet5Inference (kept as a test oracle), on both sparse routes. */
  @Test
  void bitIdenticalToThePreviousInference() {
    Rng rng = new Rng(12);
    for (double sparsity : new double[] {0, 0.8}) {
      LeNet5 m = new LeNet5(5, 7, 12, 4);
      if (sparsity > 0) Pruner.global(Pruner.weights(m), sparsity);
      for (Inference.Kind kind : Inference.Kind.values()) {
        Inference now = Inference.of(m, kind);
        LegacyLeNet5Inference before = LegacyLeNet5Inference.of(m, kind);
        for (int batch : new int[] {1, 3, 17, 40}) {
          Tensor x = Tensor.normal(rng, 0, 1, batch, 1, 28, 28);
          assertArrayEquals(before.logits(x.data(), batch), now.logits(x.data(), batch), kind + " sparsity " + sparsity + " batch " + batch);
        }
        assertEquals(before.multiplyAdds(), now.multiplyAdds());
      }
    }
  }

  @Test
  void resultsDoNotDependOnTheThreadCount() {
    LeNet5 m = new LeNet5(6, 16, 40, 2);
    Pruner.global(Pruner.weights(m), 0.8);
    Tensor x = Tensor.normal(new Rng(4), 0, 1, 37, 1, 28, 28);
    int before = Parallel.threads();
    try {
      for (Inference.Kind kind : Inference.Kind.values()) {
        for (int batch : new int[] {2, 37}) {
          Parallel.setThreads(1);
          float[] xb = java.util.Arrays.copyOf(x.data(), batch * 784);
          float[] one = Inference.of(m, kind).logits(xb, batch).clone();
          Parallel.setThreads(2);
          float[] two = Inference.of(m, kind).logits(xb, batch).clone();
          assertArrayEquals(one, two, kind + " batch " + batch);
        }
      }
    } finally {
      Parallel.setThreads(before);
    }
  }

  @Test
  void accuracyAndBadInput() {
    Rng rng = new Rng(6);
    int n = 30;
    Tensor x = Tensor.normal(rng, 0, 1, n, 1, 28, 28);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = rng.nextInt(10);
    LeNet5 m = new LeNet5(3, 4, 8, 5);
    float[] ref = m.forward(Tape.inference().input(x)).data();
    int correct = 0;
    for (int r = 0; r < n; r++) {
      int best = 0;
      for (int c = 1; c < 10; c++) if (ref[r * 10 + c] > ref[r * 10 + best]) best = c;
      if (best == y[r]) correct++;
    }
    assertEquals((double) correct / n, Inference.of(m, Inference.Kind.SPARSE).accuracy(new Dataset(x, y, 10), 7), 1e-12);
    var e = assertThrows(IllegalArgumentException.class, () -> Inference.of(m, Inference.Kind.DENSE).logits(new float[700], 1));
    assertTrue(e.getMessage().contains("700"), e.getMessage());
  }
}
