package dev.fivefold.train;

import dev.fivefold.data.TextCorpus;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.GptConfig;
import dev.fivefold.tensor.kernel.Parallel;

/** Manual: QuickGpt seconds lr. */
public final class QuickGpt {
  public static void main(String[] a) throws Exception {
    Parallel.setThreads(2);
    TextCorpus c = TextCorpus.kingJamesBible();
    Gpt g = new Gpt(GptConfig.small(c.vocabSize()), 1);
    LanguageModelTask task = new LanguageModelTask(g, c, 32, 128, 1, 100_000);
    var opt = Optimizers.adamw(g.parameters(), Double.parseDouble(a[1]), 0.9, 0.99, 1e-8, 0.1);
    var tr = new Trainer(task, opt, new TrainConfig(100, 0, Double.parseDouble(a[0]), 200));
    tr.observe(new TrainObserver() {
      public void onStep(Step s) {
        if (s.step() % 50 == 0) System.out.printf("step %d loss %.3f %.0f tok/s%n", s.step(), s.loss(), s.units() / s.seconds());
      }
      public void onEval(Eval e) {
        System.out.printf("eval step %d %s%n", e.step(), e.metrics());
      }
    });
    long est = (long) (Double.parseDouble(a[0]) * 3.2);
    tr.controller(dev.fivefold.control.Controller.open(dev.fivefold.control.Schedules.warmupCosine(Double.parseDouble(a[1]), 100, 0.1)));
    var prof = new dev.fivefold.autodiff.OpProfile();
    tr.profile(prof);
    tr.fit();
    System.out.println(prof.table());
  }
}
