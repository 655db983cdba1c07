package dev.fivefold.tensor.kernel;

/** Tuning aid: GFLOP/s of the bare micro-kernel on L1/L2-resident packed data (one thread). */
public final class KernelBench {
  public static void main(String[] args) {
    int kc = args.length > 0 ? Integer.parseInt(args[0]) : 256;
    float[] ap = new float[Gemm.MR * kc * 18], bp = new float[Gemm.NR * kc], t = new float[Gemm.MR * Gemm.NR];
    java.util.Arrays.fill(ap, 1e-3f);
    java.util.Arrays.fill(bp, 1e-3f);
    for (int rep = 0; rep < 10; rep++) {
      long t0 = System.nanoTime();
      int calls = 200_000;
      for (int i = 0; i < calls; i++) Gemm.kernel(kc, ap, (i % 18) * Gemm.MR * kc, bp, 0, t);
      double s = (System.nanoTime() - t0) * 1e-9;
      System.out.printf("kc=%d  %.1f GFLOP/s%n", kc, 2.0 * Gemm.MR * Gemm.NR * kc * calls / s / 1e9);
    }
  }
}
