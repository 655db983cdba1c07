package dev.fivefold.nn;

import dev.fivefold.compress.Pruner;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Gemm;
import dev.fivefold.tensor.kernel.Parallel;
import java.util.Map;

/**
 * Sparse CSR kernel vs dense SGEMM on LeNet-300-100's layers (784→300, 300→100, 100→10) at
 * sparsities 0.5, 0.9, 0.95. Run: {@code java -cp ... dev.fivefold.nn.SparseLinearBench [batch] [threads]}.
 */
public final class SparseLinearBench {
  public static void main(String[] a) {
    int batch = a.length > 0 ? Integer.parseInt(a[0]) : 64;
    if (a.length > 1) Parallel.setThreads(Integer.parseInt(a[1]));
    int[][] shapes = {{784, 300}, {300, 100}, {100, 10}};
    Rng rng = new Rng(1);
    System.out.printf("batch %d, threads %d%n%-10s %-8s %12s %12s %8s%n", batch, Parallel.threads(), "layer", "sparsity", "dense us", "sparse us", "speedup");
    for (double s : new double[] {0.5, 0.9, 0.95}) {
      for (int[] sh : shapes) {
        int in = sh[0], out = sh[1];
        dev.fivefold.nn.Parameter p = new dev.fivefold.nn.Parameter(Tensor.normal(rng, 0, 1, out, in));
        Pruner.perLayerSparsity(Map.of("w", p), s);
        float[] w = p.value().data();
        Tensor x = Tensor.normal(rng, 0, 1, batch, in);
        float[] y = new float[batch * out], xt = new float[in * batch], yt = new float[out * batch];
        SparseLinear sp = SparseLinear.of(p.value(), null);
        double dense = time(() -> Gemm.sgemm(false, true, batch, out, in, x.data(), 0, in, w, 0, in, 0f, y, 0, out));
        double sparse = time(() -> sp.forward(x.data(), batch, y, xt, yt));
        System.out.printf("%-10s %-8.2f %12.1f %12.1f %8.2f%n", in + "x" + out, s, dense, sparse, dense / sparse);
      }
    }
  }

  /** Median-of-5 microseconds per call after warm-up. */
  static double time(Runnable r) {
    for (int i = 0; i < 200; i++) r.run();
    double[] t = new double[5];
    for (int k = 0; k < 5; k++) {
      int reps = 200;
      long t0 = System.nanoTime();
      for (int i = 0; i < reps; i++) r.run();
      t[k] = (System.nanoTime() - t0) / 1e3 / reps;
    }
    java.util.Arrays.sort(t);
    return t[2];
  }
}
