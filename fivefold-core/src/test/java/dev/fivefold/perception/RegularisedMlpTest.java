package dev.fivefold.perception;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Hinton's dropout-and-jitter MLP as the one Mlp with dropout layers ({@link Mlp#regularised}) inside a {@link Jittered}. */
class RegularisedMlpTest {
  static float[] forward(Module m, Tensor x, Tape tape) {
    return m.forward(tape.input(x)).data().clone();
  }

  @Test
  void evalModeIsTheWrappedMlpAndTrainingModeRegularises() {
    Tensor x = Tensor.uniform(new Rng(2), 0, 1, 4, 1, 28, 28);
    Mlp mlp = new Mlp(new int[] {784, 32, 16, 10}, "relu", 5);
    float[] plain = forward(mlp, x, Tape.training());
    Module r = new Mlp(new int[] {784, 32, 16, 10}, "relu", 5).regularised(0.2, 0.5, 2, 9);
    assertEquals(mlp.parameterCount(), r.parameterCount());
    assertTrue(r.namedParameters().containsKey("model.fc1.weight"));
    r.eval();
    assertArrayEquals(plain, forward(r, x, Tape.training()));
    r.train();
    assertArrayEquals(plain, forward(r, x, Tape.inference()), "an inference tape never regularises");
    assertFalse(Arrays.equals(plain, forward(r, x, Tape.training())), "dropout and jitter change the training forward");
    assertArrayEquals(plain, forward(new Mlp(new int[] {784, 32, 16, 10}, "relu", 5).regularised(0, 0, 0, 9), x, Tape.training()),
        "all off is the plain MLP");
    assertEquals(Models.specOf(mlp), Models.specOf(new Mlp(new int[] {784, 32, 16, 10}, "relu", 5).regularise(0.2, 0.5, new Rng(1))),
        "dropout layers do not change the spec");
  }

  /** Same seed, same numbers as the former RegularisedMlp: the dropout masks and shifts are drawn in the same order, over several training steps. */
  @Test
  void bitIdenticalToTheFormerRegularisedMlp() {
    for (int shift : new int[] {0, 2}) {
      for (double[] p : new double[][] {{0.2, 0.5}, {0, 0.5}, {0.2, 0}, {0, 0}}) {
        Mlp a = new Mlp(new int[] {784, 24, 12, 10}, "relu", 7), b = new Mlp(new int[] {784, 24, 12, 10}, "relu", 7);
        Module before = new LegacyRegularisedMlp(a, p[0], p[1], shift, 31);
        Module now = b.regularised(p[0], p[1], shift, 31);
        Rng rng = new Rng(3);
        for (int step = 0; step < 4; step++) {
          Tensor x = Tensor.uniform(rng, 0, 1, 5, 1, 28, 28);
          Tape ta = Tape.training(), tb = Tape.training();
          var la = F.sum(before.forward(ta.input(x)));
          var lb = F.sum(now.forward(tb.input(x)));
          assertArrayEquals(la.data(), lb.data(), "shift " + shift + " dropout " + Arrays.toString(p) + " step " + step);
          ta.backward(la);
          tb.backward(lb);
          assertArrayEquals(a.layers().getFirst().weight().grad(), b.layers().getFirst().weight().grad());
        }
      }
    }
  }

  /** Jitter alone: the training forward is the plain MLP on a shifted copy, never on the original (for a lit patch off-centre). */
  @Test
  void jitterAloneFeedsShiftedImages() {
    float[] img = new float[784];
    img[10 * 28 + 10] = 1;
    Tensor x = Tensor.of(img, 1, 1, 28, 28);
    Mlp mlp = new Mlp(new int[] {784, 8, 10}, "relu", 1);
    Module r = new Mlp(new int[] {784, 8, 10}, "relu", 1).regularised(0, 0, 1, 4);
    int moved = 0;
    for (int i = 0; i < 30; i++) if (!Arrays.equals(forward(mlp, x, Tape.training()), forward(r, x, Tape.training()))) moved++;
    assertTrue(moved >= 20 && moved < 30, "8 of 9 offsets move the image; moved " + moved + " of 30"); // P(moved < 20) ~ 1e-5
  }

  @Test
  void badSettingsAreNamed() {
    assertEquals("hiddenDropout (1.0) must be in [0, 1)",
        assertThrows(IllegalArgumentException.class, () -> new Mlp(new int[] {784, 8, 10}, "relu", 1).regularised(0, 1, 0, 1)).getMessage());
    assertEquals("inputDropout (-0.1) must be in [0, 1)",
        assertThrows(IllegalArgumentException.class, () -> new Mlp(new int[] {784, 8, 10}, "relu", 1).regularised(-0.1, 0, 0, 1)).getMessage());
    assertEquals("maxShift (-1) must be >= 0",
        assertThrows(IllegalArgumentException.class, () -> new Mlp(new int[] {784, 8, 10}, "relu", 1).regularised(0, 0, -1, 1)).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new LeNet5(2, 3, 4, 1).regularised(0.2, 0, 0, 1)).getMessage().contains("needs an mlp"));
  }
}
