package dev.fivefold.tensor.kernel;

/** Tuning aid, not a test: prints median GFLOP/s of {@link Gemm#sgemm} for a set of shapes. */
public final class GemmBench {
  public static void main(String[] args) {
    if (args.length > 0) Parallel.setThreads(Integer.parseInt(args[0]));
    int[][] shapes = {
      {256, 256, 256}, {512, 512, 512}, {1024, 1024, 1024}, {2048, 2048, 2048},
      {128, 300, 784}, {128, 100, 300}, {256, 256, 256},
    };
    for (int[] s : shapes) {
      System.out.printf("%4d x %4d x %4d  NN %6.1f%n", s[0], s[1], s[2],
          Gemm.benchGflops(s[0], s[1], s[2], false, false, 7));
    }
    // MLP backprop variants: Y = X·Wᵀ (transB), dW = dYᵀ·X (transA), dX = dY·W.
    System.out.printf("Y=XW^T 128x300x784 NT %6.1f%n", Gemm.benchGflops(128, 300, 784, false, true, 7));
    System.out.printf("dW=dY^T X 300x784x128 TN %6.1f%n", Gemm.benchGflops(300, 784, 128, true, false, 7));
    System.out.printf("dX=dY W 128x784x300 NN %6.1f%n", Gemm.benchGflops(128, 784, 300, false, false, 7));
    System.out.printf("Y=XW^T 128x100x300 NT %6.1f%n", Gemm.benchGflops(128, 100, 300, false, true, 7));
    System.out.printf("dW=dY^T X 100x300x128 TN %6.1f%n", Gemm.benchGflops(100, 300, 128, true, false, 7));
    System.out.printf("dX=dY W 128x300x100 NN %6.1f%n", Gemm.benchGflops(128, 300, 100, false, false, 7));
  }
}
