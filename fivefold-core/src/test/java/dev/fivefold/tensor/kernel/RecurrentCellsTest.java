package dev.fivefold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.tensor.Rng;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The SIMD cell kernels against their scalar references, bit for bit (sizes with and without a
 * scalar tail, with values large enough to saturate σ and tanh), and the scalar forms against
 * the textbook formulas in double.
 */
class RecurrentCellsTest {
  private static float[] rand(Rng r, int n, float scale) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * scale);
    return a;
  }

  @Test
  void lstmSimdEqualsScalarBitForBit() {
    Rng r = new Rng(1);
    for (int hs : new int[] {1, 7, 8, 16, 33, 64}) {
      float[] a = rand(r, 4 * hs + 3, 4f), cp = rand(r, hs + 2, 2f);
      float[] a1 = a.clone(), a2 = a.clone(), c1 = new float[hs + 5], c2 = new float[hs + 5], h1 = new float[hs + 1], h2 = new float[hs + 1];
      RecurrentCells.lstmForward(hs, a1, 3, cp, 2, c1, 5, h1, 1);
      RecurrentCells.lstmForwardScalar(hs, a2, 3, cp, 2, c2, 5, h2, 1);
      assertArrayEquals(a2, a1, "activations H=" + hs);
      assertArrayEquals(c2, c1, "c H=" + hs);
      assertArrayEquals(h2, h1, "h H=" + hs);
      float[] dh = rand(r, hs, 1f), dc = rand(r, hs, 1f), da1 = new float[4 * hs], da2 = new float[4 * hs];
      float[] dcp1 = rand(r, hs, 1f), dcp2 = dcp1.clone();
      RecurrentCells.lstmBackward(hs, a1, 3, cp, 2, c1, 5, dh, 0, dc, 0, da1, 0, dcp1, 0);
      RecurrentCells.lstmBackwardScalar(hs, a1, 3, cp, 2, c1, 5, dh, 0, dc, 0, da2, 0, dcp2, 0);
      assertArrayEquals(da2, da1, "da H=" + hs);
      assertArrayEquals(dcp2, dcp1, "dcPrev H=" + hs);
    }
  }

  @Test
  void gruSimdEqualsScalarBitForBit() {
    Rng r = new Rng(2);
    for (int hs : new int[] {1, 7, 8, 16, 33, 64}) {
      float[] x = rand(r, 3 * hs, 3f), hh = rand(r, 3 * hs, 3f), hp = rand(r, hs, 1f);
      float[] s1 = new float[4 * hs], s2 = new float[4 * hs], h1 = new float[hs], h2 = new float[hs];
      RecurrentCells.gruForward(hs, x, 0, hh, 0, hp, 0, s1, 0, h1, 0);
      RecurrentCells.gruForwardScalar(hs, x, 0, hh, 0, hp, 0, s2, 0, h2, 0);
      assertArrayEquals(s2, s1, "saved H=" + hs);
      assertArrayEquals(h2, h1, "h H=" + hs);
      float[] dh = rand(r, hs, 1f), dx1 = new float[3 * hs], dx2 = new float[3 * hs], dhh1 = new float[3 * hs], dhh2 = new float[3 * hs];
      float[] dhp1 = rand(r, hs, 1f), dhp2 = dhp1.clone();
      RecurrentCells.gruBackward(hs, s1, 0, hp, 0, dh, 0, dx1, 0, dhh1, 0, dhp1, 0);
      RecurrentCells.gruBackwardScalar(hs, s1, 0, hp, 0, dh, 0, dx2, 0, dhh2, 0, dhp2, 0);
      assertArrayEquals(dx2, dx1, "dx H=" + hs);
      assertArrayEquals(dhh2, dhh1, "dhh H=" + hs);
      assertArrayEquals(dhp2, dhp1, "dhPrev H=" + hs);
    }
  }

  @Test
  void scalarFormsMatchTheFormulas() {
    Rng r = new Rng(3);
    int hs = 5;
    float[] a = rand(r, 4 * hs, 2f), pre = a.clone(), cp = rand(r, hs, 1f), c = new float[hs], h = new float[hs];
    RecurrentCells.lstmForwardScalar(hs, a, 0, cp, 0, c, 0, h, 0);
    for (int j = 0; j < hs; j++) {
      double i = sig(pre[j]), f = sig(pre[hs + j]), g = Math.tanh(pre[2 * hs + j]), o = sig(pre[3 * hs + j]);
      double cn = f * cp[j] + i * g;
      assertEquals(cn, c[j], 1e-6);
      assertEquals(o * Math.tanh(cn), h[j], 1e-6);
    }
    for (float v : new float[] {-30f, -3f, -1e-3f, 0f, 1e-3f, 0.5f, 3f, 30f}) {
      assertEquals(Math.tanh(v), RecurrentCells.tanhOf(v), 2e-7, "tanh " + v);
      assertEquals(sig(v), RecurrentCells.sigmoidOf(v), 2e-7, "sigmoid " + v);
    }
  }

  private static double sig(double v) {
    return 1 / (1 + Math.exp(-v));
  }

  /**
   * Once compiled, the four kernels allocate nothing: no boxed vector per call. The old LSTM forward
   * (three transcendental passes and two loops in one method) kept boxing 3,072 bytes per call at
   * H = 256 after compilation — 25 MB per lstm_train step. Rounds of calls run until one allocates
   * (almost) nothing, for at least 60 rounds and up to a minute, so the test waits for the JIT however
   * loaded the machine; it fails if none does.
   */
  @Test
  void kernelsAllocateNothingOnceCompiled() {
    int hs = 200, n = 8; // a tail after the vector loop too
    Rng r = new Rng(9);
    float[] act = randoms(r, n * 4 * hs), cp = randoms(r, n * hs), c = new float[n * hs], h = new float[n * hs], dh = randoms(r, n * hs),
        dc = randoms(r, n * hs), da = new float[n * 4 * hs], dcp = new float[n * hs], x = randoms(r, n * 3 * hs), hh = randoms(r, n * 3 * hs),
        save = new float[n * 4 * hs], dx = new float[n * 3 * hs], dhh = new float[n * 3 * hs];
    float[] pre = act.clone();
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    double best = Double.MAX_VALUE;
    int calls = 2000;
    // rounds until one allocates nothing, for up to a minute: under load the JIT can take seconds to compile these
    long deadline = System.nanoTime() + 60_000_000_000L;
    for (int round = 0; (round < 60 || System.nanoTime() < deadline) && best > 8; round++) {
      long before = mx.getCurrentThreadAllocatedBytes();
      for (int k = 0; k < calls; k++) {
        int row = k % n;
        System.arraycopy(pre, row * 4 * hs, act, row * 4 * hs, 4 * hs); // lstmForward overwrites its pre-activations
        RecurrentCells.lstmForward(hs, act, row * 4 * hs, cp, row * hs, c, row * hs, h, row * hs);
        RecurrentCells.lstmBackward(hs, act, row * 4 * hs, cp, row * hs, c, row * hs, dh, row * hs, dc, row * hs, da, row * 4 * hs, dcp, row * hs);
        RecurrentCells.gruForward(hs, x, row * 3 * hs, hh, row * 3 * hs, cp, row * hs, save, row * 4 * hs, h, row * hs);
        RecurrentCells.gruBackward(hs, save, row * 4 * hs, cp, row * hs, dh, row * hs, dx, row * 3 * hs, dhh, row * 3 * hs, dcp, row * hs);
      }
      best = Math.min(best, (mx.getCurrentThreadAllocatedBytes() - before) / (double) calls);
    }
    assertTrue(best <= 8, "bytes allocated per call of the four kernels once compiled: " + best);
  }

  private static float[] randoms(Rng r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = r.nextFloat() * 4 - 2;
    return a;
  }
}
