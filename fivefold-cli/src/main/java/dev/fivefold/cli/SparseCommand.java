package dev.fivefold.cli;

import dev.fivefold.compress.Inference;
import dev.fivefold.compress.LeNet5Inference;
import dev.fivefold.compress.Masks;
import dev.fivefold.compress.MlpInference;
import dev.fivefold.compress.Pruner;
import dev.fivefold.compress.StructuredPruning;
import dev.fivefold.control.Schedules;
import dev.fivefold.data.Dataset;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.nn.Module;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.LeNet5;
import dev.fivefold.perception.Mlp;
import dev.fivefold.train.Checkpoint;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.TrainObserver;
import dev.fivefold.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fivefold sparse}: what pruning buys at inference. Unstructured magnitude pruning run by the
 * CSR kernel (no densifying), and structured L1 pruning of whole neurons (a smaller dense model),
 * each against the dense model: accuracy, weights stored, and measured time per batch. A LeNet-5
 * runs the same way ({@link LeNet5Inference}); its structured pruning drops whole conv filters and
 * fc1 neurons (a smaller {@code lenet5:C1-C2-H}).
 */
@Command(name = "sparse", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Inference speed of pruned LeNet-300-100 (or LeNet-5) models against the dense one. Unstructured: magnitude "
        + "pruning (global by default) to each --sparsities value, --retrain epochs of masked retraining, then the "
        + "model runs on the CSR kernel without being densified (a LeNet-5's convolutions straight from their non-zeros). Structured: the hidden neurons with the largest L1 "
        + "norm are kept (each --keep fraction), giving a smaller dense model, fine-tuned --retrain epochs; for a LeNet-5 "
        + "the same fraction of conv1's filters, conv2's filters and fc1's neurons (Li et al. 2017), giving a smaller lenet5:C1-C2-H.",
        "Times are medians of 5 repetitions (each ≥ --repeat-seconds) after a warm-up (≥ 300 calls and 10 repetitions' time), per batch of each --batches size, on "
            + "--threads threads; the speed-up is the dense model's time over the pruned one's.",
        "Writes sparse.csv, speedup.png and accuracy.png (and model.safetensors when it trains) to --out.", "",
        "Examples:",
        "  ./fivefold sparse",
        "  ./fivefold sparse --model-file runs/mlp-15/checkpoint.safetensors --sparsities 0.9,0.95,0.98 --batches 1,256",
        "  ./fivefold sparse --model-file runs/lenet5-15/checkpoint.safetensors --keep 0.75,0.5,0.25", ""})
final class SparseCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Option(names = "--model-file", paramLabel = "FILE", description = "A checkpoint of a ReLU MLP or a LeNet-5 (from train --model mlp|lenet5) instead of training one.")
  Path modelFile;

  @Option(names = "--model", defaultValue = "mlp", description = "Model trained when no --model-file is given: mlp (LeNet-300-100) or lenet5 (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--epochs", defaultValue = "3", description = "Training epochs of that model when no --model-file is given (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--sparsities", split = ",", defaultValue = "0.5,0.8,0.9,0.95,0.98",
      description = "Unstructured sparsities, each in (0, 1) (default: ${DEFAULT-VALUE}).")
  List<Double> sparsities;

  @Option(names = "--scope", defaultValue = "global", description = "Magnitude threshold: global (one over all layers) or layer (default: ${DEFAULT-VALUE}).")
  String scope;

  @Option(names = "--keep", split = ",", defaultValue = "0.75,0.5,0.25,0.1",
      description = "Structured: fractions of each hidden layer's neurons kept, each in (0, 1) (default: ${DEFAULT-VALUE}).")
  List<Double> keep;

  @Option(names = "--retrain", defaultValue = "1", description = "Epochs of retraining after pruning, 0 for none (default: ${DEFAULT-VALUE}).")
  int retrain;

  @Option(names = "--batches", split = ",", defaultValue = "1,64", description = "Inference batch sizes timed (default: ${DEFAULT-VALUE}).")
  List<Integer> batches;

  @Option(names = "--repeat-seconds", defaultValue = "0.1", description = "Length of each of the 5 timed repetitions (default: ${DEFAULT-VALUE}).")
  double repeatSeconds;

  @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate for training and retraining (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the four Fashion-MNIST IDX files (.gz).")
  Path dataDir;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/sparse).")
  Path out;

  /**
   * One pruned (or the dense) model measured: {@code weights} stored (non-zero for CSR; biases not
   * counted), {@code multAdds} per image (equal to the weights for an MLP; a conv filter is applied at
   * every output position), the fraction of the dense model's weights removed.
   */
  record Row(String kind, String setting, double removed, long weights, long multAdds, double accuracy, double[] micros) {}

  @Override
  public Integer call() throws IOException {
    common.apply();
    common.atLeast("--epochs", epochs, 1);
    common.atLeast("--retrain", retrain, 0);
    common.positive("--lr", lr);
    common.positive("--repeat-seconds", repeatSeconds);
    for (double s : sparsities) if (!(s > 0 && s < 1)) throw common.bad("--sparsities (" + s + ") must be in (0, 1)");
    for (double k : keep) if (!(k > 0 && k < 1)) throw common.bad("--keep (" + k + ") must be in (0, 1)");
    for (int b : batches) common.atLeast("--batches", b, 1);
    if (!scope.equals("global") && !scope.equals("layer")) throw common.bad("--scope (" + scope + ") must be global or layer");
    if (!model.equals("mlp") && !model.equals("lenet5")) throw common.bad("--model (" + model + ") must be mlp or lenet5");
    Path dir = out != null ? out : Path.of("runs", "sparse");
    Thread chartsReady = Charts.warmUp();
    Loaded file = modelFile != null ? Loaded.read(modelFile, null) : null; // read before the data: a bad file fails fast
    Dataset[] d = Inputs.images(null, dataDir, stderr);
    Dataset train = d[0], test = d[1];
    if (file != null && file.model() instanceof LeNet5 cnn) {
      stderr.printf("loaded %s (lenet5 %s)%n", modelFile, Arrays.toString(cnn.widths()));
      return measureAll(cnn, LENET5, train, test, dir, chartsReady);
    }
    if (file != null) {
      Mlp base = Loaded.mlp(file, train.features());
      stderr.printf("loaded %s (%s)%n", modelFile, Arrays.toString(base.sizes()));
      return measureAll(base, MLP, train, test, dir, chartsReady);
    }
    if (model.equals("lenet5")) {
      LeNet5 cnn = new LeNet5(common.seed);
      stderr.printf("training LeNet-5 for %d epochs%n", epochs);
      train("LeNet-5", cnn, train, test, epochs, null);
      Checkpoint.saveWeights(dir.resolve("model.safetensors"), cnn, Map.of("model", "lenet5"));
      return measureAll(cnn, LENET5, train, test, dir, chartsReady);
    }
    Mlp base = Mlp.lenet300100(common.seed);
    stderr.printf("training LeNet-300-100 for %d epochs%n", epochs);
    train("LeNet-300-100", base, train, test, epochs, null);
    Checkpoint.saveWeights(dir.resolve("model.safetensors"), base, Map.of("model", "mlp"));
    return measureAll(base, MLP, train, test, dir, chartsReady);
  }

  /**
   * How one kind of model is copied, pruned by whole units, run tape-free and named: {@code dense}
   * names the dense row's setting, {@code name} a structured model's, {@code title} the table's.
   */
  private record Family<M extends Module>(UnaryOperator<M> copy, BiFunction<M, Double, M> structured,
      BiFunction<M, Inference.Kind, Inference> inference, Function<M, String> dense, Function<M, String> name, Function<M, String> title) {}

  private static final Family<Mlp> MLP = new Family<>(SparseCommand::copy, StructuredPruning::pruneByL1, MlpInference::of,
      m -> "-", m -> String.join("-", Arrays.stream(m.sizes()).mapToObj(Integer::toString).toList()),
      m -> "LeNet-300-100 " + Arrays.toString(m.sizes()));

  private static final Family<LeNet5> LENET5 = new Family<>(SparseCommand::copy, StructuredPruning::pruneByL1, LeNet5Inference::of,
      m -> "lenet5:" + widths(m), m -> "lenet5:" + widths(m), m -> "LeNet-5 " + Arrays.toString(m.widths()));

  /**
   * The dense model; per --sparsities value, magnitude pruning with masked retraining run on the CSR
   * kernels (a LeNet-5's convolutions straight from their non-zeros, SparseConv2d); per --keep
   * fraction, the smaller model that keeps that fraction of each layer's units by L1 norm (a
   * LeNet-5's conv filters and fc1 neurons), fine-tuned. All tape-free ({@link Inference}), so every
   * row of one table runs the same kernels.
   */
  private <M extends Module> Integer measureAll(M base, Family<M> f, Dataset train, Dataset test, Path dir, Thread chartsReady)
      throws IOException {
    base.eval();
    float[] probe = probe(test, batches);
    List<Row> rows = new ArrayList<>();
    long denseWeights = weights(base);
    rows.add(measure("dense", f.dense().apply(base), 0, denseWeights, f.inference().apply(base, Inference.Kind.DENSE), test, probe));
    for (double s : sparsities) {
      M m = f.copy().apply(base);
      var w = Pruner.weights(m);
      Masks masks = scope.equals("global") ? Pruner.global(w, s) : Pruner.perLayerSparsity(w, s);
      if (retrain > 0) train(String.format(Locale.ROOT, "retraining at %.0f%% sparsity", 100 * s), m, train, test, retrain, masks);
      m.eval();
      long kept = nonZeroWeights(m);
      rows.add(measure("unstructured (CSR)", String.format(Locale.ROOT, "%.0f%% %s", 100 * s, scope), 1 - (double) kept / denseWeights, kept,
          f.inference().apply(m, Inference.Kind.SPARSE), test, probe));
      stderr.printf(Locale.ROOT, "unstructured %.2f: accuracy %.4f%n", s, rows.getLast().accuracy());
    }
    for (double k : keep) {
      M small = f.structured().apply(base, k);
      if (retrain > 0) train(String.format(Locale.ROOT, "retraining keep %.2f (%s)", k, f.name().apply(small)), small, train, test, retrain, null);
      small.eval();
      rows.add(measure("structured (dense)", f.name().apply(small), 1 - (double) weights(small) / denseWeights, weights(small),
          f.inference().apply(small, Inference.Kind.DENSE), test, probe));
      stderr.printf(Locale.ROOT, "structured keep %.2f: accuracy %.4f%n", k, rows.getLast().accuracy());
    }
    return report(dir, rows, chartsReady, f.title().apply(base));
  }

  private Integer report(Path dir, List<Row> rows, Thread chartsReady, String title) throws IOException {
    Table table = table(rows);
    AtomicFiles.writeString(dir.resolve("sparse.csv"), table.csv());
    Charts.join(chartsReady);
    charts(dir, rows);
    stdout.printf("%s, test accuracy and inference time per batch (%d thread%s, retrain %d epoch%s)%n",
        title, common.threads(), common.threads() == 1 ? "" : "s", retrain, retrain == 1 ? "" : "s");
    stdout.print(table.pretty());
    stdout.println("wrote " + dir.resolve("sparse.csv") + ", speedup.png, accuracy.png");
    return 0;
  }

  private static String widths(LeNet5 m) {
    return String.join("-", Arrays.stream(m.widths()).mapToObj(Integer::toString).toList());
  }

  /** Weight entries of a model (its matrices and kernels; biases not counted). */
  private static long weights(Module m) {
    long n = 0;
    for (var p : Pruner.weights(m).values()) n += p.value().size();
    return n;
  }

  /** Non-zero weight entries (biases not counted): what the CSR rows store. */
  private static long nonZeroWeights(Module m) {
    long n = 0;
    for (var p : Pruner.weights(m).values()) for (float v : p.value().data()) if (v != 0f) n++;
    return n;
  }

  private static LeNet5 copy(LeNet5 m) {
    int[] w = m.widths();
    LeNet5 c = new LeNet5(w[0], w[1], w[2], 0);
    c.loadStateDict(m.stateDict(), "copy of the dense model");
    return c;
  }


  private Table table(List<Row> rows) {
    List<String> header = new ArrayList<>(List.of("kind", "setting", "weights", "mult_adds", "removed", "accuracy"));
    for (int b : batches) {
      header.add("us_b" + b);
      header.add("speedup_b" + b);
    }
    Table t = new Table(header.toArray(String[]::new));
    double[] ref = rows.getFirst().micros();
    for (Row r : rows) {
      List<Object> cells = new ArrayList<>(List.of(r.kind(), r.setting(), r.weights(), r.multAdds(), String.format(Locale.ROOT, "%.3f", r.removed()),
          String.format(Locale.ROOT, "%.4f", r.accuracy())));
      for (int i = 0; i < batches.size(); i++) {
        cells.add(String.format(Locale.ROOT, "%.1f", r.micros()[i]));
        cells.add(String.format(Locale.ROOT, "%.2f", ref[i] / r.micros()[i]));
      }
      t.add(cells.toArray());
    }
    return t;
  }

  private void charts(Path dir, List<Row> rows) throws IOException {
    int last = batches.size() - 1;
    double ref = rows.getFirst().micros()[last];
    List<double[]> unSpeed = new ArrayList<>(), stSpeed = new ArrayList<>(), unAcc = new ArrayList<>(), stAcc = new ArrayList<>();
    for (Row r : rows) {
      boolean structured = r.kind().startsWith("structured");
      if (r.removed() == 0 || !structured) {
        unSpeed.add(new double[] {r.removed(), ref / r.micros()[last]});
        unAcc.add(new double[] {r.removed(), r.accuracy()});
      }
      if (r.removed() == 0 || structured) {
        stSpeed.add(new double[] {r.removed(), ref / r.micros()[last]});
        stAcc.add(new double[] {r.removed(), r.accuracy()});
      }
    }
    String x = "fraction of weights removed";
    boolean unstructured = unSpeed.size() > 1, structured = stSpeed.size() > 1; // beyond the dense point
    List<Charts.Series> speed = new ArrayList<>(), acc = new ArrayList<>();
    if (unstructured || !structured) {
      speed.add(new Charts.Series("unstructured, CSR kernel", unSpeed, true));
      acc.add(new Charts.Series("unstructured", unAcc, true));
    }
    if (structured) {
      speed.add(new Charts.Series("structured, smaller dense", stSpeed, true));
      acc.add(new Charts.Series("structured", stAcc, true));
    }
    Charts.write(dir.resolve("speedup.png"), "inference speed-up over the dense model, batch " + batches.get(last), x, "speed-up (×)", speed);
    Charts.write(dir.resolve("accuracy.png"), "test accuracy after pruning and " + retrain + " epoch(s) of retraining", x, "test accuracy", acc);
  }

  /** Times {@code inf} on each --batches size and scores it; {@code weights} stored (non-zeros for CSR). */
  private Row measure(String kind, String setting, double removed, long weights, Inference inf, Dataset test, float[] probe) {
    double[] micros = new double[batches.size()];
    for (int i = 0; i < micros.length; i++) {
      int b = batches.get(i);
      micros[i] = microsPerCall(() -> inf.logits(probe, b), repeatSeconds);
    }
    return new Row(kind, setting, removed, weights, inf.multiplyAdds(), inf.accuracy(test, 1000), micros);
  }

  /**
   * Median of 5 repetitions, each at least {@code seconds} of calls, after a warm-up of at least
   * 300 calls and 10 × {@code seconds}: the Vector API kernels run many times slower until C2 has
   * compiled them, so a warm-up by time alone timed the interpreter on the first rows.
   */
  static double microsPerCall(Runnable call, double seconds) {
    long calls = 0, w0 = System.nanoTime();
    while (calls < 300 || System.nanoTime() - w0 < 10 * seconds * 1e9) {
      call.run();
      calls++;
    }
    long reps = 1;
    while (true) { // calibration: the repetition count that takes ≥ seconds
      long t0 = System.nanoTime();
      for (long i = 0; i < reps; i++) call.run();
      if (System.nanoTime() - t0 > seconds * 1e9) break;
      reps *= 2;
    }
    double[] t = new double[5];
    for (int k = 0; k < t.length; k++) {
      long t0 = System.nanoTime();
      for (long i = 0; i < reps; i++) call.run();
      t[k] = (System.nanoTime() - t0) / 1e3 / reps;
    }
    Arrays.sort(t);
    return t[2];
  }

  /** The first max(batches) test images (repeated if the test set is smaller), as one row-major array. */
  private static float[] probe(Dataset test, List<Integer> batches) {
    int n = batches.stream().mapToInt(Integer::intValue).max().orElse(1), f = test.features();
    float[] x = new float[n * f], src = test.x().data();
    for (int r = 0; r < n; r++) System.arraycopy(src, (r % test.size()) * f, x, r * f, f);
    return x;
  }

  private static Mlp copy(Mlp m) {
    Mlp c = new Mlp(m.sizes(), m.activation(), 0);
    c.loadStateDict(m.stateDict(), "copy of the dense model");
    return c;
  }

  /** Adam with a cosine decay over the run; masked (pruned weights held at 0) when {@code masks} is given. */
  private void train(String what, Module m, Dataset train, Dataset test, int epochs, Masks masks) {
    m.train();
    ClassificationTask task = new ClassificationTask(m, train, test, 128, common.seed);
    long steps = epochs * task.stepsPerEpoch();
    Trainer t = new Trainer(task, Optimizers.adam(m.parameters(), lr), new TrainConfig(epochs, steps, 0, Long.MAX_VALUE));
    t.controller(dev.fivefold.control.Controller.open(Schedules.cosine(lr, steps, 0)));
    long perEpoch = task.stepsPerEpoch();
    t.observe(new TrainObserver() { // progress: one line per epoch
      @Override
      public void onStep(Step s) {
        if (s.step() % perEpoch == 0) stderr.printf(Locale.ROOT, "%s: epoch %d/%d, last batch loss %.4f (%.0f s)%n", what, s.step() / perEpoch, epochs, s.loss(), s.seconds());
      }
    });
    if (masks != null) t.observe(masks.observer());
    t.fit();
    if (masks != null) masks.apply();
  }
}
