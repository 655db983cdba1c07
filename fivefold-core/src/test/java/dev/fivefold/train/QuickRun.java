package dev.fivefold.train;

import dev.fivefold.data.Dataset;
import dev.fivefold.data.FashionMnist;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Models;
import dev.fivefold.tensor.kernel.Parallel;

/** Manual: java ... QuickRun model epochs batch lr. */
public final class QuickRun {
  public static void main(String[] a) throws Exception {
    Parallel.setThreads(Integer.parseInt(a.length > 4 ? a[4] : "2"));
    Dataset train = FashionMnist.train(), test = FashionMnist.test();
    var model = Models.create(a[0], 1);
    var task = new ClassificationTask(model, train, test, Integer.parseInt(a[2]), 1);
    var opt = Optimizers.adam(model.parameters(), Double.parseDouble(a[3]));
    var tr = new Trainer(task, opt, TrainConfig.epochs(Integer.parseInt(a[1])));
    tr.controller(dev.fivefold.control.Controller.open(dev.fivefold.control.Schedules.warmupCosine(Double.parseDouble(a[3]), 100, 0.0)));
    tr.observe(new TrainObserver() {
      long t0 = System.nanoTime();
      public void onEval(Eval e) {
        System.out.printf("epoch %d step %d train %.4f test %s  %.1f samples/s (train-only %.1f)%n", e.epoch(), e.step(), e.trainLoss(), e.metrics(),
            e.step() * task.unitsPerStep() / ((System.nanoTime() - t0) / 1e9), e.step() * task.unitsPerStep() / e.seconds());
      }
    });
    var prof = new dev.fivefold.autodiff.OpProfile();
    if (System.getenv("FF_PROFILE") != null) tr.profile(prof);
    tr.fit();
    if (System.getenv("FF_PROFILE") != null) System.out.println(prof.table());
    System.out.println("tape bytes " + tr.tapeAllocatedBytes());
  }
}
