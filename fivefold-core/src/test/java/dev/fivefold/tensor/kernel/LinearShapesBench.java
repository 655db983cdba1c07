package dev.fivefold.tensor.kernel;

import java.lang.management.ManagementFactory;

/** Manual: the ViT's Linear products on one thread, GFLOP/s by CPU time. */
public final class LinearShapesBench {
  public static void main(String[] args) {
    Parallel.setThreads(1);
    var mx = ManagementFactory.getThreadMXBean();
    int rows = 6400;
    int[][] lin = {{64, 192}, {64, 64}, {64, 128}, {128, 64}};
    for (int round = 0; round < 3; round++) {
      for (int[] io : lin) {
        int in = io[0], out = io[1];
        float[] x = new float[rows * in], w = new float[out * in], y = new float[rows * out], g = new float[rows * out], gx = new float[rows * in], gw = new float[out * in];
        java.util.Arrays.fill(x, 0.5f);
        java.util.Arrays.fill(w, 0.25f);
        java.util.Arrays.fill(g, 0.1f);
        int reps = 20;
        long[] t = new long[3];
        for (int r = 0; r < reps; r++) {
          long t0 = mx.getCurrentThreadCpuTime();
          Gemm.sgemm(false, true, rows, out, in, x, 0, in, w, 0, in, 0f, y, 0, out);
          long t1 = mx.getCurrentThreadCpuTime();
          Gemm.sgemm(false, false, rows, in, out, g, 0, out, w, 0, in, 1f, gx, 0, in);
          long t2 = mx.getCurrentThreadCpuTime();
          Gemm.sgemm(true, false, out, in, rows, g, 0, out, x, 0, in, 1f, gw, 0, in);
          long t3 = mx.getCurrentThreadCpuTime();
          t[0] += t1 - t0; t[1] += t2 - t1; t[2] += t3 - t2;
        }
        double f = 2.0 * rows * in * out * reps;
        System.out.printf("in %d out %d: fwd %.1f, dx %.1f, dW %.1f GFLOP/s (CPU); %.2f ms/call fwd%n", in, out, f / t[0], f / t[1], f / t[2], t[0] / 1e6 / reps);
      }
    }
  }
}
