package dev.fivefold.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.nn.Linear;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
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
}
