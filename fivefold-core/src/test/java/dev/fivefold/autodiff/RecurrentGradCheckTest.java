package dev.fivefold.autodiff;

import static dev.fivefold.autodiff.GradCheck.normal;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Parallel;
import org.junit.jupiter.api.Test;

/**
 * The fused LSTM and GRU ops against finite differences (every element of every input: x, the
 * initial states, both weights, both biases; the LSTM's output includes every c_t, so gradients
 * reaching the cell state from outside are checked too), gradients bit-identical for 1 and 2
 * threads, and no new tape buffers after the first step of a shape.
 */
class RecurrentGradCheckTest {
  private static final float H = 1e-2f;

  private static void ok(String name, GradCheck.Report[] rs) {
    for (GradCheck.Report r : rs) if (!r.ok()) fail(name + ": " + r);
  }

  @Test
  void lstmMatchesFiniteDifferences() {
    for (long seed : new long[] {1, 2}) {
      ok("lstm seed " + seed, GradCheck.check(v -> F.lstm(v[0], v[1], v[2], v[3], v[4], v[5], v[6]),
          new GradCheck.Gen[] {normal(2, 4, 3), normal(2, 5), normal(2, 5), normal(20, 3), normal(20, 5), normal(20), normal(20)}, seed, H));
    }
  }

  @Test
  void gruMatchesFiniteDifferences() {
    for (long seed : new long[] {1, 2}) {
      ok("gru seed " + seed, GradCheck.check(v -> F.gru(v[0], v[1], v[2], v[3], v[4], v[5]),
          new GradCheck.Gen[] {normal(2, 4, 3), normal(2, 5), normal(15, 3), normal(15, 5), normal(15), normal(15)}, seed, H));
    }
  }

  /** Odd hidden size (the SIMD kernels' scalar tail) and one step. */
  @Test
  void oddSizesAndOneStep() {
    ok("lstm H7 T1", GradCheck.check(v -> F.lstm(v[0], v[1], v[2], v[3], v[4], v[5], v[6]),
        new GradCheck.Gen[] {normal(3, 1, 2), normal(3, 7), normal(3, 7), normal(28, 2), normal(28, 7), normal(28), normal(28)}, 5, H));
    ok("gru H9 T3", GradCheck.check(v -> F.gru(v[0], v[1], v[2], v[3], v[4], v[5]),
        new GradCheck.Gen[] {normal(2, 3, 2), normal(2, 9), normal(27, 2), normal(27, 9), normal(27), normal(27)}, 6, H));
  }

  private static float[][] lstmGrads(Tensor[] xs) {
    Tape tape = Tape.training();
    float[][] g = new float[xs.length][];
    Var[] v = new Var[xs.length];
    for (int i = 0; i < xs.length; i++) v[i] = tape.parameter(xs[i], g[i] = new float[xs[i].size()]);
    Var y = F.lstm(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
    tape.backward(F.sum(F.mul(y, y)));
    return g;
  }

  @Test
  void sameBitsForEveryThreadCount() {
    Rng r = new Rng(3);
    int b = 16, t = 6, in = 40, hs = 64;
    Tensor[] xs = {Tensor.normal(r, 0, 1, b, t, in), Tensor.normal(r, 0, 1, b, hs), Tensor.normal(r, 0, 1, b, hs),
        Tensor.normal(r, 0, 0.1f, 4 * hs, in), Tensor.normal(r, 0, 0.1f, 4 * hs, hs), Tensor.normal(r, 0, 0.1f, 4 * hs), Tensor.normal(r, 0, 0.1f, 4 * hs)};
    int was = Parallel.threads();
    try {
      Parallel.setThreads(1);
      float[][] one = lstmGrads(xs);
      Parallel.setThreads(2);
      float[][] two = lstmGrads(xs);
      for (int i = 0; i < one.length; i++) assertArrayEquals(one[i], two[i], "input " + i);
    } finally {
      Parallel.setThreads(was);
    }
  }

  @Test
  void noNewBuffersAfterTheFirstStep() {
    Rng r = new Rng(4);
    Tensor x = Tensor.normal(r, 0, 1, 4, 8, 5), w = Tensor.normal(r, 0, 0.3f, 18, 5), u = Tensor.normal(r, 0, 0.3f, 18, 6), b = Tensor.normal(r, 0, 0.3f, 18);
    float[] gw = new float[w.size()], gu = new float[u.size()], gb = new float[b.size()], gb2 = new float[b.size()];
    Tape tape = Tape.training();
    long after1 = 0;
    for (int step = 0; step < 3; step++) {
      tape.reset();
      Var y = F.gru(tape.input(x), tape.input(Tensor.zeros(4, 6)), tape.parameter(w, gw), tape.parameter(u, gu), tape.parameter(b, gb), tape.parameter(b, gb2));
      tape.backward(F.sum(y));
      if (step == 0) after1 = tape.allocatedBytes();
    }
    assertEquals(after1, tape.allocatedBytes(), "bytes allocated by the tape after the first step");
  }
}
