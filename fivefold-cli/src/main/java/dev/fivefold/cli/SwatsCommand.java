package dev.fivefold.cli;

import dev.fivefold.data.Dataset;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.optim.AdamThenSgd;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Mlp;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.TrainObserver;
import dev.fivefold.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fivefold swats}: Adam against Adam-then-SGD (SWATS) on LeNet-300-100, test accuracy after each epoch. */
@Command(name = "swats", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Adam against SWATS (Adam, then SGD with momentum 0.9 at the rate SWATS estimates, switching when "
        + "|Λ - γ|/Λ < --swats-tol after --swats-min-step steps, Λ = λ/(1-β2^k): a scale-free form of the paper's |Λ - γ| < 1e-9, "
        + "which never fires at Adam rates ~1e-3; Keskar & Socher 2017) on LeNet-300-100 / Fashion-MNIST, same weights and batches, "
        + "constant learning rate. Writes swats.csv (test accuracy per epoch) and accuracy.png.", "",
        "Example:", "  ./fivefold swats --epochs 5", ""})
final class SwatsCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Option(names = "--epochs", defaultValue = "5", description = "Passes over the training data (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--swats-tol", paramLabel = "TOL", defaultValue = "1e-2",
      description = "SWATS switches when |Λ - γ|/Λ < TOL, Λ the bias-corrected SGD-rate estimate, γ the latest step's (default: ${DEFAULT-VALUE}).")
  double tol;

  @Option(names = "--swats-min-step", paramLabel = "K", defaultValue = "1000",
      description = "SWATS does not switch before Adam step K, 1/(1-β2) by default, so Λ averages enough steps (default: ${DEFAULT-VALUE}).")
  long minStep;

  @Option(names = "--sgd-lr", paramLabel = "LR", defaultValue = "0",
      description = "SGD rate after the switch; 0 = the SWATS estimate (1-μ)Λ (default: ${DEFAULT-VALUE}).")
  double sgdLr;

  @Option(names = "--switch-epoch", paramLabel = "E", defaultValue = "2",
      description = "Also run Adam switched to SGD after this many epochs (SGD rate and momentum as SWATS; 0 = no such run; default: ${DEFAULT-VALUE}).")
  int switchEpoch;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the four Fashion-MNIST IDX files (.gz).")
  Path dataDir;

  @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/swats-<yyyyMMdd-HHmmss>).")
  Path out;

  @Override
  public Integer call() throws IOException {
    common.apply();
    common.atLeast("--epochs", epochs, 1);
    common.atLeast("--batch", batch, 1);
    common.positive("--lr", lr);
    common.atLeast("--switch-epoch", switchEpoch, 0);
    Thread chartsReady = Charts.warmUp();
    Dataset[] d = TrainCommand.images(null, dataDir, stderr);
    Path dir = out != null ? out : Path.of("runs", "swats-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Files.createDirectories(dir);
    Table t = new Table("optimizer", "lr", "switched_at_step", "sgd_lr", "final_train_loss", "test_loss", "test_accuracy", "best_test_accuracy", "train_s");
    List<Charts.Series> series = new ArrayList<>();
    StringBuilder perEpoch = new StringBuilder("optimizer,epoch,test_accuracy,test_loss\n");
    double[] acc = new double[3];
    long[] switchedAt = new long[3];
    int i = 0;
    List<String> names = new ArrayList<>(List.of("adam", "swats"));
    if (switchEpoch > 0) names.add("adam->sgd@" + switchEpoch);
    for (String name : names) {
      Mlp net = Mlp.lenet300100(common.seed);
      ClassificationTask task = new ClassificationTask(net, d[0], d[1], batch, common.seed);
      long[] switched = {-1};
      AdamThenSgd.SwitchRule base = name.equals("swats") ? AdamThenSgd.SwitchRule.swatsRelative(tol, minStep)
          : AdamThenSgd.SwitchRule.atStep(Math.max(1, (long) switchEpoch * task.stepsPerEpoch()));
      Optimizer o = name.equals("adam") ? Optimizers.adam(net.parameters(), lr, 0.9, 0.999, 1e-8, 0)
          : Optimizers.adamThenSgd(net.parameters(), lr, new AdamThenSgd.SwitchRule() {
            public boolean test(long k, double s) {
              boolean b = base.test(k, s);
              if (b && switched[0] < 0) switched[0] = k;
              return b;
            }

            public boolean relative() {
              return base.relative();
            }
          }, null, sgdLr, 0.9, 0);
      Trainer trainer = new Trainer(task, o, TrainConfig.epochs(epochs));
      List<double[]> pts = new ArrayList<>();
      double[] last = {Double.NaN}, best = {0};
      trainer.observe(new TrainObserver() {
        @Override
        public void onStep(Step s) {
          last[0] = s.loss();
        }

        @Override
        public void onEval(Eval e) {
          double a = e.metrics().get("accuracy");
          pts.add(new double[] {e.epoch(), a});
          best[0] = Math.max(best[0], a);
          perEpoch.append(name).append(',').append(e.epoch()).append(',').append(a).append(',').append(e.metrics().get("loss")).append('\n');
        }
      });
      Map<String, Double> eval = trainer.fit();
      double sgdLr = Double.NaN;
      if (!name.equals("adam")) {
        Map<String, Tensor> st = new HashMap<>();
        o.saveState(st, new HashMap<>());
        for (var e : st.entrySet()) if (e.getKey().endsWith("swats.0")) sgdLr = e.getValue().data()[2];
      }
      switchedAt[i] = switched[0];
      acc[i++] = eval.get("accuracy");
      stderr.printf("  %-6s test accuracy %.4f%s, %.1f s%n", name, eval.get("accuracy"),
          switched[0] > 0 ? String.format(" (switched to SGD after step %d, rate %.3g)", switched[0], sgdLr) : "", trainer.seconds());
      t.add(name, lr, switched[0] < 0 ? "-" : switched[0], Double.isNaN(sgdLr) || switched[0] < 0 ? "-" : String.format("%.3g", sgdLr),
          String.format("%.4f", last[0]), String.format("%.4f", eval.get("loss")), String.format("%.4f", eval.get("accuracy")),
          String.format("%.4f", best[0]), String.format("%.1f", trainer.seconds()));
      series.add(new Charts.Series(name, pts, true));
    }
    AtomicFiles.writeString(dir.resolve("swats.csv"), t.csv());
    AtomicFiles.writeString(dir.resolve("epochs.csv"), perEpoch.toString());
    try {
      chartsReady.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Charts.write(dir.resolve("accuracy.png"), "LeNet-300-100 on Fashion-MNIST: Adam vs SWATS", "epoch", "test accuracy", series);
    stdout.print(t.pretty());
    stdout.printf("swats - adam = %+.2f points of test accuracy (claim: swats >= adam: %s)%s%n", 100 * (acc[1] - acc[0]),
        acc[1] >= acc[0] ? "holds" : "does not hold",
        switchedAt[1] < 0 ? "; swats never met its switching criterion, so it ran Adam throughout" : "");
    if (switchEpoch > 0) {
      stdout.printf("adam->sgd@%d - adam = %+.2f points%n", switchEpoch, 100 * (acc[2] - acc[0]));
    }
    stdout.println("run folder " + dir + " (swats.csv, epochs.csv, accuracy.png)");
    return 0;
  }
}
