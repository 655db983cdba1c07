package dev.fivefold.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.compress.Pruner;
import dev.fivefold.perception.LeNet5;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.VecOps;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The batch-innermost CSR forms give the row forms' values bit for bit, only laid out [features, N]. */
class BatchInnermostTest {
  private static float[] transposed(float[] a, int rows, int cols) {
    float[] t = new float[a.length];
    VecOps.transpose(a, 0, rows, cols, t, 0);
    return t;
  }

  @Test
  void fusedConvStageKeepsTheBatchInnermost() {
    Rng rng = new Rng(5);
    Conv2d conv = new Conv2d(3, 4, 5, 1, 0, rng);
    Pruner.perLayerSparsity(Map.of("w", conv.weight()), 0.6);
    conv.sparsify();
    int n = Conv2d.DIRECT_MIN_BATCH + 3, chw = 3 * 12 * 12, out = 4 * 4 * 4;
    Tensor x = Tensor.normal(rng, 0, 1, n, 3, 12, 12);
    Tape tape = Tape.inference();
    float[] rows = conv.reluMaxPool2(tape.input(x)).data().clone(); // [N, 4, 4, 4]
    Var fromRows = conv.reluMaxPool2BatchInnermost(tape.input(x), false);
    assertArrayEquals(new int[] {4, 4, 4, n}, fromRows.shape().dims());
    assertArrayEquals(transposed(rows, n, out), fromRows.data().clone());
    Var fromColumns = conv.reluMaxPool2BatchInnermost(tape.input(Tensor.of(transposed(x.data(), n, chw), 3, 12, 12, n)), true);
    assertArrayEquals(transposed(rows, n, out), fromColumns.data());
    // not applicable: a batch below one vector, a recording tape, a dense layer
    assertNull(conv.reluMaxPool2BatchInnermost(tape.input(Tensor.normal(rng, 0, 1, 2, 3, 12, 12)), false));
    assertNull(conv.reluMaxPool2BatchInnermost(Tape.training().input(x), false));
    assertNull(conv.densify().reluMaxPool2BatchInnermost(tape.input(x), false));
  }

  @Test
  void linearReadsColumnsAndGivesTheRowFormsValues() {
    Rng rng = new Rng(9);
    Linear fc = new Linear(24, 7, rng);
    Pruner.perLayerSparsity(Map.of("w", fc.weight()), 0.7);
    fc.sparsify();
    Tape tape = Tape.inference();
    for (int n : new int[] {1, 5, 40}) {
      Tensor x = Tensor.normal(rng, 0, 1, n, 24);
      float[] rows = fc.forward(tape.input(x)).data().clone();
      Tensor cols = Tensor.of(transposed(x.data(), n, 24), 6, 2, 2, n); // any leading dims that make 24
      Var y = fc.forwardBatchInnermost(tape.input(cols), false);
      assertArrayEquals(new int[] {n, 7}, y.shape().dims());
      assertArrayEquals(rows, y.data().clone());
      Var yt = fc.forwardBatchInnermost(tape.input(cols), true);
      assertArrayEquals(new int[] {7, n}, yt.shape().dims());
      assertArrayEquals(transposed(rows, n, 7), yt.data());
    }
    var e = assertThrows(IllegalArgumentException.class, () -> fc.forwardBatchInnermost(tape.input(Tensor.zeros(25, 3)), false));
    assertTrue(e.getMessage().contains("[25, 3]"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> fc.forwardBatchInnermost(Tape.training().input(Tensor.zeros(24, 3)), false));
    assertThrows(IllegalStateException.class, () -> fc.densify().forwardBatchInnermost(tape.input(Tensor.zeros(24, 3)), false));
  }

  /** With a hook LeNet-5 runs layer by layer (hooks see [N, C, H, W] maps); without, batch-innermost: the same logits. */
  @Test
  void leNet5SameLogitsWithAndWithoutHooks() {
    LeNet5 m = new LeNet5(4, 6, 10, 3);
    Pruner.global(Pruner.weights(m), 0.8);
    m.eval();
    for (Module l : m.namedModules().values()) {
      if (l instanceof Linear lin) lin.sparsify();
      else if (l instanceof Conv2d conv) conv.sparsify();
    }
    int n = Conv2d.DIRECT_MIN_BATCH + 1;
    Tensor x = Tensor.normal(new Rng(2), 0, 1, n, 1, 28, 28);
    float[] fast = m.forward(Tape.inference().input(x)).data().clone();
    int[] seen = {0};
    float[] hooked;
    try (var h = m.hook((name, layer, out) -> {
      assertEquals(n, out.shape().dim(0), name);
      seen[0]++;
    })) {
      hooked = m.forward(Tape.inference().input(x)).data().clone();
    }
    assertEquals(6, seen[0]); // pool1, pool2 (the fused stages), flatten, fc1, relu3, fc2
    assertArrayEquals(hooked, fast);
  }
}
