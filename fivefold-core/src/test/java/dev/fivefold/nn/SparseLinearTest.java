package dev.fivefold.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.compress.Pruner;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Parallel;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SparseLinearTest {
  @Test
  void sparseEqualsDense() {
    Rng rng = new Rng(3);
    for (double s : new double[] {0.0, 0.5, 0.9, 0.99}) {
      for (int batch : new int[] {1, 7, 64, 100}) {
        Linear lin = new Linear(50, 30, rng);
        Pruner.perLayerSparsity(Map.of("w", lin.weight()), s);
        Tensor x = Tensor.normal(rng, 0, 1, batch, 50);
        SparseLinear sp = SparseLinear.of(lin.weight().value(), lin.bias().value());
        assertEquals(Math.round(1500 * (1 - s)), sp.nonZeros(), 1);
        assertArrayEquals(lin.weight().value().data(), sp.dense().data());
        Tape t = Tape.inference();
        float[] dense = lin.forward(t.input(x)).data(), sparse = sp.forward(x).data();
        for (int i = 0; i < dense.length; i++) assertEquals(dense[i], sparse[i], 1e-4f * (1 + Math.abs(dense[i])), "s " + s + " b " + batch);
      }
    }
    // no bias
    Tensor w = Tensor.normal(rng, 0, 1, 4, 3), x = Tensor.normal(rng, 0, 1, 2, 3);
    Tape t = Tape.inference();
    float[] d = F.linear(t.input(x), t.input(w), null).data(), s = SparseLinear.of(w, null).forward(x).data();
    for (int i = 0; i < d.length; i++) assertEquals(d[i], s[i], 1e-5f);
  }

  /**
   * The column form on inputs wider than one cache tile (as a batch's im2col matrix is), including
   * a ragged last tile, against a double-precision reference; and the same bits on 1 and 2 threads.
   */
  @Test
  void wideColumnsAreTiledAndExact() {
    Rng rng = new Rng(11);
    int in = 300, out = 20;
    for (int b : new int[] {10, 219, 5001}) {
      Tensor w = Tensor.normal(rng, 0, 1, out, in), bias = Tensor.normal(rng, 0, 1, out);
      Pruner.perLayerSparsity(Map.of("w", new dev.fivefold.nn.Parameter(w)), 0.8);
      SparseLinear sp = SparseLinear.of(w, bias);
      float[] xt = Tensor.normal(rng, 0, 1, in, b).data();
      float[] yt = new float[out * b];
      int before = Parallel.threads();
      float[] two;
      try {
        Parallel.setThreads(1);
        sp.forwardColumns(xt, b, yt);
        Parallel.setThreads(2);
        two = new float[out * b];
        sp.forwardColumns(xt, b, two);
      } finally {
        Parallel.setThreads(before);
      }
      assertArrayEquals(yt, two, "b " + b + ": thread count changed the result");
      for (int o = 0; o < out; o++) {
        for (int r = 0; r < b; r++) {
          double ref = bias.data()[o];
          for (int c = 0; c < in; c++) ref += (double) w.data()[o * in + c] * xt[c * b + r];
          assertEquals(ref, yt[o * b + r], 1e-4 * (1 + Math.abs(ref)), "b " + b + " o " + o + " r " + r);
        }
      }
    }
    SparseLinear sp = SparseLinear.of(Tensor.zeros(2, 3), null);
    var e = assertThrows(IllegalArgumentException.class, () -> sp.forwardColumns(new float[5], 2, new float[4]));
    assertEquals("columns need 3 × 2 inputs and 2 × 2 outputs, got 5 and 4", e.getMessage());
  }
}
