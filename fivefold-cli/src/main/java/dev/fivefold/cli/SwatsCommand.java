package dev.fivefold.cli;

import dev.fivefold.control.Schedule;
import dev.fivefold.data.Dataset;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.optim.AdamThenSgd;
import dev.fivefold.optim.AdamThenSgd.RateEstimate;
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
import java.util.LinkedHashMap;
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

  /** SGD momentum after the switch (the paper's β1). */
  private static final double MOMENTUM = 0.9;

  /** One run's outcome: final and per-epoch test metrics, the switch step (-1: none) and SGD rate. */
  private record Outcome(double accuracy, double loss, List<double[]> epochs, long switchedAt, double sgdRate, double[] estimates) {}

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
    Path dir = out != null ? out : Path.of("runs", "swats-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Files.createDirectories(dir);

    List<String> names = new ArrayList<>(List.of("adam", "swats"));
    if (annealed) names.add("adam+anneal");
    String forced = "adam->sgd@" + switchEpoch;
    if (switchEpoch > 0) names.add(forced);
    Map<String, List<Outcome>> results = new LinkedHashMap<>();
    for (String n : names) results.put(n, new ArrayList<>());
    StringBuilder perEpoch = new StringBuilder("seed,run,epoch,test_accuracy,test_loss\n");
    Table t = new Table("seed", "run", "switched_after_step", "sgd_lr", "swats_estimate", "matched_estimate", "test_loss", "test_accuracy");
    for (int si = 0; si < seeds; si++) {
      long seed = common.seed + si;
      long swatsSwitch = -1;
      for (String name : names) {
        long stepsPerEpoch = new ClassificationTask(Mlp.lenet300100(seed), d[0], d[1], batch, seed).stepsPerEpoch();
        AdamThenSgd.SwitchRule rule = switch (name) {
          case "adam", "adam+anneal" -> null; // Adam throughout
          case "swats" -> AdamThenSgd.SwitchRule.swatsRelative(tol, minStep);
          default -> AdamThenSgd.SwitchRule.atStep((long) switchEpoch * stepsPerEpoch);
        };
        // adam+anneal anneals from swats's switch (constant, as adam, if swats never switched)
        long annealFrom = name.equals("adam+anneal") ? swatsSwitch : -1;
        Outcome o = run(name, seed, d, rule, annealFrom, estimate, annealed, perEpoch);
        results.get(name).add(o);
        if (name.equals("swats")) swatsSwitch = o.switchedAt();
        stderr.printf(Locale.ROOT, "  seed %d %-12s test accuracy %.4f%s%n", seed, name, o.accuracy(),
            o.switchedAt() > 0 && !name.equals("adam+anneal") ? String.format(Locale.ROOT, " (SGD after step %d at rate %.3g)", o.switchedAt(), o.sgdRate())
                : o.switchedAt() > 0 ? String.format(Locale.ROOT, " (annealed after step %d)", o.switchedAt()) : "");
        boolean sgd = o.switchedAt() > 0 && !name.equals("adam+anneal");
        t.add(seed, name, o.switchedAt() > 0 ? o.switchedAt() : "-", sgd ? fmt3(o.sgdRate()) : "-",
            sgd ? fmt3(o.estimates()[0]) : "-", sgd ? fmt3(o.estimates()[1]) : "-",
            String.format(Locale.ROOT, "%.4f", o.loss()), String.format(Locale.ROOT, "%.4f", o.accuracy()));
      }
    }
    for (var e : results.entrySet()) {
      if (e.getValue().isEmpty()) continue;
      t.add("mean", e.getKey(), "-", "-", "-", "-", String.format(Locale.ROOT, "%.4f", mean(e.getValue(), false)),
          String.format(Locale.ROOT, "%.4f", mean(e.getValue(), true)));
    }
    AtomicFiles.writeString(dir.resolve("swats.csv"), t.csv());
    AtomicFiles.writeString(dir.resolve("epochs.csv"), perEpoch.toString());
    try {
      chartsReady.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long firstSwitch = results.get("swats").getFirst().switchedAt();
    String marked = firstSwitch > 0 ? String.format(Locale.ROOT, ", switch after step %d", firstSwitch) : "";
    long stepsPerEpoch = new ClassificationTask(Mlp.lenet300100(common.seed), d[0], d[1], batch, common.seed).stepsPerEpoch();
    Charts.write(dir.resolve("accuracy.png"), "LeNet-300-100, seed " + common.seed + marked,
        "epoch", "test accuracy", series(results, 1, firstSwitch, stepsPerEpoch));
    Charts.write(dir.resolve("loss.png"), "LeNet-300-100, seed " + common.seed + marked,
        "epoch", "test loss", series(results, 2, firstSwitch, stepsPerEpoch));
    stdout.print(t.pretty());
    claim(results, "swats", "adam", "Adam at constant rate (the claim)");
    if (annealed && !results.get("adam+anneal").isEmpty()) claim(results, "swats", "adam+anneal", "Adam with the same annealing");
    if (switchEpoch > 0) claim(results, forced, "adam", "Adam at constant rate");
    stdout.println("run folder " + dir + " (swats.csv, epochs.csv, accuracy.png, loss.png)");
    return 0;
  }

  /** Adam if {@code base} is null (annealed after step {@code annealFrom} if that is &gt; 0), else Adam-then-SGD. */
  private Outcome run(String name, long seed, Dataset[] d, AdamThenSgd.SwitchRule base, long annealFrom, RateEstimate estimate,
      boolean annealed, StringBuilder perEpoch) {
    Mlp net = Mlp.lenet300100(seed);
    ClassificationTask task = new ClassificationTask(net, d[0], d[1], batch, seed);
    long total = (long) epochs * task.stepsPerEpoch();
    long[] switched = {annealFrom};
    boolean adamOnly = base == null;
    Optimizer o;
    if (adamOnly) {
      o = Optimizers.adam(net.parameters(), lr, 0.9, 0.999, 1e-8, 0);
    } else {
      o = Optimizers.adamThenSgd(net.parameters(), lr, new AdamThenSgd.SwitchRule() {
        public boolean test(long k, double s) {
          boolean b = base.test(k, s);
          if (b && switched[0] < 0) switched[0] = k;
          return b;
        }

        public boolean relative() {
          return base.relative();
        }
      }, null, estimate, sgdLr, MOMENTUM, 0);
    }
    Trainer trainer = new Trainer(task, o, TrainConfig.epochs(epochs));
    if (annealed && !name.equals("adam")) trainer.schedule(annealAfter(switched, total));
    List<double[]> pts = new ArrayList<>();
    trainer.observe(new TrainObserver() {
      @Override
      public void onEval(Eval e) {
        double a = e.metrics().get("accuracy"), l = e.metrics().get("loss");
        pts.add(new double[] {e.epoch(), a, l});
        perEpoch.append(seed).append(',').append(name).append(',').append(e.epoch()).append(',').append(a).append(',').append(l).append('\n');
      }
    });
    Map<String, Double> eval = trainer.fit();
    double rate = Double.NaN;
    double[] est = {Double.NaN, Double.NaN};
    if (!adamOnly && switched[0] > 0) {
      Map<String, Tensor> st = new HashMap<>();
      o.saveState(st, new HashMap<>());
      for (var e : st.entrySet()) {
        if (!e.getKey().endsWith("swats.0")) continue;
        float[] sw = e.getValue().data();
        double bc = 1 - Math.pow(0.999, switched[0]); // the estimates stop at the switch
        rate = sw[2];
        est = new double[] {(1 - MOMENTUM) * sw[1] / bc, sw[4] / bc};
      }
    }
    return new Outcome(eval.get("accuracy"), eval.get("loss"), pts, switched[0], rate, est);
  }

  /**
   * α until the switch (after step s, read from {@code switched}), then α·½(1+cos(π(t-s)/(T-s)))
   * for the 0-based step t about to be taken, T the planned steps: a cosine to 0 over what is
   * left. {@link AdamThenSgd} scales its SGD rate by the same factor.
   */
  private Schedule annealAfter(long[] switched, long total) {
    return (step, progress) -> {
      long s = switched[0];
      if (s < 0 || step < s || s >= total) return lr;
      return lr * 0.5 * (1 + Math.cos(Math.PI * (step - s) / (double) (total - s)));
    };
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

  private void claim(Map<String, List<Outcome>> results, String a, String b, String what) {
    List<Outcome> x = results.get(a), y = results.get(b);
    int n = Math.min(x.size(), y.size()), wins = 0;
    for (int i = 0; i < n; i++) if (x.get(i).accuracy() >= y.get(i).accuracy()) wins++;
    double diff = mean(x, true) - mean(y, true);
    stdout.printf(Locale.ROOT, "%s - %s = %+.2f points of mean test accuracy over %d seeds (%d of %d seeds >=); against %s: %s%n",
        a, b, 100 * diff, n, wins, n, what, diff >= 0 ? "holds" : "does not hold");
  }

  private static double mean(List<Outcome> os, boolean accuracy) {
    double s = 0;
    for (Outcome o : os) s += accuracy ? o.accuracy() : o.loss();
    return s / os.size();
  }

  private static String fmt3(double v) {
    return String.format(Locale.ROOT, "%.3g", v);
  }
}
