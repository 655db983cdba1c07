package dev.fivefold.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TapeTest {

  @Test
  void sharedSubexpressionAccumulates() {
    float[] xs = {-1f, 0.5f, 2f};
    Tape tape = Tape.training();
    float[] g = new float[3];
    Var x = tape.parameter(Tensor.of(xs.clone(), 3), g);
    // x used twice in one op and again in another: L = Σ x·(x + x) = Σ 2x², dL/dx = 4x
    tape.backward(F.sum(F.mul(x, F.add(x, x))));
    for (int i = 0; i < 3; i++) assertEquals(4 * xs[i], g[i], 1e-6f);

    // an intermediate used by two ops: e = exp(x), L = Σ e·e, dL/dx = 2e²; dL/de = 2e
    tape.reset();
    Arrays.fill(g, 0f);
    x = tape.parameter(Tensor.of(xs.clone(), 3), g);
    Var e = F.exp(x);
    tape.backward(F.sum(F.mul(e, e)));
    for (int i = 0; i < 3; i++) {
      double ex = Math.exp(xs[i]);
      assertEquals(2 * ex * ex, g[i], 1e-5 * 2 * ex * ex);
      assertEquals(2 * e.data()[i], e.grad().data()[i], 1e-6f);
    }
  }

  /** One step of L = Σ tanh(W x + b)², returning nothing: gradients land in gw, gb. */
  private static void step(Tape tape, Tensor w, Tensor b, Tensor x, float[] gw, float[] gb) {
    tape.reset();
    Var y = F.tanh(F.linear(tape.input(x), tape.parameter(w, gw), tape.parameter(b, gb)));
    tape.backward(F.sum(F.mul(y, y)));
  }

  @Test
  void parameterGradientAccumulatesUntilZeroed() {
    Rng rng = new Rng(4);
    Tensor w = Tensor.normal(rng, 0f, 1f, 3, 4), b = Tensor.normal(rng, 0f, 1f, 3), x = Tensor.normal(rng, 0f, 1f, 2, 4);
    float[] gw = new float[12], gb = new float[3];
    Tape tape = Tape.training();
    step(tape, w, b, x, gw, gb);
    float[] gw1 = gw.clone(), gb1 = gb.clone();
    step(tape, w, b, x, gw, gb);
    for (int i = 0; i < 12; i++) assertEquals(2 * gw1[i], gw[i], 0f, "dW accumulates over two steps");
    for (int i = 0; i < 3; i++) assertEquals(2 * gb1[i], gb[i], 0f, "db accumulates over two steps");
    Arrays.fill(gw, 0f);
    Arrays.fill(gb, 0f);
    step(tape, w, b, x, gw, gb);
    assertArrayEquals(gw1, gw, "zeroed, then one step");
    assertArrayEquals(gb1, gb);
  }

  /** Two backward calls over one recorded graph add the gradient twice (not 1 + 2 = 3 times). */
  @Test
  void backwardTwiceOnOneGraphAddsTwice() {
    Rng rng = new Rng(8);
    Tensor w = Tensor.normal(rng, 0f, 1f, 3, 4), x = Tensor.normal(rng, 0f, 1f, 2, 4);
    float[] gw = new float[12];
    Tape tape = Tape.training();
    Var h = F.tanh(F.linear(tape.input(x), tape.parameter(w, gw), null));
    Var loss = F.sum(F.mul(h, h));
    tape.backward(loss);
    float[] once = gw.clone();
    float[] hGrad = h.grad().data().clone();
    tape.backward(loss);
    for (int i = 0; i < 12; i++) assertEquals(2 * once[i], gw[i], 1e-5f * Math.abs(once[i]) + 1e-6f, "dW[" + i + "]");
    assertArrayEquals(hGrad, h.grad().data(), "an intermediate gradient is that of the last backward");
    // two different outputs of one graph: each backward adds its own gradient
    Arrays.fill(gw, 0f);
    Var other = F.sum(h);
    tape.backward(loss);
    tape.backward(other);
    float[] sum = gw.clone();
    Arrays.fill(gw, 0f);
    tape.backward(other);
    for (int i = 0; i < 12; i++) assertEquals(once[i] + gw[i], sum[i], 1e-5f * (Math.abs(once[i]) + Math.abs(gw[i])) + 1e-6f);
  }

  @Test
  void inferenceTapeRecordsNothingAndRefusesBackward() {
    Rng rng = new Rng(2);
    Tape tape = Tape.inference();
    assertFalse(tape.recording());
    float[] g = new float[12];
    Var w = tape.parameter(Tensor.normal(rng, 0f, 1f, 3, 4), g);
    Var x = tape.input(Tensor.normal(rng, 0f, 1f, 2, 4));
    Var loss = F.crossEntropy(F.relu(F.linear(x, w, null)), new int[] {0, 2});
    assertEquals(0, tape.size());
    assertFalse(w.requiresGrad());
    assertFalse(loss.requiresGrad());
    assertTrue(Float.isFinite(loss.item()));
    assertThrows(IllegalStateException.class, () -> tape.backward(loss));
    assertArrayEquals(new float[12], g, "an inference tape never touches gradients");

    Tape training = Tape.training();
    Var w2 = training.parameter(w.value(), g);
    F.crossEntropy(F.relu(F.linear(training.input(x.value()), w2, null)), new int[] {0, 2});
    assertEquals(3, training.size(), "linear, relu and crossEntropy are recorded");
    training.reset();
    assertEquals(0, training.size());
  }

  @Test
  void backwardRejectsBadArguments() {
    Tape tape = Tape.training();
    float[] g = new float[6];
    Var w = tape.parameter(Tensor.full(0.5f, 2, 3), g);
    Var y = F.exp(w);
    var e1 = assertThrows(IllegalArgumentException.class, () -> tape.backward(y));
    assertTrue(e1.getMessage().contains("[2, 3]"), e1.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class, () -> tape.backward(F.sum(tape.input(Tensor.zeros(2)))));
    assertTrue(e2.getMessage().contains("parameter"), e2.getMessage());
    Tape other = Tape.training();
    Var foreign = F.sum(other.parameter(Tensor.zeros(2), new float[2]));
    assertThrows(IllegalArgumentException.class, () -> tape.backward(foreign));
    var e3 = assertThrows(IllegalArgumentException.class, () -> tape.backward(y, new float[5]));
    assertTrue(e3.getMessage().contains("5"), e3.getMessage());
    assertThrows(IllegalArgumentException.class, () -> tape.parameter(Tensor.zeros(2, 3), new float[5]));
    // a seeded backward of a non-scalar works
    float[] seed = {1, 2, 3, 4, 5, 6};
    tape.backward(y, seed);
    for (int i = 0; i < 6; i++) assertEquals(seed[i] * (float) Math.exp(0.5), g[i], 1e-5f);
  }

  /** A small classifier: linear → relu → linear → crossEntropy, with an SGD update. */
  private static void mlpStep(Tape tape, Tensor[] p, float[][] g, Tensor x, int[] y) {
    tape.reset();
    Var[] v = new Var[p.length];
    for (int i = 0; i < p.length; i++) {
      Arrays.fill(g[i], 0f);
      v[i] = tape.parameter(p[i], g[i]);
    }
    Var h = F.relu(F.linear(tape.input(x), v[0], v[1]));
    Var loss = F.crossEntropy(F.linear(h, v[2], v[3]), y);
    tape.backward(loss);
    for (int i = 0; i < p.length; i++) {
      float[] d = p[i].data();
      for (int j = 0; j < d.length; j++) d[j] -= 0.1f * g[i][j];
    }
  }

  @Test
  void fixedShapeLoopAllocatesNothingAfterWarmUp() {
    Rng rng = new Rng(6);
    Tensor[] p = {Tensor.normal(rng, 0f, 0.5f, 16, 5), Tensor.zeros(16), Tensor.normal(rng, 0f, 0.5f, 4, 16), Tensor.zeros(4)};
    float[][] g = new float[p.length][];
    for (int i = 0; i < p.length; i++) g[i] = new float[p[i].size()];
    Tensor x = Tensor.normal(rng, 0f, 1f, 8, 5);
    int[] y = {0, 1, 2, 3, 0, 1, 2, 3};
    Tape tape = Tape.training();
    mlpStep(tape, p, g, x, y);
    long afterFirst = tape.allocatedBytes();
    assertTrue(afterFirst > 0);
    mlpStep(tape, p, g, x, y);
    long afterSecond = tape.allocatedBytes();
    for (int s = 0; s < 5; s++) mlpStep(tape, p, g, x, y);
    assertEquals(afterSecond, tape.allocatedBytes(), "steps 3..7 allocate no new tape bytes");
    assertEquals(afterFirst, afterSecond, "even step 2 reuses step 1's buffers");
  }

  /** The same for a graph touching every kind of pooled scratch buffer. */
  @Test
  void everyOpReusesPooledBuffers() {
    Rng rng = new Rng(12);
    Tensor img = Tensor.normal(rng, 0f, 1f, 2, 3, 6, 6), k = Tensor.normal(rng, 0f, 0.3f, 4, 3, 3, 3), kb = Tensor.zeros(4);
    Tensor emb = Tensor.normal(rng, 0f, 1f, 10, 12), lnw = Tensor.full(1f, 12), lnb = Tensor.zeros(12);
    Tensor qkvW = Tensor.normal(rng, 0f, 0.3f, 36, 12);
    Tensor[] ps = {img, k, kb, emb, lnw, lnb, qkvW};
    float[][] gs = new float[ps.length][];
    for (int i = 0; i < ps.length; i++) gs[i] = new float[ps[i].size()];
    int[] tokens = {1, 2, 3, 4, 5, 6, 7, 8};
    Tape tape = Tape.training();
    long[] bytes = new long[4];
    for (int s = 0; s < 4; s++) {
      tape.reset();
      Var[] v = new Var[ps.length];
      for (int i = 0; i < ps.length; i++) v[i] = tape.parameter(ps[i], gs[i]);
      Var conv = F.maxPool2d(F.relu(F.conv2d(v[0], v[1], v[2], 1, 1)), 2, 2);
      Var pooled = F.avgPool2d(conv, 3, 3);
      Var e = F.dropout(F.layerNorm(F.embedding(v[3], tokens, 2, 4), v[4], v[5], 1e-5f), 0.1f, new Rng(s));
      Var att = F.causalAttention(F.linear(e, v[6], null), 3);
      Var l1 = F.crossEntropy(F.reshape(att, 8, 12), tokens);
      Var l2 = F.mean(F.max(F.softmax(F.reshape(pooled, 2, 4)), 1, false));
      Var l3 = F.mse(F.slice(att, 1, 0, 2), F.concat(1, F.slice(att, 1, 2, 3), F.slice(att, 1, 3, 4)));
      tape.backward(F.add(F.add(l1, l2), F.mean(F.permute(F.reshape(F.sub(l3, F.sum(F.logSoftmax(e))), 1, 1), 1, 0))));
      bytes[s] = tape.allocatedBytes();
    }
    assertEquals(bytes[1], bytes[3], "no new tape bytes after step 2: " + Arrays.toString(bytes));
  }
}
