package dev.fivefold.cli;

import dev.fivefold.compress.DeepCompression;
import dev.fivefold.compress.archive.FfzArchive;
import dev.fivefold.compress.archive.FfzModel;
import dev.fivefold.compress.sensing.Basis;
import dev.fivefold.compress.sensing.PhaseTransition;
import dev.fivefold.compress.sensing.SensingExperiment;
import dev.fivefold.data.Dataset;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.io.BadInputException;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.ImageClassifier;
import dev.fivefold.perception.LoadedModel;
import dev.fivefold.perception.Models;
import dev.fivefold.train.ClassificationTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fivefold sensing}: compressed sensing of a trained classifier's weights against magnitude pruning at the same bytes. */
@Command(name = "sensing", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Compressed sensing of weights (the study guide's exercise): every weight matrix and kernel of a trained mlp or "
        + "lenet5 is stored as m = ratio x n seeded random measurements (Gaussian or subsampled randomised Hadamard) of its "
        + "coefficients (identity after per-block magnitude pruning, or the 2-D DCT of conv filters), and recovered by OMP or "
        + "FISTA. Prints, per ratio, the bytes, test accuracy of the recovered weights, of the sparse target (exact recovery) "
        + "and of magnitude pruning at the same bytes, and the relative recovery error; draws accuracy against the ratio and "
        + "the phase transition (success rate on synthetic vectors over delta = m/n and rho = k/m, with the Donoho-Tanner "
        + "curve). --archive writes the first ratio as an .ffz that `fivefold eval` recovers to the same accuracy.", "",
        "Examples:",
        "  ./fivefold sensing runs/mlp-c/checkpoint.safetensors --ratio 0.1,0.2,0.3,0.5 --out runs/sensing-mlp",
        "  ./fivefold sensing runs/lenet5-c/checkpoint.safetensors --basis dct --recovery fista --ratio 0.3 --archive lenet5-cs.ffz",
        "  ./fivefold eval lenet5-cs.ffz", ""})
final class SensingCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Parameters(paramLabel = "CKPT", description = "A trained checkpoint.safetensors of an mlp or lenet5 classifier.")
  Path file;

  @Option(names = "--ratio", split = ",", defaultValue = "0.1,0.2,0.3,0.5", description = "Measurement ratios m/n, each in (0, 1] (default: ${DEFAULT-VALUE}).")
  double[] ratios;

  @Option(names = "--operator", defaultValue = "gaussian", description = "gaussian (N(0, 1/m) entries) or hadamard (subsampled randomised Walsh-Hadamard, fast) (default: ${DEFAULT-VALUE}).")
  String operator;

  @Option(names = "--basis", defaultValue = "identity", description = "identity (weights after per-block pruning) or dct (2-D DCT of conv filters; matrices stay identity) (default: ${DEFAULT-VALUE}).")
  String basis;

  @Option(names = "--recovery", defaultValue = "omp", description = "omp or fista (default: ${DEFAULT-VALUE}).")
  String recovery;

  @Option(names = "--block", defaultValue = "256", description = "Coefficients per block, 1..4096 (default: ${DEFAULT-VALUE}).")
  int block;

  @Option(names = "--rho", defaultValue = "0.1", description = "Coefficients kept per measurement, k = rho m, in (0, 1] (default: ${DEFAULT-VALUE}).")
  double rho;

  @Option(names = "--bits", defaultValue = "32", description = "Bits per stored measurement: 32 (float32) or 8 (int8 + a scale) (default: ${DEFAULT-VALUE}).")
  int bits;

  @Option(names = "--lambda", defaultValue = "0.001", description = "FISTA's l1 weight as a fraction of ||A^T y||_inf, in (0, 1] (default: ${DEFAULT-VALUE}).")
  double lambda;

  @Option(names = "--iterations", defaultValue = "300", description = "FISTA's iteration limit (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--tolerance", defaultValue = "1e-6", description = "FISTA: stop when x changes by less than this, relatively; OMP: residual tolerance (default: ${DEFAULT-VALUE}).")
  double tolerance;

  @Option(names = "--phase-n", defaultValue = "100", description = "Phase transition: signal length n (0 = skip it) (default: ${DEFAULT-VALUE}).")
  int phaseN;

  @Option(names = "--phase-grid", defaultValue = "20", description = "Phase transition: delta and rho in steps of 1/G (default: ${DEFAULT-VALUE}).")
  int phaseGrid;

  @Option(names = "--phase-trials", defaultValue = "5", description = "Phase transition: trials per cell (default: ${DEFAULT-VALUE}).")
  int phaseTrials;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the Fashion-MNIST IDX files (default: the checkpoint's).")
  Path dataDir;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/sensing-<time>).")
  Path out;

  @Option(names = "--archive", paramLabel = "M.ffz", description = "Also write the first ratio's measurements as an .ffz archive (fivefold eval recovers it).")
  Path archive;

  @Override
  public Integer call() throws IOException {
    common.apply();
    for (double r : ratios) if (!(r > 0 && r <= 1)) throw common.bad("--ratio (" + r + ") must be in (0, 1]");
    if (!operator.equals("gaussian") && !operator.equals("hadamard")) throw common.bad("--operator (" + operator + ") must be gaussian or hadamard");
    if (!recovery.equals("omp") && !recovery.equals("fista")) throw common.bad("--recovery (" + recovery + ") must be omp or fista");
    Basis b = switch (basis) {
      case "identity" -> Basis.IDENTITY;
      case "dct" -> Basis.DCT;
      default -> throw common.bad("--basis (" + basis + ") must be identity or dct");
    };
    if (block < 1 || block > 4096) throw common.bad("--block (" + block + ") must be in 1..4096");
    if (!(rho > 0 && rho <= 1)) throw common.bad("--rho (" + rho + ") must be in (0, 1]");
    if (bits != 32 && bits != 8) throw common.bad("--bits (" + bits + ") must be 32 or 8");
    if (!(lambda > 0 && lambda <= 1)) throw common.bad("--lambda (" + lambda + ") must be in (0, 1]");
    common.atLeast("--iterations", iterations, 1);
    common.nonNegative("--tolerance", tolerance);
    if (phaseN != 0) common.atLeast("--phase-n", phaseN, 2);
    common.atLeast("--phase-grid", phaseGrid, 1);
    common.atLeast("--phase-trials", phaseTrials, 1);
    if (archive != null && Files.isDirectory(archive)) throw new BadInputException("--archive (" + archive + ") is a directory");
    if (!Files.exists(file)) throw new java.nio.file.NoSuchFileException(file.toString());

    LoadedModel l = Models.load(file);
    if (!(l.model() instanceof ImageClassifier)) {
      throw new BadInputException(file + ": model (" + l.spec() + ") is not an image classifier; sensing takes mlp or lenet5 checkpoints");
    }
    Path dd = dataDir;
    if (dd == null && l.meta().containsKey("data-dir")) dd = Path.of(l.meta().get("data-dir"));
    Dataset test = Inputs.images(null, dd, stderr)[1];
    PhaseTransition.Config phase = phaseN == 0 ? null
        : PhaseTransition.Config.grid(phaseN, phaseGrid, phaseTrials, operator, recovery, lambda, iterations, tolerance, common.seed);
    SensingExperiment.Config cfg = new SensingExperiment.Config(ratios, operator, b, recovery, block, rho, bits, lambda, iterations, tolerance,
        common.seed, phase);
    Path dir = Common.runFolder(out, "sensing");
    Thread chartsReady = Charts.warmUp();
    SensingExperiment.Result r = SensingExperiment.run(l.model(), test, cfg, stderr::println);

    stdout.printf(Locale.ROOT, "%s (%s): %,d weights in %d tensors (%,d B as float32), test accuracy %.4f; %s measurements, %s basis, %s, "
            + "blocks of %d, k = %.2f m, %d-bit measurements%n", file, l.spec(), r.weights(), r.layers().size() / ratios.length, r.denseBytes(),
        r.accuracyDense(), operator, b.label(), recovery, block, rho, bits);
    Table t = new Table("ratio", "bytes", "x smaller", "kept CS", "acc target", "acc CS", "kept prune", "acc prune", "rel error", "vs trained");
    Table csv = new Table("ratio", "measurements", "bytes", "kept_cs", "accuracy_target", "accuracy_cs", "kept_prune", "accuracy_prune", "error",
        "error_vs_trained", "seconds");
    for (SensingExperiment.Row row : r.rows()) {
      t.add(f(row.ratio(), 3), row.bytes(), f((double) r.denseBytes() / row.bytes(), 1), row.kept(), f(row.accuracyTarget(), 4), f(row.accuracySensed(), 4),
          row.keptMagnitude(), f(row.accuracyMagnitude(), 4), String.format(Locale.ROOT, "%.2e", row.error()), f(row.errorDense(), 3));
      csv.add(row.ratio(), row.measurements(), row.bytes(), row.kept(), row.accuracyTarget(), row.accuracySensed(), row.keptMagnitude(),
          row.accuracyMagnitude(), row.error(), row.errorDense(), row.seconds());
    }
    stdout.print(t.pretty());
    Table lt = new Table("ratio", "tensor", "shape", "basis", "block", "m/block", "k/block", "measurements", "bytes", "kept CS", "kept prune", "rel error");
    for (SensingExperiment.LayerRow lr : r.layers()) {
      lt.add(f(lr.ratio(), 3), lr.name(), java.util.Arrays.toString(lr.shape()).replace(" ", ""), lr.basis(), lr.block(), lr.rows(), lr.sparsity(),
          lr.measurements(), lr.bytes(), lr.kept(), lr.keptMagnitude(), String.format(Locale.ROOT, "%.2e", lr.error()));
    }
    stdout.println();
    stdout.print(lt.pretty());
    AtomicFiles.writeString(dir.resolve("sensing.csv"), csv.csv());
    AtomicFiles.writeString(dir.resolve("sensing-layers.csv"), lt.csv());
    if (r.phase() != null) phaseReport(r.phase(), dir);
    Charts.join(chartsReady);
    charts(r, dir);
    if (archive != null) writeArchive(l, r.rows().getFirst(), dd, test);
    stdout.printf(Locale.ROOT, "wrote %s (sensing.csv, sensing-layers.csv, sensing-accuracy.png%s) | %.1f s%n", dir,
        r.phase() != null ? ", phase.csv, phase-transition.png" : "", r.seconds());
    return 0;
  }

  private void phaseReport(PhaseTransition.Result p, Path dir) throws IOException {
    PhaseTransition.Config c = p.config();
    Table csv = new Table("delta", "rho", "success", "median_error", "donoho_tanner_rho");
    for (int i = 0; i < c.rhos().length; i++) {
      for (int j = 0; j < c.deltas().length; j++) csv.add(c.deltas()[j], c.rhos()[i], p.success()[i][j], p.error()[i][j], p.theory()[j]);
    }
    AtomicFiles.writeString(dir.resolve("phase.csv"), csv.csv());
    // per delta: the largest rho at which at least half the trials succeeded, beside the curve
    Table t = new Table("delta = m/n", "rho (>= 50% success)", "Donoho-Tanner rho");
    for (int j = 0; j < c.deltas().length; j++) {
      double best = 0;
      for (int i = 0; i < c.rhos().length; i++) if (p.success()[i][j] >= 0.5) best = c.rhos()[i];
      t.add(f(c.deltas()[j], 2), f(best, 2), f(p.theory()[j], 3));
    }
    stdout.printf(Locale.ROOT, "%nphase transition of %s/%s on synthetic k-sparse vectors, n %d, %d trials per cell, success = relative error <= %.0e (%.1f s):%n",
        c.operator(), c.recovery(), c.n(), c.trials(), c.successTolerance(), p.seconds());
    stdout.print(t.pretty());
  }

  private void charts(SensingExperiment.Result r, Path dir) throws IOException {
    List<double[]> cs = new ArrayList<>(), target = new ArrayList<>(), prune = new ArrayList<>();
    for (SensingExperiment.Row row : r.rows()) {
      cs.add(new double[] {row.ratio(), row.accuracySensed()});
      target.add(new double[] {row.ratio(), row.accuracyTarget()});
      prune.add(new double[] {row.ratio(), row.accuracyMagnitude()});
    }
    java.util.Comparator<double[]> byX = java.util.Comparator.comparingDouble(p -> p[0]);
    cs.sort(byX);
    target.sort(byX);
    prune.sort(byX);
    double lo = cs.getFirst()[0], hi = cs.getLast()[0];
    Charts.write(dir.resolve("sensing-accuracy.png"), "compressed sensing of the weights: " + operator + ", " + basis + ", " + recovery,
        "measurement ratio m/n (storage = ratio x float32 at " + bits + "-bit measurements)", "test accuracy", List.of(
            new Charts.Series("recovered from the measurements", cs, true),
            new Charts.Series("sparse target (exact recovery)", target, true),
            new Charts.Series("magnitude pruning, same bytes", prune, true),
            new Charts.Series("trained", List.of(new double[] {lo, r.accuracyDense()}, new double[] {hi, r.accuracyDense()}), false)));
    if (r.phase() == null) return;
    PhaseTransition.Result p = r.phase();
    List<double[]> curve = new ArrayList<>();
    for (int j = 0; j < p.config().deltas().length; j++) curve.add(new double[] {p.config().deltas()[j], p.theory()[j]});
    List<double[]> ours = new ArrayList<>();
    for (SensingExperiment.Row row : r.rows()) ours.add(new double[] {row.ratio(), rho});
    ours.sort(byX);
    HeatMap.write(dir.resolve("phase-transition.png"), "recovery success, " + operator + "/" + recovery + ", n " + p.config().n() + " (contour: 50%)",
        "delta = m/n", "rho = k/m", p.config().deltas(), p.config().rhos(), p.success(), 1,
        List.of(new HeatMap.Line("Donoho-Tanner l1 curve", curve), new HeatMap.Line("this run's (m/n, k/m)", ours)), null);
  }

  /** The first ratio as an archive; the decoded archive must score what the experiment printed. */
  private void writeArchive(LoadedModel l, SensingExperiment.Row row, Path dd, Dataset test) throws IOException {
    Map<String, String> meta = new LinkedHashMap<>();
    for (String k : List.of("data", "data-dir")) if (l.meta().containsKey(k)) meta.put(k, l.meta().get(k));
    if (dd != null) meta.put("data-dir", dd.toString());
    meta.put("source", file.toString());
    meta.put("sensing", String.format(Locale.ROOT, "ratio=%s operator=%s basis=%s recovery=%s block=%d rho=%s bits=%d", row.ratio(), operator, basis,
        recovery, block, rho, bits));
    FfzModel m = SensingExperiment.archive(l.model(), l.spec(), meta, row.sensed());
    FfzArchive.Encoded enc = FfzArchive.encode(m, FfzArchive.Options.defaults());
    FfzModel back = FfzArchive.decode(enc.bytes().clone(), archive.toString()).model();
    Module fresh = Models.create(back.spec(), 0);
    DeepCompression.load(back, fresh, archive.toString());
    double acc = ClassificationTask.evaluate(fresh, test, 1000).get("accuracy");
    if (acc != row.accuracySensed()) throw new IllegalStateException("decoded archive scores " + acc + ", the experiment " + row.accuracySensed());
    AtomicFiles.writeBytes(archive, enc.bytes());
    stdout.print(enc.report().format().lines().filter(s -> !s.startsWith("stream") && !s.startsWith("total") && !s.startsWith("coded"))
        .map(s -> s + "\n").reduce("", String::concat));
    stdout.printf(Locale.ROOT, "%s: %,d B (ratio %.3f; dense float32 %,d B, %.1fx), decoded archive accuracy %.4f (fivefold eval %s recovers it)%n", archive,
        enc.bytes().length, row.ratio(), enc.report().denseBytes(), (double) enc.report().denseBytes() / enc.bytes().length, acc, archive);
  }

  private static String f(double v, int digits) {
    return String.format(Locale.ROOT, "%." + digits + "f", v);
  }
}
