package dev.fivefold.perception;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LeNet5WidthsTest {
  /** C1·26 + C2·(25·C1 + 1) + H·(16·C2 + 1) + 10·(H + 1). */
  static long count(int c1, int c2, int h) {
    return c1 * 26L + c2 * (25L * c1 + 1) + h * (16L * c2 + 1) + 10L * (h + 1);
  }

  @Test
  void specsRoundTripAndParameterCountsFollowTheFormula() {
    for (String spec : new String[] {"lenet5", "lenet5:6-16-100", "lenet5:3-5-7"}) {
      Module m = Models.create(spec, 1);
      assertEquals(spec, Models.specOf(m));
      int[] w = ((LeNet5) m).widths();
      assertEquals(count(w[0], w[1], w[2]), m.parameterCount(), spec);
      Tensor x = Tensor.normal(new Rng(2), 0, 1, 3, 1, 28, 28);
      assertArrayEquals(new int[] {3, 10}, m.forward(Tape.inference().input(x)).shape().dims(), spec);
    }
    assertEquals(431_080, Models.create("lenet5", 1).parameterCount());
    assertEquals(29_282, Models.create("lenet5:6-16-100", 1).parameterCount());
    assertEquals("lenet5", Models.specOf(Models.create("lenet5:20-50-500", 1))); // the standard widths are plain lenet5
  }

  /** The standard widths draw the same weights as the one-argument constructor, so old runs reproduce. */
  @Test
  void standardWidthsAreTheClassicModel() {
    LeNet5 a = new LeNet5(7), b = new LeNet5(20, 50, 500, 7);
    for (int i = 0; i < a.parameters().size(); i++) {
      assertArrayEquals(a.parameters().get(i).value().data(), b.parameters().get(i).value().data());
    }
  }

  @Test
  void badWidthsAreNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Models.create("lenet5:6-16", 1)).getMessage().contains("C1-C2-H"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Models.create("lenet5:6-x-100", 1)).getMessage().contains("width (x)"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Models.create("lenet5:6-0-100", 1)).getMessage().contains("width (0) must be >= 1"));
  }
}
