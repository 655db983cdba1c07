package dev.fivefold.perception;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnsembleTest {
  @Test
  void logitsAreTheMembersMean() {
    Tensor x = Tensor.uniform(new Rng(1), 0, 1, 5, 1, 28, 28);
    Mlp a = new Mlp(new int[] {784, 16, 10}, "relu", 1), b = new Mlp(new int[] {784, 8, 10}, "tanh", 2), c = new Mlp(new int[] {784, 4, 10}, "relu", 3);
    Tape tape = Tape.inference();
    float[] za = a.forward(tape.input(x)).data().clone(), zb = b.forward(tape.input(x)).data().clone(), zc = c.forward(tape.input(x)).data().clone();
    Ensemble e = new Ensemble(List.of(a, b, c));
    float[] z = e.forward(tape.input(x)).data();
    for (int i = 0; i < z.length; i++) assertEquals((za[i] + zb[i] + zc[i]) / 3, z[i], 1e-5, "logit " + i);
    assertEquals(a.parameterCount() + b.parameterCount() + c.parameterCount(), e.parameterCount());
    assertEquals(List.of("m0.fc1.weight", "m0.fc1.bias"), e.namedParameters().keySet().stream().limit(2).toList());
    assertArrayEquals(za, new Ensemble(List.of(a)).forward(tape.input(x)).data(), "one member is that member");
  }

  @Test
  void noMembersIsAnError() {
    assertEquals("an ensemble needs at least one member, got 0", assertThrows(IllegalArgumentException.class, () -> new Ensemble(List.of())).getMessage());
  }
}
