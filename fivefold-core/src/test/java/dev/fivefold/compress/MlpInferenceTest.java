package dev.fivefold.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.LegacyMlpInference;
import dev.fivefold.perception.Mlp;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import org.junit.jupiter.api.Test;

class MlpInferenceTest {
  /** The tape-free dense and CSR forms give the tape forward's logits, pruned or not, at several batch sizes. */
  @Test
  void denseAndSparseMatchTheTapeForward() {
    Rng rng = new Rng(5);
    for (double sparsity : new double[] {0, 0.6, 0.95}) {
      Mlp m = new Mlp(new int[] {40, 24, 12, 5}, "relu", 9);
      if (sparsity > 0) Pruner.global(Pruner.weights(m), sparsity);
      m.eval();
      Inference dense = Inference.of(m, Inference.Kind.DENSE), sparse = Inference.of(m, Inference.Kind.SPARSE);
      for (int batch : new int[] {1, 3, 33}) {
        Tensor x = Tensor.normal(rng, 0, 1, batch, 40);
        float[] ref = m.forward(Tape.inference().input(x)).data();
        float[] d = dense.logits(x.data(), batch).clone(), s = sparse.logits(x.data(), batch);
        for (int i = 0; i < ref.length; i++) {
          assertEquals(ref[i], d[i], 1e-4f * (1 + Math.abs(ref[i])), "dense, sparsity " + sparsity);
          assertEquals(ref[i], s[i], 1e-4f * (1 + Math.abs(ref[i])), "sparse, sparsity " + sparsity);
        }
      }
      long full = 40 * 24 + 24 * 12 + 12 * 5;
      assertEquals(full, dense.multiplyAdds());
      assertEquals(Math.round(full * (1 - sparsity)), sparse.multiplyAdds(), 2);
    }
  }

  /** Accuracy from the tape-free path equals counting argmaxes of the tape's logits. */
  @Test
  void accuracyCountsArgmaxes() {
    Rng rng = new Rng(2);
    int n = 70;
    Tensor x = Tensor.normal(rng, 0, 1, n, 12);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = rng.nextInt(3);
    Dataset d = new Dataset(x, y, 3);
    Mlp m = new Mlp(new int[] {12, 8, 3}, "relu", 4);
    float[] ref = m.forward(Tape.inference().input(x)).data();
    int correct = 0;
    for (int r = 0; r < n; r++) {
      int best = 0;
      for (int c = 1; c < 3; c++) if (ref[r * 3 + c] > ref[r * 3 + best]) best = c;
      if (best == y[r]) correct++;
    }
    assertEquals((double) correct / n, Inference.of(m, Inference.Kind.SPARSE).accuracy(d, 16), 1e-12);
    assertEquals((double) correct / n, Inference.of(m, Inference.Kind.DENSE).accuracy(d, 64), 1e-12);
  }

  /** The one forward, dense or CSR, gives bit for bit the logits of the former tape-free MlpInference (kept as a test oracle). */
  @Test
  void bitIdenticalToThePreviousInference() {
    Rng rng = new Rng(11);
    for (double sparsity : new double[] {0, 0.9}) {
      Mlp m = new Mlp(new int[] {50, 40, 20, 7}, "relu", 3);
      if (sparsity > 0) Pruner.global(Pruner.weights(m), sparsity);
      for (Inference.Kind kind : Inference.Kind.values()) {
        Inference now = Inference.of(m, kind);
        LegacyMlpInference before = LegacyMlpInference.of(m, kind);
        for (int batch : new int[] {1, 5, 64, 200}) {
          Tensor x = Tensor.normal(rng, 0, 1, batch, 50);
          assertArrayEquals(before.logits(x.data(), batch), now.logits(x.data(), batch), kind + " sparsity " + sparsity + " batch " + batch);
        }
        assertEquals(before.multiplyAdds(), now.multiplyAdds());
      }
    }
  }

  /** The former MlpInference refused other activations; the one forward runs any, and still names a bad input length. */
  @Test
  void badInputNamesTheValue() {
    Mlp tanh = new Mlp(new int[] {4, 3, 2}, "tanh", 1);
    Tensor x = Tensor.normal(new Rng(1), 0, 1, 2, 4);
    float[] ref = tanh.forward(Tape.inference().input(x)).data();
    assertArrayEquals(ref, Inference.of(tanh, Inference.Kind.DENSE).logits(x.data(), 2));
    Inference inf = Inference.of(new Mlp(new int[] {4, 3, 2}, "relu", 1), Inference.Kind.DENSE);
    var e = assertThrows(IllegalArgumentException.class, () -> inf.logits(new float[7], 2));
    assertTrue(e.getMessage().contains("7"), e.getMessage());
  }
}
