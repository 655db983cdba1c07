package dev.fivefold.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.nn.Parameter;
import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.GptConfig;
import dev.fivefold.tensor.Rng;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Freeing intermediate gradients during backward changes no bit of a step and takes less memory. */
class FreeGradientsTest {

  /** Three steps of a small GPT on one tape; returns every parameter's gradient after each step, concatenated. */
  private static List<float[]> steps(Tape tape) {
    Gpt g = new Gpt(new GptConfig(17, 16, 2, 2, 32, 0f), 5);
    Rng rng = new Rng(9);
    int batch = 3, t = 16;
    List<float[]> out = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      int[] in = new int[batch * t], tg = new int[batch * t];
      for (int i = 0; i < in.length; i++) {
        in[i] = rng.nextInt(17);
        tg[i] = rng.nextInt(17);
      }
      tape.reset();
      for (Parameter p : g.parameters()) java.util.Arrays.fill(p.grad(), 0f);
      tape.backward(F.crossEntropy(g.forward(tape, in, batch, t), tg));
      for (Parameter p : g.parameters()) out.add(p.grad().clone());
    }
    return out;
  }

  @Test
  void sameGradientsLessMemory() {
    Tape keep = Tape.training(), free = Tape.training().freeGradients(true);
    List<float[]> a = steps(keep), b = steps(free);
    assertTrue(a.size() == b.size() && !a.isEmpty());
    for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i), b.get(i), "parameter gradient " + i);
    assertTrue(free.allocatedBytes() < 0.8 * keep.allocatedBytes(),
        "freeing allocated " + free.allocatedBytes() + " B, keeping " + keep.allocatedBytes() + " B");
  }

  @Test
  void intermediateGradientIsDroppedButLeavesKept() {
    Tape tape = Tape.training().freeGradients(true);
    float[] g = new float[3];
    Var x = tape.parameter(dev.fivefold.tensor.Tensor.of(new float[] {1f, 2f, 3f}, 3), g);
    Var e = F.exp(x);
    tape.backward(F.sum(F.mul(e, e)));
    assertNull(e.grad());
    for (int i = 0; i < 3; i++) assertTrue(Math.abs(g[i] - 2 * Math.exp(2 * (i + 1))) < 1e-3 * Math.exp(2 * (i + 1)));
  }
}
