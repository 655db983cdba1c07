package dev.fivefold.perception;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.RandomShift;
import dev.fivefold.nn.Parameter;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import org.junit.jupiter.api.Test;

class JitteredTest {
  /** Training forward = the CNN on exactly the copy RandomShift makes from the same seed; eval and inference tapes see x itself. */
  @Test
  void trainingForwardIsTheModelOnTheShiftedCopyAndEvalIsTheModel() {
    Tensor x = Tensor.uniform(new Rng(3), 0, 1, 5, 1, 28, 28);
    LeNet5 cnn = new LeNet5(4, 6, 16, 2);
    Jittered j = new Jittered(cnn, 2, 77);
    assertEquals(cnn.parameterCount(), j.parameterCount());
    assertTrue(j.namedParameters().keySet().stream().allMatch(k -> k.startsWith("model.")), j.namedParameters().keySet().toString());
    Tensor shifted = RandomShift.mnist(2, new Rng(77)).apply(x);
    float[] expected = RegularisedMlpTest.forward(cnn, shifted, Tape.training());
    assertArrayEquals(expected, RegularisedMlpTest.forward(j, x, Tape.training()));
    float[] plain = RegularisedMlpTest.forward(cnn, x, Tape.training());
    assertArrayEquals(plain, RegularisedMlpTest.forward(j, x, Tape.inference()), "an inference tape never jitters");
    j.eval();
    assertArrayEquals(plain, RegularisedMlpTest.forward(j, x, Tape.training()), "eval mode never jitters");
  }

  /** Gradients reach the wrapped model's parameters, the same as training it on the shifted batch. */
  @Test
  void gradientsAreTheModelsOnTheShiftedBatch() {
    Tensor x = Tensor.uniform(new Rng(4), 0, 1, 3, 1, 28, 28);
    LeNet5 a = new LeNet5(4, 6, 16, 5), b = new LeNet5(4, 6, 16, 5);
    Tape t1 = Tape.training();
    Var l1 = F.sum(new Jittered(a, 1, 8).forward(t1.input(x)));
    t1.backward(l1);
    Tape t2 = Tape.training();
    Var l2 = F.sum(b.forward(t2.input(RandomShift.mnist(1, new Rng(8)).apply(x))));
    t2.backward(l2);
    var pa = a.namedParameters();
    var pb = b.namedParameters();
    double norm = 0;
    for (String k : pa.keySet()) {
      Parameter p = pa.get(k), q = pb.get(k);
      assertArrayEquals(q.grad(), p.grad(), 0f, k);
      for (float g : p.grad()) norm += g * g;
    }
    assertTrue(norm > 0, "some gradient reached the CNN");
  }

  @Test
  void badSettingsAreNamed() {
    LeNet5 cnn = new LeNet5(4, 6, 16, 1);
    assertEquals("maxShift (0) must be in [1, 28)", assertThrows(IllegalArgumentException.class, () -> new Jittered(cnn, 0, 1)).getMessage());
    assertEquals("maxShift (28) must be in [1, 28)", assertThrows(IllegalArgumentException.class, () -> new Jittered(cnn, 28, 1)).getMessage());
    assertEquals("model must not be null", assertThrows(IllegalArgumentException.class, () -> new Jittered(null, 1, 1)).getMessage());
  }
}
