package dev.fivefold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Every {@link VecOps} kernel against its scalar reference, over odd lengths and offsets. */
class VecOpsTest {
  static final int[] LENGTHS = IntStream.concat(IntStream.rangeClosed(0, 70),
      IntStream.of(127, 128, 129, 300, 784, 1000, 4097, 200_003)).toArray();
  static final int OFF = 3;

  static float[] rand(SplittableRandom rnd, int n, double scale) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) (scale * rnd.nextDouble(-1, 1));
    return x;
  }

  /** Binary or unary element-wise op: (a, b, out) at offsets OFF, 2·OFF, 1. */
  interface Ew {
    void run(float[] a, float[] b, float[] out, int n);
  }

  static void ew(Ew simd, Ew ref, double relTol) {
    var rnd = new SplittableRandom(1);
    for (int n : LENGTHS) {
      float[] a = rand(rnd, n + 2 * OFF, 3), b = rand(rnd, n + 3 * OFF, 3);
      float[] o1 = rand(rnd, n + 2, 1), o2 = o1.clone();
      ref.run(a, b.clone(), o2, n);
      simd.run(a, b.clone(), o1, n);
      for (int i = 0; i < o1.length; i++) {
        double d = Math.abs(o1[i] - o2[i]);
        if (!(d <= relTol * Math.abs(o2[i]) + relTol * 0.1) && !(Float.isNaN(o1[i]) && Float.isNaN(o2[i]))) {
          throw new AssertionError("n=" + n + " i=" + i + ": " + o1[i] + " vs reference " + o2[i]);
        }
      }
    }
  }

  @Test
  void elementWiseMatchExactly() {
    ew((a, b, o, n) -> VecOps.add(a, OFF, b, 2 * OFF, o, 1, n), (a, b, o, n) -> VecOps.addScalar(a, OFF, b, 2 * OFF, o, 1, n), 0);
    ew((a, b, o, n) -> VecOps.sub(a, OFF, b, 2 * OFF, o, 1, n), (a, b, o, n) -> VecOps.subScalar(a, OFF, b, 2 * OFF, o, 1, n), 0);
    ew((a, b, o, n) -> VecOps.mul(a, OFF, b, 2 * OFF, o, 1, n), (a, b, o, n) -> VecOps.mulScalar(a, OFF, b, 2 * OFF, o, 1, n), 0);
    ew((a, b, o, n) -> VecOps.axpy(0.37f, a, OFF, o, 1, n), (a, b, o, n) -> VecOps.axpyScalar(0.37f, a, OFF, o, 1, n), 0);
    ew((a, b, o, n) -> VecOps.scale(-1.7f, o, 1, n), (a, b, o, n) -> VecOps.scaleScalar(-1.7f, o, 1, n), 0);
    ew((a, b, o, n) -> VecOps.relu(a, OFF, o, 1, n), (a, b, o, n) -> VecOps.reluScalar(a, OFF, o, 1, n), 0);
    ew((a, b, o, n) -> VecOps.reluBackward(a, OFF, b, 2 * OFF, o, 1, n),
        (a, b, o, n) -> VecOps.reluBackwardScalar(a, OFF, b, 2 * OFF, o, 1, n), 0);
  }

  @Test
  void transcendentalsWithinUlps() {
    ew((a, b, o, n) -> VecOps.exp(a, OFF, o, 1, n), (a, b, o, n) -> VecOps.expScalar(a, OFF, o, 1, n), 1e-6);
    ew((a, b, o, n) -> VecOps.gelu(a, OFF, o, 1, n), (a, b, o, n) -> VecOps.geluScalar(a, OFF, o, 1, n), 1e-5);
    ew((a, b, o, n) -> VecOps.geluBackward(a, OFF, b, 2 * OFF, o, 1, n),
        (a, b, o, n) -> VecOps.geluBackwardScalar(a, OFF, b, 2 * OFF, o, 1, n), 1e-5);
  }

  @Test
  void geluMatchesDefinitionAndDerivative() {
    float[] x = {-3f, -1f, -0.1f, 0f, 0.5f, 2f}, y = new float[6], g = new float[6], ones = {1, 1, 1, 1, 1, 1};
    VecOps.geluScalar(x, 0, y, 0, 6);
    VecOps.geluBackwardScalar(x, 0, ones, 0, g, 0, 6);
    for (int i = 0; i < 6; i++) {
      double v = x[i], c = Math.sqrt(2 / Math.PI);
      assertEquals(0.5 * v * (1 + Math.tanh(c * (v + 0.044715 * v * v * v))), y[i], 1e-6);
      double h = 1e-3, fp = 0.5 * (v + h) * (1 + Math.tanh(c * ((v + h) + 0.044715 * Math.pow(v + h, 3))));
      double fm = 0.5 * (v - h) * (1 + Math.tanh(c * ((v - h) + 0.044715 * Math.pow(v - h, 3))));
      assertEquals((fp - fm) / (2 * h), g[i], 1e-4);
    }
  }

  @Test
  void reductionsWithinTolerance() {
    var rnd = new SplittableRandom(2);
    for (int n : LENGTHS) {
      float[] x = rand(rnd, n + OFF, 2), y = rand(rnd, n + 2 * OFF, 2);
      double abs = 0, absDot = 0;
      for (int i = 0; i < n; i++) {
        abs += Math.abs(x[OFF + i]);
        absDot += Math.abs(x[OFF + i] * y[2 * OFF + i]);
      }
      // Both orders are within the textbook bound n·ε·Σ|terms| of the exact sum.
      double tol = 1.2e-7 * (n + 1);
      assertEquals(VecOps.sumScalar(x, OFF, n), VecOps.sum(x, OFF, n), tol * abs + 1e-6, "sum n=" + n);
      assertEquals(VecOps.dotScalar(x, OFF, y, 2 * OFF, n), VecOps.dot(x, OFF, y, 2 * OFF, n), tol * absDot + 1e-6, "dot n=" + n);
      float ss = VecOps.sumSquaresScalar(x, OFF, n);
      assertEquals(ss, VecOps.sumSquares(x, OFF, n), tol * ss + 1e-6, "sumSquares n=" + n);
      assertEquals(VecOps.maxScalar(x, OFF, n), VecOps.max(x, OFF, n), "max n=" + n);
    }
    assertEquals(Float.NEGATIVE_INFINITY, VecOps.max(new float[0], 0, 0));
    float[] nan = new float[40];
    nan[17] = Float.NaN;
    assertTrue(Float.isNaN(VecOps.max(nan, 0, 40)));
    assertTrue(Float.isNaN(VecOps.sum(nan, 0, 40)));
  }

  @Test
  void rowWise() {
    var rnd = new SplittableRandom(3);
    for (int rows : new int[] {1, 2, 7, 33, 128}) {
      for (int cols : new int[] {1, 5, 16, 17, 31, 100, 129, 784}) {
        float[] x = rand(rnd, OFF + rows * cols, 4), bias = rand(rnd, cols + 1, 1);
        float[] a = x.clone(), b = x.clone();
        VecOps.addRowBroadcast(a, OFF, rows, cols, bias, 1);
        VecOps.addRowBroadcastScalar(b, OFF, rows, cols, bias, 1);
        assertArrayEquals(b, a);
        float[] t1 = rand(rnd, OFF + rows * cols + 3, 1), t2 = t1.clone(); // the blocked transpose against the reference, offsets kept
        VecOps.transpose(x, OFF, rows, cols, t1, 3);
        VecOps.transposeScalar(x, OFF, rows, cols, t2, 3);
        assertArrayEquals(t2, t1, rows + "x" + cols);
        assertEquals(x[OFF + (rows - 1) * cols], t1[3 + rows - 1], "x[rows-1, 0] lands at out[0, rows-1]");
        for (boolean acc : new boolean[] {false, true}) {
          float[] s1 = rand(rnd, cols + 2, 1), s2 = s1.clone();
          VecOps.sumRows(x, OFF, rows, cols, s1, 2, acc);
          VecOps.sumRowsScalar(x, OFF, rows, cols, s2, 2, acc);
          assertArrayEquals(s2, s1);
        }
        float[] p1 = new float[rows * cols + 1], p2 = new float[rows * cols + 1];
        VecOps.softmaxRows(x, OFF, p1, 1, rows, cols);
        VecOps.softmaxRowsScalar(x, OFF, p2, 1, rows, cols);
        for (int i = 0; i < p1.length; i++) assertEquals(p2[i], p1[i], 2e-6 * p2[i] + 1e-9f);
        for (int r = 0; r < rows; r++) {
          assertEquals(1.0, VecOps.sumScalar(p1, 1 + r * cols, cols), 1e-5);
        }
      }
    }
    float[] big = {1000f, 1001f, -1000f};
    VecOps.softmaxRows(big, 0, big, 0, 1, 3);
    assertEquals(1 / (1 + Math.E), big[0], 1e-6);
  }

  @Test
  void threadIndependent() {
    int saved = Parallel.threads();
    try {
      var rnd = new SplittableRandom(5);
      int n = 300_001;
      float[] x = rand(rnd, n, 3), y = rand(rnd, n, 3);
      float[][] out = new float[2][];
      for (int th = 1; th <= 2; th++) {
        Parallel.setThreads(th);
        float[] o = new float[n];
        VecOps.gelu(x, 0, o, 0, n);
        VecOps.axpy(0.5f, y, 0, o, 0, n);
        VecOps.softmaxRows(o, 0, o, 0, 300, 1000);
        out[th - 1] = o;
      }
      assertArrayEquals(out[0], out[1]);
    } finally {
      Parallel.setThreads(saved);
    }
  }
}
