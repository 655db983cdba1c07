package dev.fivefold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Pool} against brute-force definitions, and each backward as the adjoint of its forward. */
class PoolTest {
  @Test
  void forwardAndBackwardMatchDefinitions() {
    var rnd = new SplittableRandom(1);
    for (int planes : new int[] {1, 3}) {
      for (int h : new int[] {2, 5, 8, 28}) {
        for (int w : new int[] {3, 4, 9}) {
          for (int k = 1; k <= 3; k++) {
            for (int s = 1; s <= 3; s++) {
              if (h < k || w < k) continue;
              int oh = (h - k) / s + 1, ow = (w - k) / s + 1, no = planes * oh * ow;
              float[] x = new float[1 + planes * h * w];
              for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextInt(-20, 20); // ties happen
              float[] mx = new float[no], av = new float[no];
              int[] arg = new int[no];
              Pool.maxPool2dForward(x, 1, planes, h, w, k, s, mx, 0, arg, 0);
              Pool.avgPool2dForward(x, 1, planes, h, w, k, s, av, 0);
              for (int p = 0; p < planes; p++) {
                for (int oy = 0; oy < oh; oy++) {
                  for (int ox = 0; ox < ow; ox++) {
                    float best = Float.NEGATIVE_INFINITY;
                    int bi = -1;
                    double sum = 0;
                    for (int ky = 0; ky < k; ky++) {
                      for (int kx = 0; kx < k; kx++) {
                        int idx = (p * h + oy * s + ky) * w + ox * s + kx;
                        if (x[1 + idx] > best) {
                          best = x[1 + idx];
                          bi = idx;
                        }
                        sum += x[1 + idx];
                      }
                    }
                    int o = (p * oh + oy) * ow + ox;
                    assertEquals(best, mx[o]);
                    assertEquals(bi, arg[o]);
                    assertEquals(sum / (k * k), av[o], 1e-5);
                  }
                }
              }
              // Adjoints: <f(x), dy> = <x, f'(dy)> (max pool is linear given argmax).
              float[] dy = new float[no];
              for (int i = 0; i < no; i++) dy[i] = (float) rnd.nextDouble(-1, 1);
              float[] dxm = new float[2 + planes * h * w], dxa = new float[2 + planes * h * w];
              Pool.maxPool2dBackward(dy, 0, arg, 0, planes, h, w, k, s, dxm, 2);
              Pool.avgPool2dBackward(dy, 0, planes, h, w, k, s, dxa, 2);
              double lm = 0, la = 0, rm = 0, ra = 0;
              for (int i = 0; i < no; i++) {
                lm += (double) mx[i] * dy[i];
                la += (double) av[i] * dy[i];
              }
              for (int i = 0; i < planes * h * w; i++) {
                rm += (double) x[1 + i] * dxm[2 + i];
                ra += (double) x[1 + i] * dxa[2 + i];
              }
              assertEquals(lm, rm, 1e-4 * (1 + Math.abs(lm)));
              assertEquals(la, ra, 1e-4 * (1 + Math.abs(la)));
            }
          }
        }
      }
    }
  }

  @Test
  void nanPropagatesThroughMax() {
    float[] x = {1, Float.NaN, 3, 2}, out = new float[1];
    int[] arg = new int[1];
    Pool.maxPool2dForward(x, 0, 1, 2, 2, 2, 2, out, 0, arg, 0);
    assertTrue(Float.isNaN(out[0]));
    assertEquals(1, arg[0]);
  }

  @Test
  void threadIndependent() {
    int saved = Parallel.threads();
    try {
      var rnd = new SplittableRandom(2);
      int planes = 64, h = 24, w = 24;
      float[] x = new float[planes * h * w];
      for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble();
      float[][] r = new float[2][];
      for (int t = 1; t <= 2; t++) {
        Parallel.setThreads(t);
        float[] out = new float[planes * 11 * 11];
        int[] arg = new int[out.length];
        Pool.maxPool2dForward(x, 0, planes, h, w, 3, 2, out, 0, arg, 0);
        float[] dx = new float[x.length];
        Pool.maxPool2dBackward(out, 0, arg, 0, planes, h, w, 3, 2, dx, 0);
        Pool.avgPool2dBackward(out, 0, planes, h, w, 3, 2, dx, 0);
        r[t - 1] = dx;
      }
      assertArrayEquals(r[0], r[1]);
    } finally {
      Parallel.setThreads(saved);
    }
  }
}
