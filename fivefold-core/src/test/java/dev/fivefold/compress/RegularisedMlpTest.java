package dev.fivefold.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.perception.Mlp;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RegularisedMlpTest {
  static float[] forward(dev.fivefold.nn.Module m, Tensor x, Tape tape) {
    return m.forward(tape.input(x)).data().clone();
  }

  @Test
  void evalModeIsTheWrappedMlpAndTrainingModeRegularises() {
    Tensor x = Tensor.uniform(new Rng(2), 0, 1, 4, 1, 28, 28);
    Mlp mlp = new Mlp(new int[] {784, 32, 16, 10}, "relu", 5);
    float[] plain = forward(mlp, x, Tape.training());
    RegularisedMlp r = new RegularisedMlp(mlp, 0.2, 0.5, 2, 9);
    assertEquals(mlp.parameterCount(), r.parameterCount());
    assertTrue(r.namedParameters().containsKey("mlp.fc1.weight"));
    r.eval();
    assertArrayEquals(plain, forward(r, x, Tape.training()));
    r.train();
    assertArrayEquals(plain, forward(r, x, Tape.inference()), "an inference tape never regularises");
    assertFalse(Arrays.equals(plain, forward(r, x, Tape.training())), "dropout and jitter change the training forward");
    assertArrayEquals(plain, forward(new RegularisedMlp(mlp, 0, 0, 0, 9), x, Tape.training()), "all off is the plain MLP");
  }

  /** Jitter alone: the training forward is the plain MLP on a shifted copy, never on the original (for a lit patch off-centre). */
  @Test
  void jitterAloneFeedsShiftedImages() {
    float[] img = new float[784];
    img[10 * 28 + 10] = 1;
    Tensor x = Tensor.of(img, 1, 1, 28, 28);
    Mlp mlp = new Mlp(new int[] {784, 8, 10}, "relu", 1);
    RegularisedMlp r = new RegularisedMlp(mlp, 0, 0, 1, 4);
    int moved = 0;
    for (int i = 0; i < 30; i++) if (!Arrays.equals(forward(mlp, x, Tape.training()), forward(r, x, Tape.training()))) moved++;
    assertTrue(moved >= 20 && moved < 30, "8 of 9 offsets move the image; moved " + moved + " of 30"); // P(moved < 20) ~ 1e-5
  }

  @Test
  void badSettingsAreNamed() {
    Mlp mlp = new Mlp(new int[] {784, 8, 10}, "relu", 1);
    assertEquals("hiddenDropout (1.0) must be in [0, 1)", assertThrows(IllegalArgumentException.class, () -> new RegularisedMlp(mlp, 0, 1, 0, 1)).getMessage());
    assertEquals("inputDropout (-0.1) must be in [0, 1)", assertThrows(IllegalArgumentException.class, () -> new RegularisedMlp(mlp, -0.1, 0, 0, 1)).getMessage());
    assertEquals("maxShift (-1) must be >= 0", assertThrows(IllegalArgumentException.class, () -> new RegularisedMlp(mlp, 0, 0, -1, 1)).getMessage());
  }
}
