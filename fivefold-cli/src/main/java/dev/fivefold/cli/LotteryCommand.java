package dev.fivefold.cli;

import dev.fivefold.compress.LotteryExperiment;
import dev.fivefold.compress.Pruner;
import dev.fivefold.data.Dataset;
import dev.fivefold.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fivefold lottery}: Frankle &amp; Carbin's lottery-ticket experiment on LeNet-300-100 —
 * iterative magnitude pruning with rewinding, against the same masks with a random
 * re-initialisation.
 */
@Command(name = "lottery", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"The lottery-ticket experiment (Frankle & Carbin 2019) on LeNet-300-100 / Fashion-MNIST: train, "
        + "prune --rate of the remaining weights by magnitude, rewind the kept weights to their values at "
        + "initialisation (or after --rewind-step steps), and repeat for --rounds rounds. At every sparsity the ticket "
        + "(rewound weights) is trained for --epochs and compared with the same mask from a fresh random "
        + "initialisation (the paper's control). Same batches for every run.",
        "Writes lottery.csv and lottery.png (test accuracy against the fraction of weights remaining) to --out.", "",
        "Examples:",
        "  ./fivefold lottery",
        "  ./fivefold lottery --rounds 10 --rate 0.2 --epochs 3 --rewind-step 200", ""})
final class LotteryCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Option(names = "--rounds", defaultValue = "7", description = "Prune-and-rewind rounds (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--rate", defaultValue = "0.3", description = "Fraction of the remaining weights pruned per round, in (0, 1) (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--scope", defaultValue = "layer", description = "Pruning per layer (the paper's choice for fully connected nets) or global (default: ${DEFAULT-VALUE}).")
  String scope;

  @Option(names = "--epochs", defaultValue = "2", description = "Training epochs of every run (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--rewind-step", defaultValue = "0", description = "Rewind to the weights after this many training steps; 0 = to initialisation (default: ${DEFAULT-VALUE}).")
  int rewindStep;

  @Option(names = "--lr", defaultValue = "0.0012", description = "Adam learning rate, the paper's for LeNet-300-100 (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--batch", defaultValue = "60", description = "Batch size, the paper's (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the four Fashion-MNIST IDX files (.gz).")
  Path dataDir;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/lottery).")
  Path out;

  @Override
  public Integer call() throws IOException {
    common.apply();
    common.atLeast("--rounds", rounds, 1);
    common.atLeast("--epochs", epochs, 1);
    common.atLeast("--rewind-step", rewindStep, 0);
    common.atLeast("--batch", batch, 1);
    common.positive("--lr", lr);
    if (!(rate > 0 && rate < 1)) throw common.bad("--rate (" + rate + ") must be in (0, 1)");
    Pruner.Scope sc = switch (scope) {
      case "layer" -> Pruner.Scope.PER_LAYER;
      case "global" -> Pruner.Scope.GLOBAL;
      default -> throw common.bad("--scope (" + scope + ") must be layer or global");
    };
    Path dir = out != null ? out : Path.of("runs", "lottery");
    Thread chartsReady = Charts.warmUp();
    Dataset[] d = Inputs.images(null, dataDir, stderr);
    Table table = new Table("round", "weights_remaining", "ticket_accuracy", "random_reinit_accuracy");
    List<double[]> ticket = new ArrayList<>(), random = new ArrayList<>();
    var cfg = new LotteryExperiment.Config(rounds, rate, sc, epochs, rewindStep, lr, batch, common.seed);
    if (rewindStep > 0) stderr.printf("rewind point: the weights after %d steps%n", rewindStep);
    LotteryExperiment.run(d[0], d[1], cfg, r -> {
      stderr.printf(Locale.ROOT, "round %d: %.1f%% of the weights remain: ticket %.4f, random re-init %.4f%n", r.round(), 100 * r.remaining(),
          r.ticket(), r.random());
      table.add(r.round(), String.format(Locale.ROOT, "%.4f", r.remaining()), String.format(Locale.ROOT, "%.4f", r.ticket()),
          String.format(Locale.ROOT, "%.4f", r.random()));
      ticket.add(new double[] {100 * r.remaining(), r.ticket()});
      random.add(new double[] {100 * r.remaining(), r.random()});
    });
    AtomicFiles.writeString(dir.resolve("lottery.csv"), table.csv());
    Charts.join(chartsReady);
    Charts.write(dir.resolve("lottery.png"), "lottery tickets in LeNet-300-100 (" + epochs + " epochs per run)",
        "weights remaining (%)", "test accuracy",
        List.of(new Charts.Series("winning ticket (rewound)", ticket, true), new Charts.Series("same mask, random re-init", random, true)));
    stdout.printf(Locale.ROOT, "lottery tickets: LeNet-300-100, prune %.0f%% per round (%s), rewind to %s, %d epochs per run%n",
        100 * rate, scope, rewindStep == 0 ? "initialisation" : "step " + rewindStep, epochs);
    stdout.print(table.pretty());
    stdout.println("wrote " + dir.resolve("lottery.csv") + ", lottery.png");
    return 0;
  }
}
