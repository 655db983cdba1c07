package dev.fivefold.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** F's contract: "NaN propagates as IEEE arithmetic does (no op hides it)". */
class NanPropagationTest {

  record Case(String name, int[] dims, Function<Var, Var> f) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("relu", new int[] {2, 3}, F::relu),
        new Case("gelu", new int[] {2, 3}, F::gelu),
        new Case("max along axis", new int[] {2, 3}, x -> F.max(x, 1, false)),
        new Case("maxPool2d", new int[] {1, 1, 4, 4}, x -> F.maxPool2d(x, 2, 2)),
        new Case("avgPool2d", new int[] {1, 1, 4, 4}, x -> F.avgPool2d(x, 2, 2)),
        new Case("softmax", new int[] {2, 3}, F::softmax),
        new Case("layerNorm", new int[] {2, 3}, x -> F.layerNorm(x, x.tape.input(Tensor.full(1f, 3)), x.tape.input(Tensor.zeros(3)), 1e-5f)),
        new Case("crossEntropy", new int[] {2, 3}, x -> F.crossEntropy(x, new int[] {0, 0})),
        new Case("sum", new int[] {2, 3}, F::sum),
        new Case("matmul", new int[] {2, 2}, x -> F.matmul(x, x)),
        new Case("causalAttention", new int[] {1, 2, 6}, x -> F.causalAttention(x, 1)));
  }

  /** With one NaN at each position in turn, the output has a NaN somewhere. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void nanIsNotHidden(Case c) {
    Tensor x = Tensor.normal(new Rng(1), 0f, 1f, c.dims());
    for (int pos = 0; pos < x.size(); pos++) {
      float old = x.data()[pos];
      x.data()[pos] = Float.NaN;
      Tape t = Tape.inference();
      float[] out = c.f().apply(t.input(x)).data();
      boolean any = false;
      for (float v : out) any |= Float.isNaN(v);
      assertTrue(any, c.name() + " hid a NaN at input position " + pos);
      x.data()[pos] = old;
    }
  }
}
