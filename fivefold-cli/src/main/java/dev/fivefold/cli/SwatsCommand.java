package dev.fivefold.cli;

import dev.fivefold.data.Dataset;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.optim.AdamThenSgd.RateEstimate;
import dev.fivefold.optim.experiment.AdamThenSgdExperiment;
import dev.fivefold.optim.experiment.AdamThenSgdExperiment.Outcome;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fivefold swats}: Adam against Adam-then-SGD on LeNet-300-100 over several seeds; test
 * accuracy and loss after each epoch, the switch step, and the claim "Adam-then-SGD reaches at
 * least Adam's accuracy" checked on the mean and on each seed.
 */
@Command(name = "swats", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Adam (constant rate) against Adam-then-SGD on LeNet-300-100 / Fashion-MNIST, same weights and batches "
        + "per seed. The switch fires when |Λ - γ|/Λ < --swats-tol after --swats-min-step steps (a scale-free form of "
        + "SWATS's |Λ - γ| < 1e-9, Keskar & Socher 2017); SGD (momentum 0.9) then runs at the rate --sgd-rate estimates, "
        + "annealed (--anneal) to 0 over the remaining steps. To keep the comparison fair, Adam with the same annealing "
        + "from the same step is run too. Writes swats.csv, epochs.csv, accuracy.png and loss.png.", "",
        "Example:", "  ./fivefold swats --epochs 5 --seeds 3", ""})
final class SwatsCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Option(names = "--epochs", defaultValue = "5", description = "Passes over the training data (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--seeds", paramLabel = "N", defaultValue = "3", description = "Seeds --seed, --seed+1, ... (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--swats-tol", paramLabel = "TOL", defaultValue = "1e-2",
      description = "Switch when |Λ - γ|/Λ < TOL, Λ the bias-corrected SWATS rate estimate, γ the latest step's (default: ${DEFAULT-VALUE}).")
  double tol;

  @Option(names = "--swats-min-step", paramLabel = "K", defaultValue = "1000",
      description = "Do not switch before Adam step K, 1/(1-β2) by default, so the estimates average enough steps (default: ${DEFAULT-VALUE}).")
  long minStep;

  @Option(names = "--sgd-rate", paramLabel = "EST", defaultValue = "matched",
      description = "SGD rate at the switch: matched (the average ‖Adam step‖/‖momentum buffer‖, so SGD's steps keep Adam's length) "
          + "or swats (the paper's (1-μ)Λ) (default: ${DEFAULT-VALUE}).")
  String sgdRate;

  @Option(names = "--sgd-lr", paramLabel = "LR", defaultValue = "0",
      description = "A fixed SGD rate in place of the estimate; 0 = estimate (default: ${DEFAULT-VALUE}).")
  double sgdLr;

  @Option(names = "--anneal", paramLabel = "NAME", defaultValue = "cosine",
      description = "After the switch: cosine (decay to 0 over the remaining steps) or none (constant) (default: ${DEFAULT-VALUE}).")
  String anneal;

  @Option(names = "--switch-epoch", paramLabel = "E", defaultValue = "0",
      description = "Also run Adam forced to SGD after E epochs, same rate estimate and annealing (0 = no such run; default: ${DEFAULT-VALUE}).")
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
    common.atLeast("--seeds", seeds, 1);
    common.atLeast("--batch", batch, 1);
    common.positive("--lr", lr);
    common.positive("--swats-tol", tol);
    common.atLeast("--swats-min-step", minStep, 2);
    common.nonNegative("--sgd-lr", sgdLr);
    common.atLeast("--switch-epoch", switchEpoch, 0);
    if (switchEpoch >= epochs) throw common.bad("--switch-epoch (" + switchEpoch + ") must be < --epochs (" + epochs + ")");
    RateEstimate estimate = switch (sgdRate) {
      case "matched" -> RateEstimate.MATCHED;
      case "swats" -> RateEstimate.SWATS;
      default -> throw common.bad("--sgd-rate (" + sgdRate + ") must be one of matched, swats");
    };
    if (!List.of("cosine", "none").contains(anneal)) throw common.bad("--anneal (" + anneal + ") must be one of cosine, none");
    boolean annealed = anneal.equals("cosine");
    Thread chartsReady = Charts.warmUp();
    Dataset[] d = Inputs.images(null, dataDir, stderr);
    Path dir = Common.runFolder(out, "swats");

    var cfg = new AdamThenSgdExperiment.Config(epochs, seeds, lr, tol, minStep, estimate, sgdLr, annealed, switchEpoch, batch, common.seed);
    Table t = new Table("seed", "run", "switched_after_step", "sgd_lr", "swats_estimate", "matched_estimate", "test_loss", "test_accuracy");
    StringBuilder perEpoch = new StringBuilder("seed,run,epoch,test_accuracy,test_loss\n");
    var res = AdamThenSgdExperiment.run(d[0], d[1], cfg, o -> {
      stderr.printf(Locale.ROOT, "  seed %d %-12s test accuracy %.4f%s%n", o.seed(), o.run(), o.accuracy(),
          o.sgd() ? String.format(Locale.ROOT, " (SGD after step %d at rate %.3g)", o.switchedAt(), o.sgdRate())
              : o.switchedAt() > 0 ? String.format(Locale.ROOT, " (annealed after step %d)", o.switchedAt()) : "");
      t.add(o.seed(), o.run(), o.switchedAt() > 0 ? o.switchedAt() : "-", o.sgd() ? fmt3(o.sgdRate()) : "-",
          o.sgd() ? fmt3(o.estimates()[0]) : "-", o.sgd() ? fmt3(o.estimates()[1]) : "-",
          String.format(Locale.ROOT, "%.4f", o.loss()), String.format(Locale.ROOT, "%.4f", o.accuracy()));
      for (double[] p : o.epochs()) {
        perEpoch.append(o.seed()).append(',').append(o.run()).append(',').append((int) p[0]).append(',').append(p[1]).append(',').append(p[2]).append('\n');
      }
    });
    Map<String, List<Outcome>> results = res.outcomes();
    for (var e : results.entrySet()) {
      if (e.getValue().isEmpty()) continue;
      t.add("mean", e.getKey(), "-", "-", "-", "-", String.format(Locale.ROOT, "%.4f", res.mean(e.getKey(), false)),
          String.format(Locale.ROOT, "%.4f", res.mean(e.getKey(), true)));
    }
    AtomicFiles.writeString(dir.resolve("swats.csv"), t.csv());
    AtomicFiles.writeString(dir.resolve("epochs.csv"), perEpoch.toString());
    Charts.join(chartsReady);
    long firstSwitch = results.get("swats").getFirst().switchedAt();
    String marked = firstSwitch > 0 ? String.format(Locale.ROOT, ", switch after step %d", firstSwitch) : "";
    Charts.write(dir.resolve("accuracy.png"), "LeNet-300-100, seed " + common.seed + marked,
        "epoch", "test accuracy", series(results, 1, firstSwitch, res.stepsPerEpoch()));
    Charts.write(dir.resolve("loss.png"), "LeNet-300-100, seed " + common.seed + marked,
        "epoch", "test loss", series(results, 2, firstSwitch, res.stepsPerEpoch()));
    stdout.print(t.pretty());
    claim(res.compare("swats", "adam"), "Adam at constant rate (the claim)");
    if (annealed && !results.get("adam+anneal").isEmpty()) claim(res.compare("swats", "adam+anneal"), "Adam with the same annealing");
    if (switchEpoch > 0) claim(res.compare(cfg.forced(), "adam"), "Adam at constant rate");
    stdout.println("run folder " + dir + " (swats.csv, epochs.csv, accuracy.png, loss.png)");
    return 0;
  }

  private static List<Charts.Series> series(Map<String, List<Outcome>> results, int column, long switchStep, long stepsPerEpoch) {
    List<Charts.Series> out = new ArrayList<>();
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (var e : results.entrySet()) {
      if (e.getValue().isEmpty()) continue;
      List<double[]> pts = new ArrayList<>();
      for (double[] p : e.getValue().getFirst().epochs()) {
        pts.add(new double[] {p[0], p[column]});
        lo = Math.min(lo, p[column]);
        hi = Math.max(hi, p[column]);
      }
      out.add(new Charts.Series(e.getKey(), pts, true));
    }
    if (switchStep > 0 && lo < hi) {
      double x = switchStep / (double) stepsPerEpoch;
      out.add(new Charts.Series("switch", List.of(new double[] {x, lo}, new double[] {x, hi}), false));
    }
    return out;
  }

  private void claim(AdamThenSgdExperiment.Comparison c, String what) {
    stdout.printf(Locale.ROOT, "%s - %s = %+.2f points of mean test accuracy over %d seeds (%d of %d seeds >=); against %s: %s%n",
        c.a(), c.b(), 100 * c.diff(), c.seeds(), c.wins(), c.seeds(), what, c.holds() ? "holds" : "does not hold");
  }

  private static String fmt3(double v) {
    return String.format(Locale.ROOT, "%.3g", v);
  }
}
