package dev.fivefold.cli;

import dev.fivefold.control.Controller;
import dev.fivefold.control.Controllers;
import dev.fivefold.control.GradientCorrelation;
import dev.fivefold.control.LrRangeFinder;
import dev.fivefold.control.StabilityCap;
import dev.fivefold.control.experiment.ControllerComparison;
import dev.fivefold.control.experiment.ControllerComparison.Kind;
import dev.fivefold.control.experiment.ControllerComparison.Run;
import dev.fivefold.data.Dataset;
import dev.fivefold.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  @Override
  public Integer call() throws IOException {
    common.apply();
    if (!List.of("mlp", "gpt", "both").contains(taskName)) throw common.bad("--task (" + taskName + ") must be one of mlp, gpt, both");
    common.atLeast("--epochs", epochs, 1);
    common.atLeast("--max-steps", maxSteps, 2);
    common.atLeast("--batch", batch, 1);
    common.atLeast("--gpt-batch", gptBatch, 1);
    common.atLeast("--layers", layers, 1); // checked whatever --task is: a bad flag is refused, not ignored
    common.atLeast("--heads", heads, 1);
    common.atLeast("--width", width, 1);
    common.atLeast("--context", context, 1);
    common.atLeast("--eval-tokens", evalTokens, 1);
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
    for (String v : schedules) {
      if (!ControllerComparison.SCHEDULES.contains(v)) throw common.bad("--schedules (" + v + ") must be among " + ControllerComparison.SCHEDULES);
    }
    for (String v : controllers) if (!Controllers.NAMES.contains(v)) throw common.bad("--controllers (" + v + ") must be among " + Controllers.NAMES);
    for (double v : mlpLrs) common.positive("--mlp-lrs", v);
    for (double v : gptLrs) common.positive("--gpt-lrs", v);
    Thread chartsReady = Charts.warmUp();
    Path dir = Common.runFolder(out, "controllers");
    Table t = new Table("task", "run", "kind", "lr", "target", "steps_to_target", "ratio_to_best_schedule", "final_loss", "final_lr",
        "eval", "wall_s");
    StringBuilder verdicts = new StringBuilder();
    if (!taskName.equals("gpt")) {
      Dataset[] d = Inputs.images(null, dataDir, stderr);
      experiment("mlp", ControllerComparison.mlp(d[0], d[1], batch, epochs, common.seed), mlpLrs, mlpTarget, dir, t, verdicts, chartsReady);
    }
    if (!taskName.equals("mlp")) {
      ControllerComparison.Bench b = ControllerComparison.gpt(Inputs.corpus(data), layers, heads, width, context, gptBatch, evalTokens,
          maxSteps, common.seed);
      experiment("gpt", b, gptLrs, gptT, dir, t, verdicts, chartsReady);
    }
    AtomicFiles.writeString(dir.resolve("controllers.csv"), t.csv());
    stdout.print(t.pretty());
    stdout.print(verdicts);
    stdout.println("run folder " + dir + " (controllers.csv, <task>-loss.png, <task>-lr.png, <task>-curves.csv"
        + (controllers.stream().anyMatch(c -> c.startsWith("rt+")) ? ", <task>-range-test.csv/.png)" : ")"));
    return 0;
  }

  private void experiment(String task, ControllerComparison.Bench b, List<Double> lrs, Double target, Path dir, Table t,
      StringBuilder verdicts, Thread chartsReady) throws IOException {
    stderr.printf("%s: %s; %d schedules × %d rates + %d controllers, seed %d, %d thread%s%n", task, b.title(), schedules.size(), lrs.size(),
        controllers.size(), common.seed, common.threads(), common.threads() == 1 ? "" : "s");
    ControllerComparison.Result res = ControllerComparison.run(new ControllerComparison.Config(b, schedules, lrs, controllers, target),
        r -> stderr.printf("  %s %-15s %-10s lr %-7s final loss %s, %s, %.1f s%n", task, r.name(), r.kind().label(), r.lr(),
            Table.fmt(r.finalLoss()), r.failure() != null ? r.failure()
                : r.eval().containsKey(b.metric()) ? b.metric() + " " + String.format("%.4f", r.eval().get(b.metric())) : "-",
            r.wallSeconds()));
    double tgt = res.target();
    if (res.autoStep() > 0) stderr.printf("%s: target (auto) = %.4f, the best schedule's smoothed loss at step %d%n", task, tgt, res.autoStep());
    for (Run r : res.runs()) {
      long k = r.stepsTo(tgt);
      double ratio = res.ratio(r);
      Double m = r.eval().get(b.metric());
      t.add(task, r.name(), r.kind().label(), r.lr(), String.format("%.4f", tgt), k < 0 ? "-" : k,
          Double.isNaN(ratio) ? "-" : String.format("%.3f", ratio), Table.fmt(r.finalLoss()),
          r.lrs().length == 0 ? "-" : String.format("%.3g", r.lrs()[r.lrs().length - 1]),
          r.failure() != null ? r.failure() : m == null ? "-" : b.metric() + " " + String.format("%.4f", m), String.format("%.1f", r.wallSeconds()));
    }
    Map<String, Controller> made = new LinkedHashMap<>();
    Map<String, LrRangeFinder> rangeTests = new LinkedHashMap<>();
    for (Run r : res.controllers()) {
      made.put(r.name(), r.controller());
      if (r.controller() instanceof LrRangeFinder rt) rangeTests.put(r.name(), rt);
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
    List<Charts.Series> sweepSeries = rangeTests(task, rangeTests, dir);
    for (var e : rangeTests.entrySet()) {
      verdicts.append(String.format("%s: %s: range test ended at step %d, restored the state of step %d, chose lr %.3g (update ratio there %.3g)%n",
          task, e.getKey(), e.getValue().endedAt(), e.getValue().restoredTo(), e.getValue().chosenRate(), e.getValue().chosenUpdateRatio()));
    }
    verdicts.append(String.format("%s: best schedule %s reaches %.4f in %s steps; %d of %d controllers within 1.2× and still below the target at the end (best such ratio %s)%n",
        task, res.bestSchedule(), tgt, res.bestSteps() < 0 ? "no" : Long.toString(res.bestSteps()), res.within(), controllers.size(),
        Double.isFinite(res.bestRatio()) ? String.format("%.3f", res.bestRatio()) : "-"));

    AtomicFiles.writeString(dir.resolve(task + "-curves.csv"), curvesCsv(res.runs()));
    Charts.join(chartsReady);
    List<Charts.Series> loss = new ArrayList<>(), rate = new ArrayList<>();
    for (Run r : res.runs()) {
      loss.add(new Charts.Series(r.label(), Charts.thin(Charts.points(r.smoothed()), 400), false));
      rate.add(new Charts.Series(r.label(), Charts.thin(Charts.points(r.lrs()), 400), false));
    }
    Charts.write(dir.resolve(task + "-loss.png"), task + ": smoothed training loss (target " + String.format("%.3f", tgt) + ")", "step",
        "loss (nats)", loss);
    Charts.logChart(dir.resolve(task + "-lr.png"), task + ": learning rate", "step", "learning rate", rate);
    Charts.logChart(dir.resolve(task + "-range-test.png"), task + ": range test, smoothed loss against the rate", "learning rate (log scale)",
        "loss (nats)", sweepSeries, true);
  }

  /** Writes {@code <task>-range-test.csv}; returns the chart's series: each distinct sweep once, with its chosen rate. */
  private static List<Charts.Series> rangeTests(String task, Map<String, LrRangeFinder> rangeTests, Path dir) throws IOException {
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
    return sweepSeries;
  }

  private static boolean sameCurve(List<double[]> a, List<double[]> b) {
    if (a.size() != b.size()) return false;
    for (int i = 0; i < a.size(); i++) if (!Arrays.equals(a.get(i), b.get(i))) return false;
    return true;
  }

  private static String curvesCsv(List<Run> runs) {
    StringBuilder sb = new StringBuilder("step");
    int n = 0;
    for (Run r : runs) {
      String label = r.kind() == Kind.SCHEDULE ? r.name() + "@" + r.lr() : r.name();
      sb.append(',').append(label).append(" loss,").append(label).append(" lr");
      n = Math.max(n, r.smoothed().length);
    }
    sb.append('\n');
    for (int i = 0; i < n; i++) {
      sb.append(i + 1);
      for (Run r : runs) {
        if (i < r.smoothed().length) sb.append(',').append((float) r.smoothed()[i]).append(',').append((float) r.lrs()[i]);
        else sb.append(",,");
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
