package dev.fivefold.autodiff;

import static dev.fivefold.autodiff.GradCheck.normal;
import static dev.fivefold.autodiff.GradCheck.positive;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fivefold.autodiff.GradCheck.Fn;
import dev.fivefold.autodiff.GradCheck.Gen;
import dev.fivefold.autodiff.GradCheck.Report;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Parallel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Batch norm (both modes), local response norm, group norm and global average pooling against the
 * central-difference oracle of {@link GradCheck}, every input's gradient at three random points;
 * large shapes bitwise the same with 1 and 4 threads.
 */
class NormsGradCheckTest {
  record Case(String name, Fn f, float h, Gen... inputs) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case c(String name, Fn f, Gen... inputs) {
    return new Case(name, f, 1e-2f, inputs);
  }

  /** Fixed running statistics for the evaluation mode (mean ≈ N(0, 0.5²), variance in [0.5, 2)). */
  static Tensor[] running(int c) {
    Rng r = new Rng(99);
    return new Tensor[] {Tensor.normal(r, 0f, 0.5f, c), Tensor.uniform(r, 0.5f, 2f, c)};
  }

  static List<Case> cases() {
    List<Case> cs = new ArrayList<>();
    Tensor[] r3 = running(3), r4 = running(4);
    cs.add(c("batchNorm train [5,3]", v -> F.batchNorm(v[0], v[1], v[2], null, null, true, 0.1f, 1e-5f), normal(5, 3), normal(3), normal(3)));
    cs.add(c("batchNorm train [2,3,4]", v -> F.batchNorm(v[0], v[1], v[2], null, null, true, 0.1f, 1e-5f), normal(2, 3, 4), normal(3), normal(3)));
    cs.add(c("batchNorm train [3,4,3,2]", v -> F.batchNorm(v[0], v[1], v[2], null, null, true, 0.1f, 1e-5f), normal(3, 4, 3, 2), normal(4), normal(4)));
    cs.add(c("batchNorm train eps 0.5", v -> F.batchNorm(v[0], v[1], v[2], null, null, true, 0.1f, 0.5f), normal(2, 3, 2, 2), normal(3), normal(3)));
    cs.add(c("batchNorm eval [5,3]", v -> F.batchNorm(v[0], v[1], v[2], r3[0], r3[1], false, 0.1f, 1e-5f), normal(5, 3), normal(3), normal(3)));
    cs.add(c("batchNorm eval [2,4,3,3]", v -> F.batchNorm(v[0], v[1], v[2], r4[0], r4[1], false, 0.1f, 1e-5f), normal(2, 4, 3, 3), normal(4), normal(4)));
    cs.add(c("lrn size 5 alexnet [2,7,3,3]", v -> F.localResponseNorm(v[0], 5, 1e-4f, 0.75f, 2f), normal(2, 7, 3, 3)));
    cs.add(c("lrn size 3 strong [2,6,2,3]", v -> F.localResponseNorm(v[0], 3, 0.9f, 0.75f, 1f), normal(2, 6, 2, 3)));
    cs.add(c("lrn size 2 beta 0.6 [2,5,4]", v -> F.localResponseNorm(v[0], 2, 1.5f, 0.6f, 0.5f), normal(2, 5, 4)));
    cs.add(c("lrn size 4 > half C [1,3,2,2]", v -> F.localResponseNorm(v[0], 4, 1.2f, 1.1f, 1f), normal(1, 3, 2, 2)));
    cs.add(c("groupNorm G2 [2,4,3,3]", v -> F.groupNorm(v[0], 2, v[1], v[2], 1e-5f), normal(2, 4, 3, 3), normal(4), normal(4)));
    cs.add(c("groupNorm G1 [3,2,5]", v -> F.groupNorm(v[0], 1, v[1], v[2], 1e-5f), normal(3, 2, 5), normal(2), normal(2)));
    cs.add(c("groupNorm G=C [2,3,2,2]", v -> F.groupNorm(v[0], 3, v[1], v[2], 1e-5f), normal(2, 3, 2, 2), normal(3), normal(3)));
    cs.add(c("globalAvgPool2d [2,3,4,5]", v -> F.globalAvgPool2d(v[0]), normal(2, 3, 4, 5)));
    cs.add(c("bn·relu·gap composite", v -> F.globalAvgPool2d(F.mul(F.batchNorm(v[0], v[1], v[2], null, null, true, 0.1f, 1e-5f), v[3])),
        normal(3, 2, 3, 3), normal(2), normal(2), positive(3, 2, 3, 3)));
    return cs;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientMatchesFiniteDifferences(Case c) {
    for (long seed : new long[] {1, 2, 3}) {
      for (Report r : GradCheck.check(c.f(), c.inputs(), seed, c.h())) {
        if (!r.ok()) fail(c.name() + " seed " + seed + ": " + r);
      }
    }
  }

  static List<Case> largeCases() {
    Tensor[] r = running(16);
    return List.of(
        c("batchNorm train [32,16,9,9]", v -> F.batchNorm(v[0], v[1], v[2], null, null, true, 0.1f, 1e-5f), normal(32, 16, 9, 9), normal(16), normal(16)),
        c("batchNorm eval [32,16,9,9]", v -> F.batchNorm(v[0], v[1], v[2], r[0], r[1], false, 0.1f, 1e-5f), normal(32, 16, 9, 9), normal(16), normal(16)),
        c("lrn [16,12,7,7]", v -> F.localResponseNorm(v[0], 5, 0.5f, 0.75f, 1f), normal(16, 12, 7, 7)),
        c("groupNorm [16,8,6,6]", v -> F.groupNorm(v[0], 4, v[1], v[2], 1e-5f), normal(16, 8, 6, 6), normal(8), normal(8)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("largeCases")
  void largeShapesAreThreadCountIndependentAndCorrect(Case c) {
    int saved = Parallel.threads();
    try {
      Rng rng = new Rng(77);
      Tensor[] xs = new Tensor[c.inputs().length];
      for (int i = 0; i < xs.length; i++) xs[i] = c.inputs()[i].make(rng);
      Tensor u = Tensor.normal(rng, 0f, 1f, GradCheck.outputShape(c.f(), xs).dims());
      Parallel.setThreads(1);
      float[] out1 = forward(c.f(), xs);
      float[][] serial = GradCheck.analytic(c.f(), xs, u);
      Parallel.setThreads(4);
      assertArrayEquals(out1, forward(c.f(), xs), c.name() + ": output depends on the thread count");
      float[][] parallel = GradCheck.analytic(c.f(), xs, u);
      for (int i = 0; i < xs.length; i++) assertTrue(Arrays.equals(serial[i], parallel[i]), c.name() + ": gradient of input " + i + " depends on the thread count");
      for (Report rep : GradCheck.checkSampled(c.f(), xs, new Rng(78), c.h(), 40)) if (!rep.ok()) fail(c.name() + " (sampled, 4 threads): " + rep);
    } finally {
      Parallel.setThreads(saved);
    }
  }

  static float[] forward(Fn f, Tensor[] xs) {
    Tape t = Tape.inference();
    Var[] vs = new Var[xs.length];
    for (int i = 0; i < xs.length; i++) vs[i] = t.input(xs[i]);
    return f.apply(vs).data().clone();
  }

  /** The running statistics move by PyTorch's rule, the variance unbiased; thread count does not change them. */
  @Test
  void runningStatisticsFollowPyTorchsUpdate() {
    Rng rng = new Rng(3);
    Tensor x = Tensor.normal(rng, 2f, 3f, 4, 2, 3, 3);
    Tensor rm = Tensor.of(new float[] {0.5f, -1f}, 2), rv = Tensor.of(new float[] {1f, 2f}, 2);
    Tape t = Tape.inference(); // the statistics move in training mode whatever the tape
    F.batchNorm(t.input(x), t.input(Tensor.full(1f, 2)), t.input(Tensor.zeros(2)), rm, rv, true, 0.1f, 1e-5f);
    for (int ch = 0; ch < 2; ch++) {
      double s = 0, q = 0;
      int m = 0;
      for (int n = 0; n < 4; n++) for (int i = 0; i < 9; i++) s += x.data()[(n * 2 + ch) * 9 + i];
      double mu = s / 36;
      for (int n = 0; n < 4; n++) for (int i = 0; i < 9; i++) {
        double d = x.data()[(n * 2 + ch) * 9 + i] - mu;
        q += d * d;
        m++;
      }
      double startM = ch == 0 ? 0.5 : -1, startV = ch == 0 ? 1 : 2;
      assertEquals(0.9 * startM + 0.1 * mu, rm.data()[ch], 1e-6, "running mean " + ch);
      assertEquals(0.9 * startV + 0.1 * q / (m - 1), rv.data()[ch], 1e-5, "running var " + ch);
    }
  }

  @Test
  void constantsGetNoGradientAndBadInputIsNamed() {
    Tape t = Tape.training();
    float[] gw = new float[3];
    Var x = t.input(Tensor.normal(new Rng(1), 0f, 1f, 4, 3));
    Var w = t.parameter(Tensor.full(1f, 3), gw), b = t.input(Tensor.zeros(3));
    t.backward(F.sum(F.batchNorm(x, w, b, null, null, true, 0.1f, 1e-5f)));
    assertNull(x.grad());
    assertNull(b.grad());
    Var one = t.input(Tensor.zeros(1, 3));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> F.batchNorm(one, w, b, null, null, true, 0.1f, 1e-5f)).getMessage().contains("more than one value"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> F.batchNorm(x, w, b, null, null, false, 0.1f, 1e-5f)).getMessage().contains("running statistics"));
    Var x4 = t.input(Tensor.zeros(2, 3, 2, 2));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> F.localResponseNorm(x4, 0, 1f, 1f, 1f)).getMessage().contains("size (0)"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> F.groupNorm(x4, 2, w, b, 1e-5f)).getMessage().contains("groups (2)"));
  }
}
