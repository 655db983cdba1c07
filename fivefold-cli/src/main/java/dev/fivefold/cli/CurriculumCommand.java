package dev.fivefold.cli;

import dev.fivefold.data.Dataset;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.train.curriculum.CurriculumExperiment;
import dev.fivefold.train.curriculum.Pacing;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fivefold curriculum}: curriculum learning against random order and anti-curriculum ({@link CurriculumExperiment}). */
@Command(name = "curriculum", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Curriculum learning (Hacohen & Weinshall 2019) on Fashion-MNIST: every batch is drawn from the easiest "
        + "g(step) of the training subset, by a teacher's per-example loss (transfer scoring) or the model's own loss, "
        + "re-scored every --rescore-every steps (self-paced); against the same pacing over a random order, the "
        + "anti-curriculum (hardest first) and vanilla training (every batch from the whole subset). Every arm of a "
        + "seed starts from the same weights and trains the same number of steps with Adam.",
        "Prints mean ± sample standard deviation of the final test accuracy per arm over --seeds seeds; writes "
        + "curriculum.csv, curriculum-curves.csv and curriculum-<pacing>.png (mean test accuracy against step) to --out.", "",
        "Examples:",
        "  ./fivefold curriculum                            LeNet-300-100, 10k images, 3 seeds",
        "  ./fivefold curriculum --pacing exp               only the fixed exponential pacing",
        "  ./fivefold curriculum --model lenet5 --steps 800",
        "  ./fivefold curriculum --quick                    a few seconds", ""})
final class CurriculumCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Option(names = "--model", paramLabel = "SPEC", description = "Model spec (default: mlp, LeNet-300-100; --quick: mlp:784-32-10).")
  String model;

  @Option(names = "--pacing", paramLabel = "KINDS", split = ",", description = "Pacing functions, comma-separated: exp (fixed exponential), linear, step (default: all three).")
  List<String> pacing;

  @Option(names = "--start", paramLabel = "F", description = "Fraction of the data at step 0, in (0, 1] (default: 0.1; --quick: 0.2).")
  Double start;

  @Option(names = "--inc", paramLabel = "X", description = "Growth factor of the exponential pacing, > 1 (default: 2).")
  Double inc;

  @Option(names = "--ramp", paramLabel = "F", description = "Fraction of the steps after which every pacing uses the whole set, in (0, 1] (default: 0.5).")
  Double ramp;

  @Option(names = "--steps", paramLabel = "N", description = "Training steps of every arm (default: 1500; --quick: 40).")
  Integer steps;

  @Option(names = "--batch", paramLabel = "N", description = "Batch size (default: 64; --quick: 16).")
  Integer batch;

  @Option(names = "--lr", paramLabel = "RATE", description = "Adam learning rate (default: 0.001; --quick: 0.003).")
  Double lr;

  @Option(names = "--seeds", paramLabel = "N", description = "Seeds, from --seed on (default: 3; --quick: 2).")
  Integer seeds;

  @Option(names = "--train-size", paramLabel = "N", description = "Training images used, the first N (default: 10000; --quick: 400).")
  Integer trainSize;

  @Option(names = "--test-size", paramLabel = "N", description = "Test images used, the first N (default: 10000; --quick: 200).")
  Integer testSize;

  @Option(names = "--teacher-steps", paramLabel = "N", description = "Steps the transfer teacher trains (default: 157, one epoch of 10k; --quick: 25).")
  Long teacherSteps;

  @Option(names = "--rescore-every", paramLabel = "N", description = "Self-paced re-scoring period in steps (default: 100; --quick: 10).")
  Long rescoreEvery;

  @Option(names = "--eval-every", paramLabel = "N", description = "Steps between test evaluations of the curves (default: 100; --quick: 10).")
  Long evalEvery;

  @Option(names = "--no-balance", description = "Order the scored arms over the whole set, not class by class (a pool of the easiest examples is then mostly the easiest classes).")
  boolean noBalance;

  @Option(names = "--quick", description = "A few seconds' run for tests (the --quick defaults above).")
  boolean quick;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the four Fashion-MNIST IDX files (.gz).")
  Path dataDir;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/curriculum-<time>).")
  Path out;

  @Override
  public Integer call() throws IOException {
    common.apply();
    CurriculumExperiment.Config base = quick ? CurriculumExperiment.Config.quick() : CurriculumExperiment.Config.defaults();
    List<Pacing.Kind> kinds = new ArrayList<>();
    try {
      if (pacing == null) kinds.addAll(base.pacings());
      else for (String p : pacing) kinds.add(Pacing.Kind.of(p.strip()));
    } catch (IllegalArgumentException e) {
      throw common.bad("--pacing (" + String.join(",", pacing) + ") must list exp, linear or step");
    }
    if (steps != null) common.atLeast("--steps", steps, 1);
    if (batch != null) common.atLeast("--batch", batch, 1);
    if (seeds != null) common.atLeast("--seeds", seeds, 1);
    if (trainSize != null) common.atLeast("--train-size", trainSize, 1);
    if (testSize != null) common.atLeast("--test-size", testSize, 1);
    if (teacherSteps != null) common.atLeast("--teacher-steps", teacherSteps, 1);
    if (rescoreEvery != null) common.atLeast("--rescore-every", rescoreEvery, 1);
    if (evalEvery != null) common.atLeast("--eval-every", evalEvery, 1);
    if (lr != null) common.positive("--lr", lr);
    if (start != null && !(start > 0 && start <= 1)) throw common.bad("--start (" + start + ") must be in (0, 1]");
    if (inc != null && !(inc > 1 && inc < Double.POSITIVE_INFINITY)) throw common.bad("--inc (" + inc + ") must be > 1");
    if (ramp != null && !(ramp > 0 && ramp <= 1)) throw common.bad("--ramp (" + ramp + ") must be in (0, 1]");
    String spec = model != null ? model : base.model();
    try {
      dev.fivefold.perception.Models.parse(spec);
    } catch (IllegalArgumentException e) {
      throw common.bad("--model (" + spec + "): " + e.getMessage());
    }
    int b = or(batch, base.batch()), ts = or(trainSize, base.trainSize());
    if (ts < b) throw common.bad("--train-size (" + ts + ") must be >= --batch (" + b + ")");
    CurriculumExperiment.Config cfg = new CurriculumExperiment.Config(spec, ts, or(testSize, base.testSize()), or(steps, base.steps()),
        b, or(lr, base.lr()), or(seeds, base.seeds()), common.seed, kinds, or(start, base.start()), or(inc, base.inc()),
        or(ramp, base.ramp()), or(rescoreEvery, base.rescoreEvery()), or(teacherSteps, base.teacherSteps()), or(evalEvery, base.evalEvery()),
        !noBalance);

    Thread chartsReady = Charts.warmUp();
    Dataset[] d = Inputs.images(null, dataDir, stderr);
    if (cfg.trainSize() > d[0].size()) throw common.bad("--train-size (" + cfg.trainSize() + ") must be <= " + d[0].size());
    Path dir = Common.runFolder(out, "curriculum");
    stderr.printf(Locale.ROOT, "curriculum: %s, %d training and %d test images, %d steps of %d, %d seed%s, %d arms; %s%n", spec, cfg.trainSize(),
        Math.min(cfg.testSize(), d[1].size()), cfg.steps(), cfg.batch(), cfg.seeds(), cfg.seeds() == 1 ? "" : "s", cfg.arms().size(),
        String.join("; ", kinds.stream().map(k -> cfg.pacing(k).toString()).toList()));
    Table runs = new Table("arm", "seed", "test_accuracy", "test_loss");
    CurriculumExperiment.Result r = CurriculumExperiment.run(d[0], d[1], cfg, run -> {
      stderr.printf(Locale.ROOT, "seed %d %-16s test accuracy %.4f%n", run.seed(), run.arm(), run.accuracy());
      runs.add(run.arm(), run.seed(), Table.fmt(run.accuracy()), Table.fmt(run.loss()));
    });
    AtomicFiles.writeString(dir.resolve("curriculum.csv"), runs.csv());
    Table curves = new Table("arm", "seed", "step", "test_accuracy");
    for (CurriculumExperiment.Run run : r.runs()) for (double[] p : run.curve()) curves.add(run.arm(), run.seed(), (long) p[0], Table.fmt(p[1]));
    AtomicFiles.writeString(dir.resolve("curriculum-curves.csv"), curves.csv());

    Table t = new Table("arm", "mean", "±sd", "min", "max", "vs vanilla", "vs random");
    double vanilla = r.summaries().getFirst().mean();
    for (CurriculumExperiment.Summary s : r.summaries()) {
      String[] parts = s.arm().split("/");
      String vsRandom = parts.length == 1 || parts[0].equals("random") ? "" : signed(s.mean() - summary(r, "random/" + parts[1]).mean());
      t.add(s.arm(), pct(s.mean()), pct(s.spread()), pct(s.min()), pct(s.max()), s.arm().equals(CurriculumExperiment.VANILLA) ? "" : signed(s.mean() - vanilla), vsRandom);
    }
    Charts.join(chartsReady);
    List<String> charts = new ArrayList<>();
    for (Pacing.Kind k : kinds) {
      List<Charts.Series> series = new ArrayList<>(List.of(new Charts.Series(CurriculumExperiment.VANILLA, r.meanCurve(CurriculumExperiment.VANILLA), true)));
      for (String s : CurriculumExperiment.SCORED) series.add(new Charts.Series(s, r.meanCurve(s + "/" + k.label), true));
      Path png = dir.resolve("curriculum-" + k.label + ".png");
      try {
        Charts.write(png, "curriculum, " + k.label + " pacing: " + spec + ", mean of " + cfg.seeds() + " seeds", "step", "test accuracy", series);
        charts.add(png.getFileName().toString());
      } catch (IOException | RuntimeException | LinkageError e) {
        stderr.println("fivefold: could not write " + png + ": " + Main.oneLine(String.valueOf(e.getMessage())));
      }
    }
    stdout.printf(Locale.ROOT, "curriculum learning: %s, %d steps of %d on %d images, %d seeds; test accuracy (%%) on %d images; teacher %s%n", spec,
        cfg.steps(), cfg.batch(), cfg.trainSize(), cfg.seeds(), Math.min(cfg.testSize(), d[1].size()), teacherLine(r.teacherAccuracy()));
    stdout.print(t.pretty());
    stdout.println("wrote " + dir.resolve("curriculum.csv") + ", curriculum-curves.csv" + (charts.isEmpty() ? "" : ", " + String.join(", ", charts)));
    return 0;
  }

  private static CurriculumExperiment.Summary summary(CurriculumExperiment.Result r, String arm) {
    return r.summaries().stream().filter(s -> s.arm().equals(arm)).findFirst().orElseThrow();
  }

  private static String teacherLine(double[] acc) {
    StringBuilder sb = new StringBuilder("accuracy");
    for (double a : acc) sb.append(' ').append(pct(a));
    return sb.toString();
  }

  static String pct(double v) {
    return String.format(Locale.ROOT, "%.2f", 100 * v);
  }

  static String signed(double v) {
    return String.format(Locale.ROOT, "%+.2f", 100 * v);
  }

  private static <T> T or(T v, T fallback) {
    return v != null ? v : fallback;
  }
}
