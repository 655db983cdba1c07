package dev.fivefold.cli;

import dev.fivefold.data.Dataset;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Mlp;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.DivergenceException;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.TrainObserver;
import dev.fivefold.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fivefold optimizers}: every optimizer trains the same LeNet-300-100 (same initial weights,
 * same batches) on Fashion-MNIST; one chart of smoothed training-loss curves and one table.
 */
@Command(name = "optimizers", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Compare the optimizers: each trains LeNet-300-100 on Fashion-MNIST from the same initial weights on the same "
        + "batches, at its usual learning rate (constant). Writes loss.png (smoothed training loss), optimizers.csv "
        + "(steps to --target, test accuracy, time) and steps.csv (raw loss per step) to the run folder.", "",
        "Learning rates: sgd 0.1, momentum/nesterov 0.05 (μ 0.9), adagrad 0.01, rmsprop(_centered) 1e-3, adadelta 1.0, "
            + "adam/amsgrad/adamw/swats 1e-3, adamax/nadam 2e-3 (PyTorch's defaults), lamb 1e-2 (its step is lr·‖θ‖ per layer; "
            + "best of 1e-3, 5e-3, 1e-2, 2e-2 here), lars 5 (μ 0.9, trust 0.001; best of 0.1, 1, 2, 5, 10 here).",
        "The target is met on the training loss smoothed by a bias-corrected EMA (β 0.98, a ~50-step window).", "",
        "Examples:",
        "  ./fivefold optimizers                                  all optimizers, 1 epoch",
        "  ./fivefold optimizers --only sgd,momentum,adam --epochs 3 --target 0.4", ""})
final class OptimizersCommand extends Subcommand {
  /** Usual learning rates for LeNet-300-100 / Fashion-MNIST at batch 128, by optimizer name. */
  static final Map<String, Double> DEFAULT_LR = defaultLr();

  /** EMA factor of the smoothed loss (a window of about 1/(1 − β) = 50 steps). */
  static final double SMOOTHING = 0.98;

  @Mixin Common common = new Common();

  @Option(names = "--only", paramLabel = "NAME,...", split = ",", description = "Just these optimizers (default: all).")
  List<String> only;

  @Option(names = "--epochs", defaultValue = "1", description = "Passes over the training data (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--target", paramLabel = "LOSS", defaultValue = "0.5",
      description = "Target smoothed training loss for the steps-to-target column (default: ${DEFAULT-VALUE}).")
  double target;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the four Fashion-MNIST IDX files (.gz).")
  Path dataDir;

  @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/optimizers-<yyyyMMdd-HHmmss>).")
  Path out;

  private static Map<String, Double> defaultLr() {
    Map<String, Double> m = new LinkedHashMap<>();
    for (String n : Optimizers.NAMES) {
      m.put(n, switch (n) {
        case "sgd" -> 0.1;
        case "lars" -> 5.0; // global rate; the trust coefficient 0.001 makes the local rate small
        case "lamb" -> 1e-2; // the trust ratio makes each layer's step lr·‖θ‖
        case "momentum", "nesterov" -> 0.05;
        case "adagrad" -> 0.01;
        case "adadelta" -> 1.0;
        case "adamax", "nadam" -> 2e-3;
        default -> 1e-3; // rmsprop(_centered), adam, amsgrad, adamw, swats
      });
    }
    return m;
  }

  /** Result of one optimizer's run. */
  record Run(String name, double lr, List<double[]> smoothed, List<Double> raw, long stepsToTarget, double finalLoss,
      Map<String, Double> eval, double trainSeconds, double wallSeconds, String failure) {}

  @Override
  public Integer call() throws IOException {
    common.apply();
    common.atLeast("--epochs", epochs, 1);
    common.atLeast("--batch", batch, 1);
    common.positive("--target", target);
    List<String> names = only == null ? Optimizers.NAMES : only.stream().map(String::strip).toList();
    for (String n : names) {
      if (!DEFAULT_LR.containsKey(n)) throw common.bad("--only: optimizer (" + n + ") must be one of " + String.join(", ", Optimizers.NAMES));
    }
    Thread chartsReady = Charts.warmUp();
    Dataset[] d = Inputs.images(null, dataDir, stderr);
    Path dir = out != null ? out : Path.of("runs", "optimizers-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Files.createDirectories(dir);
    stderr.printf("comparing %d optimizers: LeNet-300-100 on Fashion-MNIST, %d epoch%s, batch %d, seed %d, %d thread%s -> %s%n",
        names.size(), epochs, epochs == 1 ? "" : "s", batch, common.seed, common.threads(), common.threads() == 1 ? "" : "s", dir);

    List<Run> runs = new ArrayList<>();
    for (String name : names) {
      Run r = train(name, d);
      runs.add(r);
      stderr.printf("  %-16s %s%n", name, r.failure != null ? r.failure
          : String.format("test accuracy %.4f, %.1f s", r.eval.get("accuracy"), r.wallSeconds));
    }

    Table t = new Table("optimizer", "lr", "steps_to_" + target, "final_train_loss", "test_loss", "test_accuracy", "train_s", "wall_s");
    for (Run r : runs) {
      t.add(r.name, r.lr, r.stepsToTarget < 0 ? "-" : r.stepsToTarget, fmt(r.finalLoss), r.eval.isEmpty() ? "-" : fmt(r.eval.get("loss")),
          r.eval.isEmpty() ? "-" : String.format("%.4f", r.eval.get("accuracy")), String.format("%.1f", r.trainSeconds),
          String.format("%.1f", r.wallSeconds));
    }
    AtomicFiles.writeString(dir.resolve("optimizers.csv"), t.csv());
    AtomicFiles.writeString(dir.resolve("steps.csv"), stepsCsv(runs));
    try {
      chartsReady.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Charts.Series> series = new ArrayList<>();
    for (Run r : runs) series.add(new Charts.Series(r.name + " (" + r.lr + ")", thin(r.smoothed, 400), false));
    Charts.write(dir.resolve("loss.png"), "LeNet-300-100 on Fashion-MNIST: training loss (EMA " + SMOOTHING + ")", "step",
        "cross-entropy (nats)", series);
    stdout.print(t.pretty());
    stdout.println("run folder " + dir + " (loss.png, optimizers.csv, steps.csv)");
    return 0;
  }

  private Run train(String name, Dataset[] d) {
    long t0 = System.nanoTime();
    double lr = DEFAULT_LR.get(name);
    Mlp net = Mlp.lenet300100(common.seed);
    ClassificationTask task = new ClassificationTask(net, d[0], d[1], batch, common.seed);
    Optimizer o = Optimizers.byName(name, net.parameters(), lr);
    Trainer trainer = new Trainer(task, o, TrainConfig.epochs(epochs));
    List<double[]> smoothed = new ArrayList<>();
    List<Double> raw = new ArrayList<>();
    long[] hit = {-1};
    trainer.observe(new TrainObserver() {
      double ema, weight;

      @Override
      public void onStep(Step s) {
        ema = SMOOTHING * ema + (1 - SMOOTHING) * s.loss();
        weight = SMOOTHING * weight + (1 - SMOOTHING);
        double v = ema / weight; // bias-corrected
        smoothed.add(new double[] {s.step(), v});
        raw.add(s.loss());
        if (hit[0] < 0 && v <= target) hit[0] = s.step();
      }
    });
    Map<String, Double> eval = Map.of();
    String failure = null;
    try {
      eval = trainer.fit();
    } catch (DivergenceException e) {
      failure = "diverged: " + Main.oneLine(e.getMessage());
    }
    double last = smoothed.isEmpty() ? Double.NaN : smoothed.getLast()[1];
    return new Run(name, lr, smoothed, raw, hit[0], last, eval, trainer.seconds(), (System.nanoTime() - t0) / 1e9, failure);
  }

  private static String stepsCsv(List<Run> runs) {
    StringBuilder sb = new StringBuilder("step");
    int n = 0;
    for (Run r : runs) {
      sb.append(',').append(r.name);
      n = Math.max(n, r.raw.size());
    }
    sb.append('\n');
    for (int i = 0; i < n; i++) {
      sb.append(i + 1);
      for (Run r : runs) sb.append(',').append(i < r.raw.size() ? Float.toString(r.raw.get(i).floatValue()) : "");
      sb.append('\n');
    }
    return sb.toString();
  }

  /** At most about {@code max} evenly spaced points, always keeping the last. */
  static List<double[]> thin(List<double[]> pts, int max) {
    if (pts.size() <= max) return pts;
    int every = (pts.size() + max - 1) / max;
    List<double[]> o = new ArrayList<>();
    for (int i = 0; i < pts.size(); i += every) o.add(pts.get(i));
    if (o.getLast() != pts.getLast()) o.add(pts.getLast());
    return o;
  }

  static String fmt(double v) {
    return Double.isNaN(v) ? "-" : String.format("%.4f", v);
  }
}
