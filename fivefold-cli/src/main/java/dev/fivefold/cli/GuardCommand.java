package dev.fivefold.cli;

import dev.fivefold.control.experiment.GuardExperiment;
import dev.fivefold.control.experiment.GuardExperiment.Run;
import dev.fivefold.data.Dataset;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.optim.Optimizers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fivefold guard}: LeNet-300-100 at a normal learning rate, and at --factor times it with and
 * without the divergence guard; final accuracy, rollbacks, whether a NaN occurred.
 */
@Command(name = "guard", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"The divergence guard: LeNet-300-100 on Fashion-MNIST trained three times from the same weights on the same "
        + "batches — at the normal learning rate, and at --factor times it without and with DivergenceGuard.defaults() "
        + "(NaN or a spike above 4 × the median of the last 50 losses + 0.5 rolls back to the last snapshot, taken every 25 "
        + "steps, and halves the rate). Constant learning rate. A run diverged when its loss became NaN or infinite, or when it "
        + "ended no better than chance (test loss >= ln 10). Writes guard.csv and loss.png (raw training loss).", "",
        "Examples:",
        "  ./fivefold guard                              momentum (μ 0.9) 0.05 vs 0.5, 3 epochs",
        "  ./fivefold guard --optimizer adam --lr 1e-3 --factor 10", ""})
final class GuardCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Option(names = "--optimizer", defaultValue = "momentum", description = "Optimizer (default: ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(names = "--lr", defaultValue = "0.05", description = "Normal learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--factor", defaultValue = "10", description = "How many times too high the bad rate is (default: ${DEFAULT-VALUE}).")
  double factor;

  @Option(names = "--epochs", defaultValue = "3", description = "Passes over the training data (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the four Fashion-MNIST IDX files (.gz).")
  Path dataDir;

  @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/guard-<yyyyMMdd-HHmmss>).")
  Path out;

  @Override
  public Integer call() throws IOException {
    common.apply();
    common.positive("--lr", lr);
    common.positive("--factor", factor);
    common.atLeast("--epochs", epochs, 1);
    common.atLeast("--batch", batch, 1);
    if (!Optimizers.NAMES.contains(optimizer)) throw common.bad("--optimizer (" + optimizer + ") must be one of " + String.join(", ", Optimizers.NAMES));
    Thread chartsReady = Charts.warmUp();
    Dataset[] d = Inputs.images(null, dataDir, stderr);
    Path dir = Common.runFolder(out, "guard");
    stderr.printf("guard: LeNet-300-100, %s, %d epochs, lr %s and %s, seed %d -> %s%n", optimizer, epochs, lr, lr * factor, common.seed, dir);
    GuardExperiment.Result res = GuardExperiment.run(d[0], d[1], new GuardExperiment.Config(optimizer, lr, factor, epochs, batch, common.seed),
        r -> stderr.printf("  %-15s lr %-6s %s, %d rollbacks, %.1f s%n", r.name(), r.lr(), String.format("accuracy %.4f", r.eval().get("accuracy"))
            + (r.diverged().equals("no") ? "" : ", diverged " + r.diverged()), r.rollbacks(), r.seconds()));
    Table t = new Table("run", "lr", "test_accuracy", "test_loss", "rollbacks", "nan_losses", "diverged", "max_train_loss", "final_lr", "weights_finite", "train_s");
    for (Run r : res.runs()) {
      t.add(r.name(), r.lr(), r.eval().isEmpty() ? "-" : String.format("%.4f", r.eval().get("accuracy")),
          r.eval().isEmpty() ? "-" : Table.fmt(r.eval().get("loss")), r.rollbacks(), r.nanLosses(), r.diverged(), String.format("%.4g", r.maxLoss()),
          String.format("%.3g", r.finalLr()), r.finiteWeights() ? "yes" : "no", String.format("%.1f", r.seconds()));
    }
    AtomicFiles.writeString(dir.resolve("guard.csv"), t.csv());
    Charts.join(chartsReady);
    List<Charts.Series> series = new ArrayList<>();
    for (Run r : res.runs()) series.add(new Charts.Series(r.name() + " (" + r.lr() + ")", Charts.thin(r.losses(), 600), false));
    Charts.write(dir.resolve("loss.png"), "LeNet-300-100, " + optimizer + ": training loss (non-finite left out)", "step", "loss (nats)", series);
    stdout.print(t.pretty());
    Run normal = res.normal(), bad = res.unguarded(), guarded = res.guarded();
    double gap = normal.eval().isEmpty() || guarded.eval().isEmpty() ? Double.NaN
        : 100 * (normal.eval().get("accuracy") - guarded.eval().get("accuracy"));
    stdout.printf("without the guard: %s; with it: %s, %d rollbacks, accuracy %s points below the normal run%n",
        bad.diverged().equals("no") ? "did not diverge" : "diverged (" + bad.diverged() + ")",
        guarded.finiteWeights() && guarded.diverged().equals("no") ? "no NaN in the weights" : "failed (" + guarded.diverged() + ")",
        guarded.rollbacks(), Double.isNaN(gap) ? "-" : String.format("%.2f", gap));
    stdout.println("run folder " + dir + " (guard.csv, loss.png)");
    return 0;
  }
}
