package dev.fivefold.autodiff;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Invalid shapes and indices throw {@link IllegalArgumentException} whose message names the
 * offending shapes (or index and range), on a training tape and before anything is recorded.
 */
class BroadcastAndShapeErrorsTest {

  /** {@code call} on a fresh training tape must throw; the message must contain every {@code named}. */
  record Bad(String name, Function<Tape, Object> call, String... named) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Var p(Tape t, int... dims) {
    return t.parameter(Tensor.zeros(dims), new float[Tensor.zeros(dims).size()]);
  }

  static Bad bad(String name, Function<Tape, Object> call, String... named) {
    return new Bad(name, call, named);
  }

  static Stream<Bad> cases() {
    return Stream.of(
        bad("broadcast [2,3] + [4]", t -> F.add(p(t, 2, 3), p(t, 4)), "[2, 3]", "[4]"),
        bad("broadcast [2,3,4] * [3,2,4]", t -> F.mul(p(t, 2, 3, 4), p(t, 3, 2, 4)), "[2, 3, 4]", "[3, 2, 4]"),
        bad("matmul inner mismatch", t -> F.matmul(p(t, 2, 3), p(t, 4, 5)), "[2, 3]", "[4, 5]"),
        bad("matmul batched inner mismatch", t -> F.matmul(p(t, 2, 3, 4), p(t, 2, 3, 5)), "[2, 3, 4]", "[2, 3, 5]"),
        bad("matmul batch mismatch", t -> F.matmul(p(t, 2, 3, 4), p(t, 3, 4, 5)), "[2, 3, 4]", "[3, 4, 5]"),
        bad("matmul batch same product, other order", t -> F.matmul(p(t, 2, 3, 2, 4), p(t, 3, 2, 4, 5)), "[2, 3, 2, 4]", "[3, 2, 4, 5]"),
        bad("matmul rank 1", t -> F.matmul(p(t, 3), p(t, 3, 2)), "[3]", "[3, 2]"),
        bad("linear feature mismatch", t -> F.linear(p(t, 5, 4), p(t, 2, 3), null), "[5, 4]", "[2, 3]"),
        bad("linear 3-D feature mismatch", t -> F.linear(p(t, 2, 5, 4), p(t, 2, 3), p(t, 2)), "[2, 5, 4]", "[2, 3]"),
        bad("linear bias mismatch", t -> F.linear(p(t, 5, 3), p(t, 2, 3), p(t, 3)), "[3]", "[2]"),
        bad("linear weight not 2-D", t -> F.linear(p(t, 5, 3), p(t, 3), null), "[3]"),
        bad("conv channel mismatch", t -> F.conv2d(p(t, 1, 3, 5, 5), p(t, 4, 2, 3, 3), null, 1, 0), "[1, 3, 5, 5]", "[4, 2, 3, 3]"),
        bad("conv input not 4-D", t -> F.conv2d(p(t, 3, 5, 5), p(t, 4, 3, 3, 3), null, 1, 0), "[3, 5, 5]"),
        bad("conv bias mismatch", t -> F.conv2d(p(t, 1, 3, 5, 5), p(t, 4, 3, 3, 3), p(t, 3), 1, 0), "[3]", "[4, 3, 3, 3]"),
        bad("conv kernel larger than input", t -> F.conv2d(p(t, 1, 3, 2, 2), p(t, 4, 3, 3, 3), null, 1, 0), "[1, 3, 2, 2]"),
        bad("conv stride 0", t -> F.conv2d(p(t, 1, 3, 5, 5), p(t, 4, 3, 3, 3), null, 0, 0), "stride"),
        bad("pool window larger than input", t -> F.maxPool2d(p(t, 1, 1, 2, 2), 3, 1), "[1, 1, 2, 2]"),
        bad("pool input not 4-D", t -> F.avgPool2d(p(t, 4, 4), 2, 2), "[4, 4]"),
        bad("permute repeated axis", t -> F.permute(p(t, 2, 3, 4), 0, 0, 1), "[0, 0, 1]", "[2, 3, 4]"),
        bad("permute wrong length", t -> F.permute(p(t, 2, 3, 4), 1, 0), "[1, 0]", "[2, 3, 4]"),
        bad("permute axis out of range", t -> F.permute(p(t, 2, 3), 0, 2), "[0, 2]", "[2, 3]"),
        bad("transpose axis out of range", t -> F.transpose(p(t, 2, 3), 0, 2), "[2, 3]"),
        bad("slice end past axis", t -> F.slice(p(t, 3, 4), 1, 2, 6), "[2, 6)", "[3, 4]"),
        bad("slice negative start", t -> F.slice(p(t, 3, 4), 0, -1, 2), "[-1, 2)", "[3, 4]"),
        bad("slice start after end", t -> F.slice(p(t, 3, 4), 0, 2, 1), "[2, 1)", "[3, 4]"),
        bad("slice bad axis", t -> F.slice(p(t, 3, 4), 2, 0, 1), "[3, 4]"),
        bad("concat off-axis mismatch", t -> F.concat(0, p(t, 2, 3), p(t, 2, 4)), "[2, 3]", "[2, 4]"),
        bad("concat rank mismatch", t -> F.concat(0, p(t, 2, 3), p(t, 2, 3, 1)), "[2, 3]", "[2, 3, 1]"),
        bad("reshape wrong size", t -> F.reshape(p(t, 2, 3), 4, 2), "[2, 3]", "[4, 2]"),
        bad("reshape -1 not divisible", t -> F.reshape(p(t, 2, 3), 4, -1), "[2, 3]", "[4, -1]"),
        bad("embedding index past vocab", t -> F.embedding(p(t, 6, 4), new int[] {0, 6, 1}, 3), "(6)", "[0, 6)", "[6, 4]"),
        bad("embedding negative index", t -> F.embedding(p(t, 6, 4), new int[] {-1}, 1), "(-1)", "[6, 4]"),
        bad("embedding table not 2-D", t -> F.embedding(p(t, 6), new int[] {0}, 1), "[6]"),
        bad("crossEntropy target past classes", t -> F.crossEntropy(p(t, 2, 5), new int[] {1, 5}), "(5)", "[0, 5)", "[2, 5]"),
        bad("crossEntropy negative target", t -> F.crossEntropy(p(t, 2, 5), new int[] {-1, 0}), "(-1)", "[2, 5]"),
        bad("crossEntropy too few targets", t -> F.crossEntropy(p(t, 3, 5), new int[] {1, 2}), "(2)", "[3, 5]"),
        bad("mse shape mismatch", t -> F.mse(p(t, 2, 3), p(t, 3, 2)), "[2, 3]", "[3, 2]"),
        bad("layerNorm weight mismatch", t -> F.layerNorm(p(t, 2, 4), p(t, 3), p(t, 4), 1e-5f), "[3]", "[2, 4]"),
        bad("attention heads do not divide width", t -> F.causalAttention(p(t, 2, 5, 24), 3), "(3)", "(8)", "[2, 5, 24]"),
        bad("attention width not 3C", t -> F.causalAttention(p(t, 2, 5, 8), 1), "[2, 5, 8]"),
        bad("bidirectional attention heads do not divide width", t -> F.attention(p(t, 2, 5, 24), 3), "(3)", "(8)", "[2, 5, 24]"),
        bad("bidirectional attention width not 3C", t -> F.attention(p(t, 2, 5, 8), 1), "[2, 5, 8]"),
        bad("reduce bad axis", t -> F.sum(p(t, 2, 3), 2, false), "[2, 3]"),
        bad("dropout p = 1", t -> F.dropout(p(t, 2, 3), 1f, new Rng(1)), "1.0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void throwsNamingTheShapes(Bad b) {
    Tape t = Tape.training();
    var e = assertThrows(IllegalArgumentException.class, () -> b.call().apply(t), b.name());
    String m = e.getMessage();
    for (String s : b.named()) assertTrue(m != null && m.contains(s), b.name() + ": message \"" + m + "\" does not name " + s);
    assertTrue(t.size() == 0, b.name() + ": nothing recorded");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void inferenceTapeThrowsTheSame(Bad b) {
    assertThrows(IllegalArgumentException.class, () -> b.call().apply(Tape.inference()), b.name());
  }

  /** Not an error: every valid broadcast pattern of the gradient check produces the NumPy shape. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void broadcastShape(List<int[]> s) {
    Tape t = Tape.inference();
    var out = F.add(p(t, s.get(0)), p(t, s.get(1))).shape();
    assertTrue(java.util.Arrays.equals(s.get(2), out.dims()), "got " + out);
  }

  static Stream<List<int[]>> shapes() {
    return Stream.of(
        List.of(new int[] {2, 1, 3}, new int[] {2, 4, 3}, new int[] {2, 4, 3}),
        List.of(new int[] {}, new int[] {3, 4}, new int[] {3, 4}),
        List.of(new int[] {4}, new int[] {3, 1}, new int[] {3, 4}),
        List.of(new int[] {2, 1, 4}, new int[] {1, 3, 1}, new int[] {2, 3, 4}),
        List.of(new int[] {5, 1, 1}, new int[] {2, 1}, new int[] {5, 2, 1}));
  }
}
