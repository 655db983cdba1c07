package dev.fivefold.train;

import dev.fivefold.data.Dataset;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Parallel;

/** Manual: QuickVit [spec] [steps] [profile:0|1]: ViT training steps on random data (batch 128, Adam), samples/s and an op profile. */
public final class QuickVit {
  public static void main(String[] a) throws Exception {
    Parallel.setThreads(Integer.getInteger("threads", 2));
    String spec = a.length > 0 ? a[0] : "vit";
    int steps = a.length > 1 ? Integer.parseInt(a[1]) : 20;
    boolean profile = a.length > 2 && a[2].equals("1");
    Rng rng = new Rng(0);
    int n = 16 * 128;
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = rng.nextInt(10);
    Dataset ds = new Dataset(Tensor.uniform(rng, 0, 1, n, 1, 28, 28), y, 10);
    var model = Models.create(spec, 0);
    var task = new ClassificationTask(model, ds, ds.take(128), 128, 0);
    var tr = new Trainer(task, Optimizers.adam(model.parameters(), 1e-3), TrainConfig.epochs(1));
    model.train();
    for (int i = 0; i < 3; i++) tr.trainStep();
    var prof = new dev.fivefold.autodiff.OpProfile();
    if (profile) tr.profile(prof);
    var mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long c0 = mx.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    for (int i = 0; i < steps; i++) tr.trainStep();
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf("%s: %.1f samples/s, %.1f ms/step, ops %.1f ms/step, main-thread CPU %.1f ms/step%n", spec, steps * 128 / s, 1000 * s / steps,
        prof.total() / 1e6 / steps, (mx.getCurrentThreadCpuTime() - c0) / 1e6 / steps);
    if (profile) System.out.println(prof.table());
  }
}
