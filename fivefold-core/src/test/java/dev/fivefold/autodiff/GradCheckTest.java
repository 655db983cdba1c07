package dev.fivefold.autodiff;

import static dev.fivefold.autodiff.GradCheck.awayFromZero;
import static dev.fivefold.autodiff.GradCheck.distinct;
import static dev.fivefold.autodiff.GradCheck.normal;
import static dev.fivefold.autodiff.GradCheck.positive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fivefold.autodiff.GradCheck.Fn;
import dev.fivefold.autodiff.GradCheck.Gen;
import dev.fivefold.autodiff.GradCheck.Report;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every primitive of {@link F} (and the composites built on them) against the central-difference
 * oracle of {@link GradCheck}: one line per case, each checked at three random points.
 */
class GradCheckTest {

  /** One op on given inputs; {@code h} is the finite-difference step. */
  record Case(String name, Fn f, float h, Gen... inputs) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final long[] SEEDS = {1, 2, 3};
  static final float H = 1e-2f;
  /** {@code -Dgradcheck.verbose=true} prints every report (to see the margins). */
  static final boolean VERBOSE = Boolean.getBoolean("gradcheck.verbose");

  static Case c(String name, Fn f, Gen... inputs) {
    return new Case(name, f, H, inputs);
  }

  static Case c(String name, float h, Fn f, Gen... inputs) {
    return new Case(name, f, h, inputs);
  }

  static List<Case> cases() {
    List<Case> cs = new ArrayList<>();

    // ---- binary elementwise, broadcasting ----
    int[][][] patterns = {
        {{3, 4}, {3, 4}}, {{3, 4}, {}}, {{}, {3, 4}}, {{3, 4}, {4}}, {{4}, {3, 4}}, {{3, 4}, {3, 1}},
        {{1, 4}, {3, 1}}, {{2, 1, 3}, {2, 4, 3}}, {{2, 4, 3}, {2, 1, 3}}, {{2, 3, 4}, {3, 1}}, {{2, 1, 4}, {1, 3, 1}}};
    for (int[][] p : patterns) {
      String s = Arrays.toString(p[0]) + "∘" + Arrays.toString(p[1]);
      cs.add(c("add " + s, v -> F.add(v[0], v[1]), normal(p[0]), normal(p[1])));
      cs.add(c("sub " + s, v -> F.sub(v[0], v[1]), normal(p[0]), normal(p[1])));
      cs.add(c("mul " + s, v -> F.mul(v[0], v[1]), normal(p[0]), normal(p[1])));
      cs.add(c("div " + s, v -> F.div(v[0], v[1]), normal(p[0]), positive(p[1])));
    }
    cs.add(c("mul x·x (same var)", v -> F.mul(v[0], v[0]), normal(3, 4)));
    cs.add(c("div x/x (same var)", v -> F.div(F.exp(v[0]), v[0]), positive(3, 4)));

    // ---- affine and composites ----
    cs.add(c("affine 1.5x-0.3", v -> F.affine(v[0], 1.5f, -0.3f), normal(3, 4)));
    cs.add(c("scale -2.5", v -> F.scale(v[0], -2.5f), normal(2, 3, 2)));
    cs.add(c("neg", v -> F.neg(v[0]), normal(5)));

    // ---- unary ----
    cs.add(c("exp", v -> F.exp(v[0]), normal(3, 4)));
    cs.add(c("log", v -> F.log(v[0]), positive(3, 4)));
    cs.add(c("sqrt", v -> F.sqrt(v[0]), positive(3, 4)));
    for (float p : new float[] {2f, 3f, 0.5f, -1.5f, 2.5f, 1f}) cs.add(c("pow " + p, v -> F.pow(v[0], p), positive(3, 4)));
    cs.add(c("tanh", v -> F.tanh(v[0]), normal(3, 4)));
    cs.add(c("sigmoid", v -> F.sigmoid(v[0]), normal(3, 4)));
    cs.add(c("relu", v -> F.relu(v[0]), awayFromZero(4, 5)));
    cs.add(c("gelu", v -> F.gelu(v[0]), normal(4, 5)));
    cs.add(c("gelu wide", v -> F.gelu(F.scale(v[0], 3f)), normal(4, 5)));

    // ---- reductions ----
    for (int axis : new int[] {0, 1, 2, -1, -3}) {
      for (boolean keep : new boolean[] {true, false}) {
        String s = "axis " + axis + (keep ? " keepdim" : "");
        cs.add(c("sum " + s, v -> F.sum(v[0], axis, keep), normal(2, 3, 4)));
        cs.add(c("mean " + s, v -> F.mean(v[0], axis, keep), normal(2, 3, 4)));
        cs.add(c("max " + s, v -> F.max(v[0], axis, keep), distinct(2, 3, 4)));
      }
    }
    cs.add(c("max 1-D", v -> F.max(v[0], 0, false), distinct(7)));
    cs.add(c("sum all", v -> F.sum(v[0]), normal(3, 4)));
    cs.add(c("mean all", v -> F.mean(v[0]), normal(2, 3, 4)));
    cs.add(c("sum all of scalar", v -> F.sum(v[0]), normal()));

    // ---- linear algebra ----
    cs.add(c("matmul [3,4]·[4,5]", v -> F.matmul(v[0], v[1]), normal(3, 4), normal(4, 5)));
    cs.add(c("matmul [1,4]·[4,1]", v -> F.matmul(v[0], v[1]), normal(1, 4), normal(4, 1)));
    cs.add(c("matmul batched [2,3,4]·[2,4,5]", v -> F.matmul(v[0], v[1]), normal(2, 3, 4), normal(2, 4, 5)));
    cs.add(c("matmul batched 4-D [2,2,3,4]·[2,2,4,2]", v -> F.matmul(v[0], v[1]), normal(2, 2, 3, 4), normal(2, 2, 4, 2)));
    cs.add(c("matmul shared [2,3,4]·[4,5]", v -> F.matmul(v[0], v[1]), normal(2, 3, 4), normal(4, 5)));
    cs.add(c("matmul shared 4-D [2,2,3,4]·[4,3]", v -> F.matmul(v[0], v[1]), normal(2, 2, 3, 4), normal(4, 3)));
    cs.add(c("matmul x·xᵀ (same var)", v -> F.matmul(v[0], F.transpose(v[0], 0, 1)), normal(3, 4)));
    cs.add(c("linear 2-D bias", v -> F.linear(v[0], v[1], v[2]), normal(5, 4), normal(3, 4), normal(3)));
    cs.add(c("linear 2-D no bias", v -> F.linear(v[0], v[1], null), normal(5, 4), normal(3, 4)));
    cs.add(c("linear 3-D bias", v -> F.linear(v[0], v[1], v[2]), normal(2, 3, 4), normal(5, 4), normal(5)));
    cs.add(c("linear 3-D no bias", v -> F.linear(v[0], v[1], null), normal(2, 3, 4), normal(5, 4)));
    cs.add(c("linear 1-D input", v -> F.linear(v[0], v[1], v[2]), normal(4), normal(3, 4), normal(3)));

    // ---- probability and normalisation ----
    cs.add(c("softmax [3,5]", v -> F.softmax(v[0]), normal(3, 5)));
    cs.add(c("softmax [2,3,4]", v -> F.softmax(v[0]), normal(2, 3, 4)));
    cs.add(c("softmax wide logits", v -> F.softmax(F.scale(v[0], 4f)), normal(2, 6)));
    cs.add(c("logSoftmax [3,5]", v -> F.logSoftmax(v[0]), normal(3, 5)));
    cs.add(c("logSoftmax [2,3,4]", v -> F.logSoftmax(v[0]), normal(2, 3, 4)));
    cs.add(c("crossEntropy [4,5]", v -> F.crossEntropy(v[0], new int[] {1, 0, 4, 2}), normal(4, 5)));
    cs.add(c("crossEntropy [2,3,5]", v -> F.crossEntropy(v[0], new int[] {4, 4, 0, 1, 3, 2}), normal(2, 3, 5)));
    cs.add(c("crossEntropy [1,2]", v -> F.crossEntropy(v[0], new int[] {1}), normal(1, 2)));
    cs.add(c("mse [3,4]", v -> F.mse(v[0], v[1]), normal(3, 4), normal(3, 4)));
    cs.add(c("mse [5]", v -> F.mse(v[0], v[1]), normal(5), normal(5)));
    cs.add(c("layerNorm [3,6]", v -> F.layerNorm(v[0], v[1], v[2], 1e-5f), normal(3, 6), normal(6), normal(6)));
    cs.add(c("layerNorm [2,3,8]", v -> F.layerNorm(v[0], v[1], v[2], 1e-5f), normal(2, 3, 8), normal(8), normal(8)));
    cs.add(c("layerNorm eps 0.5", v -> F.layerNorm(v[0], v[1], v[2], 0.5f), normal(4, 5), normal(5), normal(5)));

    // ---- shape ----
    cs.add(c("reshape [2,3,4]→[6,4]", v -> F.reshape(v[0], 6, 4), normal(2, 3, 4)));
    cs.add(c("reshape [2,3,4]→[4,-1,3]", v -> F.mul(F.reshape(v[0], 4, -1, 3), F.reshape(v[0], 4, 2, 3)), normal(2, 3, 4)));
    for (int[] p : new int[][] {{2, 0, 1}, {1, 0, 2}, {0, 2, 1}, {-1, 0, 1}, {0, 1, 2}}) {
      cs.add(c("permute 3-D " + Arrays.toString(p), v -> F.permute(v[0], p), normal(2, 3, 4)));
    }
    for (int[] p : new int[][] {{0, 2, 1, 3}, {3, 1, 0, 2}, {1, 3, 2, 0}, {3, 2, 1, 0}}) {
      cs.add(c("permute 4-D " + Arrays.toString(p), v -> F.permute(v[0], p), normal(2, 3, 2, 4)));
    }
    cs.add(c("transpose 2-D", v -> F.transpose(v[0], 0, 1), normal(3, 5)));
    cs.add(c("transpose 3-D (0,2)", v -> F.transpose(v[0], 0, 2), normal(2, 3, 4)));
    cs.add(c("transpose 3-D (-1,-2)", v -> F.transpose(v[0], -1, -2), normal(2, 3, 4)));
    cs.add(c("slice axis 0 [1,3)", v -> F.slice(v[0], 0, 1, 3), normal(3, 4, 5)));
    cs.add(c("slice axis 1 [0,2)", v -> F.slice(v[0], 1, 0, 2), normal(3, 4, 5)));
    cs.add(c("slice axis 2 [2,5)", v -> F.slice(v[0], 2, 2, 5), normal(3, 4, 5)));
    cs.add(c("slice axis -1 [1,2)", v -> F.slice(v[0], -1, 1, 2), normal(3, 4, 5)));
    cs.add(c("slice whole", v -> F.slice(v[0], 1, 0, 4), normal(3, 4)));
    cs.add(c("concat axis 0", v -> F.concat(0, v[0], v[1], v[2]), normal(2, 3), normal(1, 3), normal(3, 3)));
    cs.add(c("concat axis 1", v -> F.concat(1, v[0], v[1]), normal(2, 1, 4), normal(2, 3, 4)));
    cs.add(c("concat axis last", v -> F.concat(-1, v[0], v[1], v[2]), normal(2, 3, 1), normal(2, 3, 4), normal(2, 3, 2)));
    cs.add(c("concat axis 2 of 3-D", v -> F.concat(2, v[0], v[1]), normal(2, 3, 2), normal(2, 3, 3)));
    cs.add(c("concat x with itself", v -> F.concat(1, v[0], v[1], v[0]), normal(3, 2), normal(3, 1)));

    // ---- lookup and regularisation ----
    cs.add(c("embedding repeated [2,3]", v -> F.embedding(v[0], new int[] {1, 3, 1, 5, 0, 1}, 2, 3), normal(6, 4)));
    cs.add(c("embedding one row x3", v -> F.embedding(v[0], new int[] {2, 2, 2}, 3), normal(5, 3)));
    cs.add(c("dropout p=0.3", v -> F.dropout(v[0], 0.3f, new Rng(42)), normal(4, 6)));
    cs.add(c("dropout p=0.5", v -> F.dropout(v[0], 0.5f, new Rng(7)), normal(3, 5)));

    // ---- vision ----
    for (int stride : new int[] {1, 2}) {
      for (int pad : new int[] {0, 1, 2}) {
        String s = "s" + stride + " p" + pad;
        cs.add(c("conv2d 3x3 bias " + s, v -> F.conv2d(v[0], v[1], v[2], stride, pad), normal(2, 3, 5, 7), normal(4, 3, 3, 3), normal(4)));
        cs.add(c("conv2d 3x3 no bias " + s, v -> F.conv2d(v[0], v[1], null, stride, pad), normal(2, 3, 5, 7), normal(4, 3, 3, 3)));
      }
    }
    cs.add(c("conv2d 2x3 kernel s1 p1", v -> F.conv2d(v[0], v[1], v[2], 1, 1), normal(1, 2, 4, 6), normal(3, 2, 2, 3), normal(3)));
    cs.add(c("conv2d 1x1 s2", v -> F.conv2d(v[0], v[1], v[2], 2, 0), normal(2, 3, 5, 4), normal(2, 3, 1, 1), normal(2)));
    cs.add(c("maxPool2d k2 s2", v -> F.maxPool2d(v[0], 2, 2), distinct(2, 2, 6, 7)));
    cs.add(c("maxPool2d k3 s2", v -> F.maxPool2d(v[0], 3, 2), distinct(2, 2, 7, 9)));
    cs.add(c("maxPool2d k2 s1", v -> F.maxPool2d(v[0], 2, 1), distinct(1, 2, 4, 5)));
    cs.add(c("avgPool2d k2 s2", v -> F.avgPool2d(v[0], 2, 2), normal(2, 2, 6, 7)));
    cs.add(c("avgPool2d k3 s2", v -> F.avgPool2d(v[0], 3, 2), normal(2, 2, 7, 9)));
    cs.add(c("avgPool2d k2 s1", v -> F.avgPool2d(v[0], 2, 1), normal(1, 2, 4, 5)));

    // ---- sequence ----
    for (int heads : new int[] {1, 2, 4}) {
      cs.add(c("causalAttention B2 T5 C8 h" + heads, v -> F.causalAttention(v[0], heads), normal(2, 5, 24)));
    }
    cs.add(c("causalAttention T1", v -> F.causalAttention(v[0], 2), normal(3, 1, 12)));
    // longer than the row block (32): several blocks, a partial last one
    cs.add(c("causalAttention B1 T70 h2", v -> F.causalAttention(v[0], 2), normal(1, 70, 12)));
    // bidirectional (encoder) attention: all keys visible
    for (int heads : new int[] {1, 2, 4}) {
      cs.add(c("attention B2 T5 C8 h" + heads, v -> F.attention(v[0], heads), normal(2, 5, 24)));
    }
    cs.add(c("attention T1", v -> F.attention(v[0], 2), normal(3, 1, 12)));
    cs.add(c("attention B1 T70 h2", v -> F.attention(v[0], 2), normal(1, 70, 12)));
    // with a key mask: sample 0 sees every key, sample 1 a few, sample 2 only one
    boolean[] vis5 = {true, true, true, true, true, false, true, false, false, true, false, false, false, true, false};
    cs.add(c("attention masked B3 T5 h2", v -> F.attention(v[0], 2, vis5), normal(3, 5, 24)));
    boolean[] vis70 = new boolean[70];
    for (int j = 0; j < 70; j++) vis70[j] = j % 3 != 1 && j < 60;
    cs.add(c("attention masked B1 T70 h2", v -> F.attention(v[0], 2, vis70), normal(1, 70, 12)));

    // ---- a small composite graph (shared subexpressions, many ops) ----
    cs.add(c("mlp block", v -> {
      Var h1 = F.gelu(F.linear(F.layerNorm(v[0], v[1], v[2], 1e-5f), v[3], null));
      return F.logSoftmax(F.add(F.linear(h1, v[4], v[5]), v[0]));
    }, normal(2, 3, 4), normal(4), normal(4), normal(6, 4), normal(4, 6), normal(4)));
    return cs;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientMatchesFiniteDifferences(Case c) {
    for (long seed : SEEDS) {
      for (Report r : GradCheck.check(c.f(), c.inputs(), seed, c.h())) {
        if (VERBOSE) System.out.println("gradcheck " + c.name() + " seed " + seed + ": " + r);
        if (!r.ok()) fail(c.name() + " seed " + seed + ": " + r);
      }
    }
  }

  /**
   * Shapes big enough to take the multi-threaded paths (unary ops from 2^15 elements, softmax and
   * cross-entropy from 128 rows, layer norm from 64): gradients are bitwise the same with 1 and 4
   * threads, and a random sample of elements matches finite differences.
   */
  static List<Case> largeCases() {
    return List.of(
        c("gelu 2^16", v -> F.gelu(v[0]), normal(256, 256)),
        c("sigmoid·exp 2^16", v -> F.mul(F.sigmoid(v[0]), F.exp(F.scale(v[0], 0.1f))), normal(256, 256)),
        c("softmax 300 rows", v -> F.softmax(v[0]), normal(300, 7)),
        c("logSoftmax 300 rows", v -> F.logSoftmax(v[0]), normal(3, 100, 7)),
        // the loss is one float mean of 300 rows (ulp ≈ 2e-7·300 after the scale): a larger step
        c("crossEntropy 300 rows", 5e-2f, v -> F.scale(F.crossEntropy(v[0], targets(300, 7)), 300f), normal(300, 7)),
        c("layerNorm 200 rows", v -> F.layerNorm(v[0], v[1], v[2], 1e-5f), normal(200, 16), normal(16), normal(16)),
        c("matmul batched 16", v -> F.matmul(v[0], v[1]), normal(16, 9, 8), normal(16, 8, 7)),
        c("conv2d 8 images", v -> F.conv2d(v[0], v[1], v[2], 1, 1), normal(8, 3, 9, 9), normal(5, 3, 3, 3), normal(5)),
        c("maxPool2d 64 planes", v -> F.maxPool2d(v[0], 2, 2), distinct(8, 8, 6, 6)),
        c("causalAttention B4 T16 h4", v -> F.causalAttention(v[0], 4), normal(4, 16, 48)));
  }

  static int[] targets(int n, int classes) {
    int[] t = new int[n];
    for (int i = 0; i < n; i++) t[i] = (i * 5 + 3) % classes;
    return t;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("largeCases")
  void largeShapesAreThreadCountIndependentAndCorrect(Case c) {
    int saved = dev.fivefold.tensor.kernel.Parallel.threads();
    try {
      Rng rng = new Rng(77);
      Tensor[] xs = new Tensor[c.inputs().length];
      for (int i = 0; i < xs.length; i++) xs[i] = c.inputs()[i].make(rng);
      Tensor u = Tensor.normal(rng, 0f, 1f, GradCheck.outputShape(c.f(), xs).dims());
      dev.fivefold.tensor.kernel.Parallel.setThreads(1);
      float[][] serial = GradCheck.analytic(c.f(), xs, u);
      dev.fivefold.tensor.kernel.Parallel.setThreads(4);
      float[][] parallel = GradCheck.analytic(c.f(), xs, u);
      for (int i = 0; i < xs.length; i++) {
        assertTrue(Arrays.equals(serial[i], parallel[i]), c.name() + ": gradient of input " + i + " depends on the thread count");
      }
      for (Report r : GradCheck.checkSampled(c.f(), xs, new Rng(78), c.h(), 40)) {
        if (VERBOSE) System.out.println("gradcheck " + c.name() + " sampled: " + r);
        if (!r.ok()) fail(c.name() + " (sampled, 4 threads): " + r);
      }
    } finally {
      dev.fivefold.tensor.kernel.Parallel.setThreads(saved);
    }
  }

  /** The oracle itself must reject a gradient that is slightly wrong. */
  @Test
  void oracleRejectsAWrongGradient() {
    Rng rng = new Rng(5);
    Tensor x = Tensor.normal(rng, 0f, 1f, 3, 4);
    Tensor u = Tensor.normal(rng, 0f, 1f, 3, 4);
    Fn f = v -> F.tanh(v[0]);
    float[] a = GradCheck.analytic(f, new Tensor[] {x}, u)[0];
    double[] n = GradCheck.numeric(f, new Tensor[] {x}, u, H)[0];
    assertTrue(GradCheck.compare(0, a, n).ok());
    float[] wrong = a.clone();
    wrong[5] *= 1.03f;
    wrong[5] += 0.03f;
    assertTrue(!GradCheck.compare(0, wrong, n).ok(), "a 3% error in one element must fail");
    float[] nan = a.clone();
    nan[0] = Float.NaN;
    assertTrue(!GradCheck.compare(0, nan, n).ok(), "NaN must fail");
  }

  /** Dropout's gradient is exactly U ⊙ mask, the mask being 0 or 1/(1-p) as the output implies. */
  @Test
  void dropoutGradientIsTheMask() {
    float p = 0.4f;
    Rng rng = new Rng(9);
    Tensor x = awayFromZero(20, 30).make(rng);
    Tensor u = Tensor.normal(rng, 0f, 1f, 20, 30);
    Tape tape = Tape.training();
    float[] g = new float[x.size()];
    Var out = F.dropout(tape.parameter(x, g), p, new Rng(123));
    tape.backward(F.sum(F.mul(out, tape.input(u))));
    int dropped = 0;
    float keep = 1f / (1f - p);
    for (int i = 0; i < g.length; i++) {
      float m = out.data()[i] / x.data()[i];
      boolean isDropped = out.data()[i] == 0f;
      if (isDropped) dropped++;
      else assertEquals(keep, m, 1e-5f, "kept element " + i + " scaled by 1/(1-p)");
      assertEquals(isDropped ? 0f : u.data()[i] * keep, g[i], 1e-5f, "gradient of element " + i);
    }
    double rate = dropped / (double) g.length;
    assertTrue(Math.abs(rate - p) < 0.06, "drop rate " + rate + " far from " + p);
    // same seed, same mask
    Tape t2 = Tape.inference();
    Var again = F.dropout(t2.input(x), p, new Rng(123));
    assertTrue(Arrays.equals(out.data(), again.data()), "a fixed seed gives the same mask");
    // p = 0 is the identity (the very same value)
    Var in = t2.input(x);
    assertSame(in, F.dropout(in, 0f, new Rng(1)));
  }

  /** Inputs made with {@code tape.input} get no gradient while their partners get the right one. */
  @Test
  void constantInputsReceiveNoGradient() {
    Rng rng = new Rng(3);
    Tensor x = Tensor.normal(rng, 0f, 1f, 3, 6), w = Tensor.normal(rng, 0f, 1f, 6), b = Tensor.normal(rng, 0f, 1f, 6);
    // layer norm with a trainable weight but a constant bias, and the reverse
    for (int which = 0; which < 3; which++) {
      Tape tape = Tape.training();
      float[] gx = new float[x.size()], gw = new float[w.size()], gb = new float[b.size()];
      Var vx = which == 0 ? tape.input(x) : tape.parameter(x, gx);
      Var vw = which == 1 ? tape.input(w) : tape.parameter(w, gw);
      Var vb = which == 2 ? tape.input(b) : tape.parameter(b, gb);
      Var out = F.layerNorm(vx, vw, vb, 1e-5f);
      tape.backward(F.sum(F.mul(out, out)));
      Var[] vs = {vx, vw, vb};
      for (int i = 0; i < 3; i++) {
        if (i == which) assertEquals(null, vs[i].grad(), "constant input " + i + " of layerNorm got a gradient");
        else assertTrue(vs[i].grad() != null, "parameter " + i + " of layerNorm got no gradient");
      }
    }
    // binary ops, matmul, linear, conv2d with one side constant
    Tape tape = Tape.training();
    float[] ga = new float[12];
    Var a = tape.parameter(Tensor.normal(rng, 0f, 1f, 3, 4), ga);
    Var k = tape.input(Tensor.normal(rng, 0f, 1f, 3, 4));
    Var m = tape.input(Tensor.normal(rng, 0f, 1f, 4, 2));
    Var y = F.add(F.sum(F.mul(k, a)), F.sum(F.matmul(a, m)));
    y = F.add(y, F.sum(F.linear(k, a, null)));
    tape.backward(y);
    assertEquals(null, k.grad());
    assertEquals(null, m.grad());
  }
}
