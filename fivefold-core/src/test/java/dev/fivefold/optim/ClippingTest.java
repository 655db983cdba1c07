package dev.fivefold.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.fivefold.nn.Parameter;
import dev.fivefold.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Clipping transforms against hand-computed values. */
class ClippingTest {
  static float[][] run(GradientTransform t, List<Parameter> ps, float[][] u) {
    t.update(u, t.init(ps), ps);
    return u;
  }

  @Test
  void globalNormScalesAllParametersTogether() {
    List<Parameter> ps = List.of(new Parameter(Tensor.zeros(2)), new Parameter(Tensor.zeros(1)));
    float[][] u = run(Clipping.byGlobalNorm(1.0), ps, new float[][] {{3, 0}, {4}}); // ‖u‖ = 5
    assertArrayEquals(new float[] {0.6f, 0}, u[0], 1e-7f);
    assertArrayEquals(new float[] {0.8f}, u[1], 1e-7f);
    u = run(Clipping.byGlobalNorm(10.0), ps, new float[][] {{3, 0}, {4}});
    assertArrayEquals(new float[] {3, 0}, u[0]);
  }

  @Test
  void byValueClamps() {
    List<Parameter> ps = List.of(new Parameter(Tensor.zeros(4)));
    float[][] u = run(Clipping.byValue(0.5), ps, new float[][] {{-2, 0.3f, 0.5f, 7}});
    assertArrayEquals(new float[] {-0.5f, 0.3f, 0.5f, 0.5f}, u[0]);
  }

  @Test
  void adaptiveClipsEachUnitRelativeToItsWeights() {
    // W rows: [3, 4] (norm 5) and [0, 0] (norm 0 -> eps); λ = 0.1
    Parameter w = new Parameter(Tensor.of(new float[] {3, 4, 0, 0}, 2, 2));
    Parameter b = new Parameter(Tensor.of(new float[] {1, 0}, 2));
    float[][] u = run(Clipping.adaptive(0.1, 1e-3), List.of(w, b), new float[][] {{0, 2, 0.3f, 0.4f}, {0.05f, 0}});
    // row 0: ‖G‖ = 2 > 0.5 -> scaled to 0.5; row 1: ‖G‖ = 0.5 > 1e-4 -> scaled to 1e-4; bias: 0.05 ≤ 0.1 kept
    assertArrayEquals(new float[] {0, 0.5f, 0.6e-4f, 0.8e-4f}, u[0], 1e-7f);
    assertArrayEquals(new float[] {0.05f, 0}, u[1]);
  }
}
