package dev.fivefold.cli;

import dev.fivefold.data.Dataset;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.optim.experiment.OptimizerComparison;
import dev.fivefold.optim.experiment.OptimizerComparison.Run;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

  @Override
  public Integer call() throws IOException {
    common.apply();
    common.atLeast("--epochs", epochs, 1);
    common.atLeast("--batch", batch, 1);
    common.positive("--target", target);
    List<String> names = only == null ? Optimizers.NAMES : only.stream().map(String::strip).toList();
    for (String n : names) {
      if (!Optimizers.NAMES.contains(n)) throw common.bad("--only: optimizer (" + n + ") must be one of " + String.join(", ", Optimizers.NAMES));
    }
    Thread chartsReady = Charts.warmUp();
    Dataset[] d = Inputs.images(null, dataDir, stderr);
    Path dir = Common.runFolder(out, "optimizers");
    stderr.printf("comparing %d optimizers: LeNet-300-100 on Fashion-MNIST, %d epoch%s, batch %d, seed %d, %d thread%s -> %s%n",
        names.size(), epochs, epochs == 1 ? "" : "s", batch, common.seed, common.threads(), common.threads() == 1 ? "" : "s", dir);
    List<Run> runs = OptimizerComparison.run(d[0], d[1], new OptimizerComparison.Config(names, epochs, batch, target, common.seed),
        r -> stderr.printf("  %-16s %s%n", r.name(), r.failure() != null ? r.failure()
            : String.format("test accuracy %.4f, %.1f s", r.eval().get("accuracy"), r.wallSeconds()))).runs();

    Table t = new Table("optimizer", "lr", "steps_to_" + target, "final_train_loss", "test_loss", "test_accuracy", "train_s", "wall_s");
    for (Run r : runs) {
      t.add(r.name(), r.lr(), r.stepsToTarget() < 0 ? "-" : r.stepsToTarget(), Table.fmt(r.finalLoss()),
          r.eval().isEmpty() ? "-" : Table.fmt(r.eval().get("loss")), r.eval().isEmpty() ? "-" : String.format("%.4f", r.eval().get("accuracy")),
          String.format("%.1f", r.trainSeconds()), String.format("%.1f", r.wallSeconds()));
    }
    AtomicFiles.writeString(dir.resolve("optimizers.csv"), t.csv());
    AtomicFiles.writeString(dir.resolve("steps.csv"), stepsCsv(runs));
    Charts.join(chartsReady);
    List<Charts.Series> series = new ArrayList<>();
    for (Run r : runs) series.add(new Charts.Series(r.name() + " (" + r.lr() + ")", Charts.thin(r.smoothed(), 400), false));
    Charts.write(dir.resolve("loss.png"), "LeNet-300-100 on Fashion-MNIST: training loss (EMA " + OptimizerComparison.SMOOTHING + ")", "step",
        "cross-entropy (nats)", series);
    stdout.print(t.pretty());
    stdout.println("run folder " + dir + " (loss.png, optimizers.csv, steps.csv)");
    return 0;
  }

  private static String stepsCsv(List<Run> runs) {
    StringBuilder sb = new StringBuilder("step");
    int n = 0;
    for (Run r : runs) {
      sb.append(',').append(r.name());
      n = Math.max(n, r.raw().size());
    }
    sb.append('\n');
    for (int i = 0; i < n; i++) {
      sb.append(i + 1);
      for (Run r : runs) sb.append(',').append(i < r.raw().size() ? Float.toString(r.raw().get(i).floatValue()) : "");
      sb.append('\n');
    }
    return sb.toString();
  }
}
