package dev.fivefold.autodiff;

import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Parallel;
import java.lang.management.ManagementFactory;

/** Manual: AttentionBench [B T C H reps]: one thread, CPU ms per forward+backward, SGEMM vs direct kernel. */
public final class AttentionBench {
  public static void main(String[] a) {
    Parallel.setThreads(1);
    int b = a.length > 0 ? Integer.parseInt(a[0]) : 128, t = a.length > 1 ? Integer.parseInt(a[1]) : 50;
    int c = a.length > 2 ? Integer.parseInt(a[2]) : 64, h = a.length > 3 ? Integer.parseInt(a[3]) : 4, reps = a.length > 4 ? Integer.parseInt(a[4]) : 30;
    Rng rng = new Rng(1);
    Tensor x = Tensor.normal(rng, 0f, 1f, b, t, 3 * c), u = Tensor.normal(rng, 0f, 1f, b, t, c);
    var mx = ManagementFactory.getThreadMXBean();
    float[] pr = Tensor.normal(rng, 0f, 1f, b * h * t * t).data();
    for (int round = 0; round < 3; round++) {
      long s0 = mx.getCurrentThreadCpuTime();
      for (int r = 0; r < reps; r++) for (int row = 0; row < b * h * t; row++) Attention.softmaxPrefix(pr, row * t, t, 0.25f);
      System.out.printf("softmax rows: %.2f ms%n", (mx.getCurrentThreadCpuTime() - s0) / 1e6 / reps);
      s0 = mx.getCurrentThreadCpuTime();
      for (int r = 0; r < reps; r++) for (int row = 0; row < b * h * t; row++) Attention.softmaxRow(pr, row * t, t, 0.25f);
      System.out.printf("softmaxRow rows: %.2f ms%n", (mx.getCurrentThreadCpuTime() - s0) / 1e6 / reps);
      for (boolean direct : new boolean[] {false, true}) {
        Tape tape = Tape.training();
        float[] g = new float[x.size()];
        long fwd = 0, bwd = 0;
        for (int r = 0; r < reps; r++) {
          tape.reset();
          Var q = tape.parameter(x, g);
          long t0 = mx.getCurrentThreadCpuTime();
          Var y = Attention.forward(q, h, false, null, direct);
          long t1 = mx.getCurrentThreadCpuTime();
          Var l = F.sum(F.mul(y, tape.input(u)));
          long t2 = mx.getCurrentThreadCpuTime();
          tape.backward(l);
          long t3 = mx.getCurrentThreadCpuTime();
          fwd += t1 - t0;
          bwd += t3 - t2;
        }
        System.out.printf("%s: fwd %.2f ms, bwd(+sum,mul) %.2f ms%n", direct ? "direct" : "sgemm ", fwd / 1e6 / reps, bwd / 1e6 / reps);
      }
    }
  }
}
