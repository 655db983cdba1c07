package dev.fivefold.cli;

import dev.fivefold.control.Annealed;
import dev.fivefold.control.Controller;
import dev.fivefold.control.GradientCorrelation;
import dev.fivefold.control.PidController;
import dev.fivefold.control.LrRangeFinder;
import dev.fivefold.control.ReduceOnPlateau;
import dev.fivefold.control.Schedules;
import dev.fivefold.control.StabilityCap;
import dev.fivefold.data.Dataset;
import dev.fivefold.data.TextCorpus;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.nn.Module;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.Mlp;
import dev.fivefold.perception.Models;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.DivergenceException;
import dev.fivefold.train.LanguageModelTask;
import dev.fivefold.train.Task;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.TrainObserver;
import dev.fivefold.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fivefold controllers}: open-loop schedules from a small grid against the closed-loop
 * learning-rate controllers with their defaults, on LeNet-300-100 / Fashion-MNIST and on a small GPT
 * on the King James Bible; steps to a target smoothed training loss, as a ratio to the best schedule.
 */
@Command(name = "controllers", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Open-loop schedules (constant, step, cosine, warm-up + cosine, over a grid of peak rates) against closed-loop "
        + "controllers with their defaults (reduce-on-plateau, plateau after warm-up, PID on the update ratio, PID on the loss "
        + "decrease, stability cap) from the same initial weights on the same batches. For each run: steps until the smoothed "
        + "training loss (bias-corrected EMA, β 0.98) reaches the target, the ratio to the best schedule's steps, the final "
        + "smoothed loss and the learning rate over time.", "",
        "mlp: LeNet-300-100 on Fashion-MNIST, Adam, batch 128; controllers start from 1e-3. "
            + "gpt: char-level GPT (2 layers, 2 heads, width 64, context 64, batch 16), AdamW; controllers start from 2e-3.",
        "Schedules: step = ×0.1 every third of the run; cosine to 0; warm-up + cosine = 5% linear warm-up then cosine to 0. "
            + "Controllers: plateau = ReduceOnPlateau.defaults (patience 200, ×0.5); plateau+warmup = the same after a 5% warm-up; "
            + "pid-ratio = PID holding ‖Δθ‖/‖θ‖ at 1e-3; pid-loss = PID holding the relative loss decrease per step at 1e-3; "
            + "stability-cap = a constant rate capped at Adam's edge of stability, 0.9·38/λmax(P⁻¹H) (P = diag(√v̂ + ε) from Adam's "
            + "state, λmax by power iteration every 100 steps; Cohen et al. 2022). "
            + "rt+<controller> = a learning-rate range test first (LrRangeFinder.defaults: 5% of the budget, counted in it, 1e-4 → 1e-1 "
            + "geometrically, ended once the loss's steep fall is over, at 1.5× the lowest smoothed loss or at a sustained rise; "
            + "the chosen rate is the one where the smoothed loss fell fastest; the weights and optimizer state are then restored to "
            + "the latest snapshot taken after steps all at or below that rate, so the sweep's start serves as a warm-up; Smith 2017), "
            + "then the controller from that rate: plateau with patience 10% of the run (ReduceOnPlateau.forRun); pid-ratio holding "
            + "the update ratio the test measured at that rate; pid-loss as above; both PIDs capped at the chosen rate. "
            + "rt+plateau+cosine = rt+plateau with its rate annealed by a cosine over what is left of the run (control.Annealed: "
            + "budget-aware, not pure feedback).",
        "A controller counts as within 1.2× only if it reached the target and its final smoothed loss is still below it.",
        "Target: --mlp-target (default 0.45); --gpt-target auto = the lowest smoothed loss any schedule has at 80% of the budget.", "",
        "Writes controllers.csv, <task>-loss.png, <task>-lr.png (log scale), <task>-curves.csv and, for the rt+ controllers, "
            + "<task>-range-test.csv and .png (each sweep's smoothed loss against the rate) to the run folder.", "",
        "Examples:",
        "  ./fivefold controllers                          both tasks (MLP 2 epochs, GPT 1000 steps)",
        "  ./fivefold controllers --task gpt --max-steps 2000 --width 128",
        "  ./fivefold controllers --task gpt --schedules warmup-cosine --gpt-lrs 1e-2 --controllers rt+plateau", ""})
final class ControllersCommand extends Subcommand {
  static final double SMOOTHING = 0.98;
  static final List<String> SCHEDULES = List.of("constant", "step", "cosine", "warmup-cosine");
  static final List<String> CONTROLLERS = List.of("plateau", "plateau+warmup", "pid-ratio", "pid-loss", "stability-cap", "rt+plateau",
      "rt+pid-ratio", "rt+pid-loss", "rt+stability-cap", "rt+plateau+cosine", "rt+grad-corr");

  @Mixin Common common = new Common();

  @Option(names = "--task", defaultValue = "both", description = "mlp, gpt or both (default: ${DEFAULT-VALUE}).")
  String taskName;

  @Option(names = "--epochs", defaultValue = "2", description = "mlp: passes over the training data (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--max-steps", paramLabel = "N", defaultValue = "1000", description = "gpt: steps per run (default: ${DEFAULT-VALUE}).")
  long maxSteps;

  @Option(names = "--mlp-target", paramLabel = "LOSS", defaultValue = "0.45", description = "mlp: target smoothed training loss (default: ${DEFAULT-VALUE}).")
  double mlpTarget;

  @Option(names = "--gpt-target", paramLabel = "LOSS|auto", defaultValue = "auto",
      description = "gpt: target smoothed training loss, or auto (the best schedule's loss at 80%% of the budget; default).")
  String gptTarget;

  @Option(names = "--mlp-lrs", paramLabel = "LR,...", split = ",", defaultValue = "3e-4,1e-3,3e-3", description = "mlp: peak rates of the schedule grid (default: ${DEFAULT-VALUE}).")
  List<Double> mlpLrs;

  @Option(names = "--gpt-lrs", paramLabel = "LR,...", split = ",", defaultValue = "1e-3,3e-3,1e-2", description = "gpt: peak rates of the schedule grid (default: ${DEFAULT-VALUE}).")
  List<Double> gptLrs;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "128", description = "mlp: batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--gpt-batch", paramLabel = "N", defaultValue = "16", description = "gpt: batch size (default: ${DEFAULT-VALUE}).")
  int gptBatch;

  @Option(names = "--layers", defaultValue = "2", description = "gpt: Transformer blocks (default: ${DEFAULT-VALUE}).")
  int layers;

  @Option(names = "--heads", defaultValue = "2", description = "gpt: attention heads (default: ${DEFAULT-VALUE}).")
  int heads;

  @Option(names = "--width", defaultValue = "64", description = "gpt: embedding width (default: ${DEFAULT-VALUE}).")
  int width;

  @Option(names = "--context", defaultValue = "64", description = "gpt: context length (default: ${DEFAULT-VALUE}).")
  int context;

  @Option(names = "--eval-tokens", paramLabel = "N", defaultValue = "16384", description = "gpt: held-out tokens scored at the end (default: ${DEFAULT-VALUE}).")
  long evalTokens;

  @Option(names = "--data", paramLabel = "FILE", description = "gpt: a text file (default: the King James Bible).")
  String data;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "mlp: directory with the four Fashion-MNIST IDX files (.gz).")
  Path dataDir;

  @Option(names = "--schedules", paramLabel = "NAME,...", split = ",", defaultValue = "constant,step,cosine,warmup-cosine",
      description = "Schedules of the grid (default: all: ${DEFAULT-VALUE}).")
  List<String> schedules;

  @Option(names = "--controllers", paramLabel = "NAME,...", split = ",",
      defaultValue = "plateau,plateau+warmup,pid-ratio,pid-loss,stability-cap,rt+plateau,rt+pid-ratio,rt+pid-loss,rt+stability-cap,rt+plateau+cosine,rt+grad-corr",
      description = "Controllers to run (default: all: ${DEFAULT-VALUE}).")
  List<String> controllers;

  @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/controllers-<yyyyMMdd-HHmmss>).")
  Path out;

  /** One run: smoothed loss and learning rate per step (index i = after step i + 1). */
  record Run(String name, String kind, double lr, double[] smoothed, double[] lrs, Map<String, Double> eval, double wallSeconds, String failure) {
    long stepsTo(double target) {
      for (int i = 0; i < smoothed.length; i++) if (smoothed[i] <= target) return i + 1;
      return -1;
    }

    double finalLoss() {
      return smoothed.length == 0 ? Double.NaN : smoothed[smoothed.length - 1];
    }
  }

  /** A task to train from scratch, the same for every run. */
  interface Setup {
    String title();

    /** A fresh model and task (same seed: same weights, same batches). */
    Task task();

    Optimizer optimizer(Module net, double lr);

    /** The controllers' starting rate. */
    double lr0();

    long steps();

    String metric();
  }

  @Override
  public Integer call() throws IOException {
    common.apply();
    if (!List.of("mlp", "gpt", "both").contains(taskName)) throw common.bad("--task (" + taskName + ") must be one of mlp, gpt, both");
    common.atLeast("--epochs", epochs, 1);
    common.atLeast("--max-steps", maxSteps, 2);
    common.atLeast("--batch", batch, 1);
    common.atLeast("--gpt-batch", gptBatch, 1);
    common.positive("--mlp-target", mlpTarget);
    Double gptT = null;
    if (!gptTarget.equals("auto")) {
      try {
        gptT = Double.parseDouble(gptTarget);
      } catch (NumberFormatException e) {
        throw common.bad("--gpt-target (" + gptTarget + ") must be a loss or auto");
      }
      common.positive("--gpt-target", gptT);
    }
    for (String v : schedules) if (!SCHEDULES.contains(v)) throw common.bad("--schedules (" + v + ") must be among " + SCHEDULES);
    for (String v : controllers) if (!CONTROLLERS.contains(v)) throw common.bad("--controllers (" + v + ") must be among " + CONTROLLERS);
    for (double v : mlpLrs) common.positive("--mlp-lrs", v);
    for (double v : gptLrs) common.positive("--gpt-lrs", v);
    Thread chartsReady = Charts.warmUp();
    Path dir = out != null ? out : Path.of("runs", "controllers-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Common.runFolder(dir);
    Table t = new Table("task", "run", "kind", "lr", "target", "steps_to_target", "ratio_to_best_schedule", "final_loss", "final_lr",
        "eval", "wall_s");
    StringBuilder verdicts = new StringBuilder();
    if (!taskName.equals("gpt")) {
      Setup s = mlpSetup();
      experiment("mlp", s, mlpLrs, mlpTarget, dir, t, verdicts, chartsReady);
    }
    if (!taskName.equals("mlp")) {
      Setup s = gptSetup();
      experiment("gpt", s, gptLrs, gptT, dir, t, verdicts, chartsReady);
    }
    AtomicFiles.writeString(dir.resolve("controllers.csv"), t.csv());
    stdout.print(t.pretty());
    stdout.print(verdicts);
    stdout.println("run folder " + dir + " (controllers.csv, <task>-loss.png, <task>-lr.png, <task>-curves.csv"
        + (controllers.stream().anyMatch(c -> c.startsWith("rt+")) ? ", <task>-range-test.csv/.png)" : ")"));
    return 0;
  }

  private Setup mlpSetup() throws IOException {
    Dataset[] d = TrainCommand.images(null, dataDir, stderr);
    long seed = common.seed;
    int b = batch;
    long steps = (long) epochs * Math.max(1, d[0].size() / b);
    return new Setup() {
      public String title() {
        return "LeNet-300-100 on Fashion-MNIST, Adam, batch " + b + ", " + epochs + " epoch" + (epochs == 1 ? "" : "s");
      }

      public Task task() {
        return new ClassificationTask(Mlp.lenet300100(seed), d[0], d[1], b, seed);
      }

      public Optimizer optimizer(Module net, double lr) {
        return Optimizers.byName("adam", net.parameters(), lr);
      }

      public double lr0() {
        return 1e-3;
      }

      public long steps() {
        return steps;
      }

      public String metric() {
        return "accuracy";
      }
    };
  }

  private Setup gptSetup() throws IOException {
    TextCorpus corpus = TrainCommand.corpus(data);
    long seed = common.seed;
    String spec = "gpt:vocab=" + corpus.vocabSize() + ",context=" + context + ",layers=" + layers + ",heads=" + heads + ",width=" + width;
    Models.create(spec, seed); // checks the shape before any run
    long steps = maxSteps;
    return new Setup() {
      public String title() {
        return "GPT " + layers + "L " + heads + "H width " + width + " context " + context + " on " + corpus.name() + ", AdamW, batch "
            + gptBatch + ", " + steps + " steps";
      }

      public Task task() {
        Gpt g = (Gpt) Models.create(spec, seed);
        return new LanguageModelTask(g, corpus, gptBatch, context, seed, evalTokens);
      }

      public Optimizer optimizer(Module net, double lr) {
        return Optimizers.byName("adamw", net.parameters(), lr);
      }

      public double lr0() {
        return 2e-3;
      }

      public long steps() {
        return steps;
      }

      public String metric() {
        return "bpc";
      }
    };
  }

  private void experiment(String task, Setup s, List<Double> lrs, Double target, Path dir, Table t, StringBuilder verdicts,
      Thread chartsReady) throws IOException {
    long n = s.steps();
    long w = Math.max(1, n / 20);
    stderr.printf("%s: %s; %d schedules × %d rates + %d controllers, seed %d, %d thread%s%n", task, s.title(), schedules.size(), lrs.size(),
        controllers.size(), common.seed, common.threads(), common.threads() == 1 ? "" : "s");
    List<Run> runs = new ArrayList<>();
    for (String sch : schedules) {
      for (double lr : lrs) {
        Supplier<Controller> c = () -> Controller.open(switch (sch) {
          case "constant" -> Schedules.constant(lr);
          case "step" -> Schedules.step(lr, Math.max(1, n / 3), 0.1);
          case "cosine" -> Schedules.cosine(lr, n, 0);
          default -> Schedules.warmup(w, Schedules.cosine(lr, Math.max(1, n - w), 0));
        });
        runs.add(run(task, s, sch, "schedule", lr, o -> c.get()));
      }
    }
    double lr0 = s.lr0();
    java.util.Map<String, LrRangeFinder> rangeTests = new java.util.LinkedHashMap<>();
    java.util.Map<String, Controller> made = new java.util.LinkedHashMap<>();
    for (String name : controllers) {
      Function<Optimizer, Controller> make = o -> {
        Controller c = controller(name, lr0, n, w, o);
        if (c instanceof LrRangeFinder rt) rangeTests.put(name, rt);
        made.put(name, c);
        return c;
      };
      runs.add(run(task, s, name, "controller", lr0, make));
    }

    double tgt;
    if (target != null) {
      tgt = target;
    } else {
      int at = (int) Math.max(0, Math.ceil(0.8 * n) - 1);
      tgt = Double.POSITIVE_INFINITY;
      for (Run r : runs) if (r.kind.equals("schedule") && r.smoothed.length > at) tgt = Math.min(tgt, r.smoothed[at]);
      if (!Double.isFinite(tgt)) tgt = Double.NaN;
      stderr.printf("%s: target (auto) = %.4f, the best schedule's smoothed loss at step %d%n", task, tgt, at + 1);
    }
    long best = -1;
    String bestName = "-";
    for (Run r : runs) {
      long k = r.stepsTo(tgt);
      if (r.kind.equals("schedule") && k > 0 && (best < 0 || k < best)) {
        best = k;
        bestName = r.name + " " + r.lr;
      }
    }
    int within = 0;
    double bestRatio = Double.POSITIVE_INFINITY;
    for (Run r : runs) {
      long k = r.stepsTo(tgt);
      double ratio = k > 0 && best > 0 ? k / (double) best : Double.NaN;
      if (r.kind.equals("controller") && r.failure == null && r.finalLoss() <= tgt) { // reached it and did not collapse afterwards
        if (ratio <= 1.2) within++;
        if (ratio < bestRatio) bestRatio = ratio;
      }
      Double m = r.eval.get(s.metric());
      t.add(task, r.name, r.kind, r.lr, String.format("%.4f", tgt), k < 0 ? "-" : k, Double.isNaN(ratio) ? "-" : String.format("%.3f", ratio),
          OptimizersCommand.fmt(r.finalLoss()), r.lrs.length == 0 ? "-" : String.format("%.3g", r.lrs[r.lrs.length - 1]),
          r.failure != null ? r.failure : m == null ? "-" : s.metric() + " " + String.format("%.4f", m), String.format("%.1f", r.wallSeconds));
    }
    for (var e : made.entrySet()) {
      Controller c = e.getValue() instanceof LrRangeFinder rt ? rt.inner() : e.getValue();
      if (c instanceof StabilityCap sc) {
        verdicts.append(String.format("%s: %s: last λmax(P⁻¹H) estimate %.4g, cap 0.9·38/λmax = %.3g%n", task, e.getKey(), sc.lambdaMax(), sc.cap()));
      }
      if (c instanceof GradientCorrelation gc) {
        verdicts.append(String.format("%s: %s: successive-gradient correlation ρ̄ %.3g at calibration, %.3g at the end%n", task, e.getKey(),
            gc.reference(), gc.correlation()));
      }
    }
    StringBuilder sweeps = new StringBuilder("controller,sweep_step,lr,smoothed_loss\n");
    List<Charts.Series> sweepSeries = new ArrayList<>();
    List<List<double[]>> drawn = new ArrayList<>();
    for (var e : rangeTests.entrySet()) {
      List<double[]> c = e.getValue().sweep(), pts = new ArrayList<>();
      for (int i = 0; i < c.size(); i++) {
        sweeps.append(e.getKey()).append(',').append(i).append(',').append((float) c.get(i)[0]).append(',').append((float) c.get(i)[1]).append('\n');
        pts.add(new double[] {c.get(i)[0], c.get(i)[1]});
      }
      // same seed, same batches: the sweeps are usually identical; draw each distinct one once, with its chosen rate
      if (drawn.stream().anyMatch(d -> sameCurve(d, pts)) || pts.isEmpty()) continue;
      drawn.add(pts);
      double chosen = e.getValue().chosenRate(), at = pts.getFirst()[1];
      for (double[] q : pts) if (q[0] <= chosen) at = q[1];
      String who = rangeTests.size() == 1 || drawn.size() > 1 ? e.getKey() : "sweep";
      sweepSeries.add(new Charts.Series(who, pts, false));
      sweepSeries.add(new Charts.Series(who + ": chosen " + String.format("%.3g", e.getValue().chosenRate()), List.of(new double[] {chosen, at}), true));
    }
    if (!rangeTests.isEmpty()) AtomicFiles.writeString(dir.resolve(task + "-range-test.csv"), sweeps.toString());
    for (var e : rangeTests.entrySet()) {
      verdicts.append(String.format("%s: %s: range test ended at step %d, restored the state of step %d, chose lr %.3g (update ratio there %.3g)%n",
          task, e.getKey(), e.getValue().endedAt(), e.getValue().restoredTo(), e.getValue().chosenRate(), e.getValue().chosenUpdateRatio()));
    }
    verdicts.append(String.format("%s: best schedule %s reaches %.4f in %s steps; %d of %d controllers within 1.2× and still below the target at the end (best such ratio %s)%n",
        task, bestName, tgt, best < 0 ? "no" : Long.toString(best), within, controllers.size(),
        Double.isFinite(bestRatio) ? String.format("%.3f", bestRatio) : "-"));

    AtomicFiles.writeString(dir.resolve(task + "-curves.csv"), curvesCsv(runs));
    try {
      chartsReady.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Charts.Series> loss = new ArrayList<>(), rate = new ArrayList<>();
    for (Run r : runs) {
      String label = r.kind.equals("schedule") ? r.name + " " + r.lr : r.name;
      loss.add(new Charts.Series(label, OptimizersCommand.thin(points(r.smoothed), 400), false));
      rate.add(new Charts.Series(label, OptimizersCommand.thin(points(r.lrs), 400), false));
    }
    Charts.write(dir.resolve(task + "-loss.png"), task + ": smoothed training loss (target " + String.format("%.3f", tgt) + ")", "step",
        "loss (nats)", loss);
    logChart(dir.resolve(task + "-lr.png"), task + ": learning rate", "step", "learning rate", rate);
    logChart(dir.resolve(task + "-range-test.png"), task + ": range test, smoothed loss against the rate", "learning rate (log scale)",
        "loss (nats)", sweepSeries, true);
  }

  /** A controller by name with its defaults, starting from {@code lr0}, for a run of {@code n} steps training {@code o}. */
  static Controller controller(String name, double lr0, long n, long w, Optimizer o) {
    return switch (name) {
      case "plateau" -> ReduceOnPlateau.defaults(lr0);
      case "plateau+warmup" -> new ReduceOnPlateau(lr0, w, 200, 0.5, 1e-3, 50, lr0 / 1000);
      case "pid-ratio" -> PidController.updateRatio(1e-3, lr0);
      case "pid-loss" -> PidController.lossDecrease(1e-3, lr0);
      // both tasks train with Adam(W) (β₁ 0.9, β₂ 0.999, ε 1e-8): the cap is Adam's bound on λmax(P⁻¹H)
      case "stability-cap" -> StabilityCap.adam(Controller.open(Schedules.constant(lr0)), o);
      case "rt+plateau" -> LrRangeFinder.defaults(n, (lr, r) -> ReduceOnPlateau.forRun(lr, n));
      // after a range test the PID may not exceed the chosen rate: with the lowest-loss rate (10×) as the limit both PIDs rode
      // it (under Adam the update ratio at a fixed rate falls as training proceeds, and the loss decrease falls below any fixed
      // set-point), and the loss-decrease PID collapsed to chance; so they can only lower the rate the test vouches for
      case "rt+pid-ratio" -> LrRangeFinder.defaults(n, (lr, r) -> new PidController("update_ratio", r > 0 ? r : 1e-3, lr, 0.1, 0.05, 0, lr * 1e-4,
          lr, Math.log(1e4), 0.9));
      case "rt+pid-loss" -> LrRangeFinder.defaults(n, (lr, r) -> new PidController("loss_decrease", 1e-3, lr, 0.1, 0.02, 0, lr * 1e-4, lr,
          Math.log(1e4), 0.98));
      case "rt+stability-cap" -> LrRangeFinder.defaults(n, (lr, r) -> StabilityCap.adam(Controller.open(Schedules.constant(lr)), o));
      // budget-aware: the plateau controller's rate annealed by a cosine over what is left of the run
      case "rt+grad-corr" -> LrRangeFinder.defaults(n, (lr, r) -> GradientCorrelation.defaults(lr));
      case "rt+plateau+cosine" -> LrRangeFinder.defaults(n, (lr, r) -> new Annealed(ReduceOnPlateau.forRun(lr, n)));
      default -> throw new IllegalArgumentException("controller (" + name + ") must be one of " + CONTROLLERS);
    };
  }

  private Run run(String task, Setup s, String name, String kind, double lr, Function<Optimizer, Controller> make) {
    long t0 = System.nanoTime();
    Task tk = s.task();
    Optimizer o = s.optimizer(tk.model(), lr);
    long n = s.steps();
    Controller c = make.apply(o);
    Trainer trainer = new Trainer(tk, o, new TrainConfig(1_000_000, n, 0, n)).controller(c);
    double[] sm = new double[(int) n], lrs = new double[(int) n];
    int[] k = {0};
    trainer.observe(new TrainObserver() {
      double ema, weight;

      @Override
      public void onStep(Step st) {
        ema = SMOOTHING * ema + (1 - SMOOTHING) * st.loss();
        weight = SMOOTHING * weight + (1 - SMOOTHING);
        if (k[0] < sm.length) {
          sm[k[0]] = ema / weight;
          lrs[k[0]++] = st.lr();
        }
      }
    });
    Map<String, Double> eval = Map.of();
    String failure = null;
    try {
      eval = trainer.fit();
    } catch (DivergenceException e) {
      failure = "diverged at step " + e.step();
    }
    Run r = new Run(name, kind, lr, java.util.Arrays.copyOf(sm, k[0]), java.util.Arrays.copyOf(lrs, k[0]), eval,
        (System.nanoTime() - t0) / 1e9, failure);
    stderr.printf("  %s %-15s %-10s lr %-7s final loss %s, %s, %.1f s%n", task, name, kind, lr, OptimizersCommand.fmt(r.finalLoss()),
        failure != null ? failure : eval.containsKey(s.metric()) ? s.metric() + " " + String.format("%.4f", eval.get(s.metric())) : "-",
        r.wallSeconds);
    return r;
  }

  private static boolean sameCurve(List<double[]> a, List<double[]> b) {
    if (a.size() != b.size()) return false;
    for (int i = 0; i < a.size(); i++) if (!java.util.Arrays.equals(a.get(i), b.get(i))) return false;
    return true;
  }

  private static List<double[]> points(double[] v) {
    List<double[]> p = new ArrayList<>(v.length);
    for (int i = 0; i < v.length; i++) p.add(new double[] {i + 1, v[i]});
    return p;
  }

  private static String curvesCsv(List<Run> runs) {
    StringBuilder sb = new StringBuilder("step");
    int n = 0;
    for (Run r : runs) {
      String label = r.kind.equals("schedule") ? r.name + "@" + r.lr : r.name;
      sb.append(',').append(label).append(" loss,").append(label).append(" lr");
      n = Math.max(n, r.smoothed.length);
    }
    sb.append('\n');
    for (int i = 0; i < n; i++) {
      sb.append(i + 1);
      for (Run r : runs) {
        if (i < r.smoothed.length) sb.append(',').append((float) r.smoothed[i]).append(',').append((float) r.lrs[i]);
        else sb.append(",,");
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** A line chart with a logarithmic y axis; points with y ≤ 0 are left out. */
  static void logChart(Path file, String title, String xTitle, String yTitle, List<Charts.Series> series) throws IOException {
    logChart(file, title, xTitle, yTitle, series, false);
  }

  /**
   * A line chart with a logarithmic x axis ({@code logX}) or y axis; points whose coordinate on the
   * log axis is not finite and &gt; 0 are left out; nothing is written when no point is left.
   */
  static void logChart(Path file, String title, String xTitle, String yTitle, List<Charts.Series> series, boolean logX) throws IOException {
    XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
    if (logX) {
      chart.getStyler().setXAxisLogarithmic(true);
      chart.getStyler().setXAxisDecimalPattern("0.0E0");
    } else {
      chart.getStyler().setYAxisLogarithmic(true);
    }
    int axis = logX ? 0 : 1;
    boolean any = false;
    for (Charts.Series s : series) {
      List<double[]> p = s.points().stream().filter(q -> q[axis] > 0 && Double.isFinite(q[axis])).toList();
      if (p.isEmpty()) continue;
      double[] x = new double[p.size()], y = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = p.get(i)[0];
        y[i] = p.get(i)[1];
      }
      chart.addSeries(s.name(), x, y).setMarker(s.markers() ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
      any = true;
    }
    if (!any) return;
    AtomicFiles.writeBytes(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
  }
}
