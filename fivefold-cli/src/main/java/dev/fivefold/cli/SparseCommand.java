package dev.fivefold.cli;

import dev.fivefold.compress.SparseInferenceExperiment;
import dev.fivefold.data.Dataset;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.io.BadInputException;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.ImageClassifier;
import dev.fivefold.perception.LoadedModel;
import dev.fivefold.perception.Models;
import dev.fivefold.train.Checkpoint;
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
 * {@code fivefold sparse}: what pruning buys at inference ({@link SparseInferenceExperiment}; this
 * command parses flags, prints the table and draws the charts). Unstructured magnitude pruning run by the
 * CSR kernel (no densifying), and structured L1 pruning of whole neurons (a smaller dense model),
 * each against the dense model: accuracy, weights stored, and measured time per batch. A LeNet-5
 * runs the same way; its structured pruning drops whole conv filters and
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
    var config = new SparseInferenceExperiment.Config(sparsities, scope.equals("global") ? SparseInferenceExperiment.Scope.GLOBAL
        : SparseInferenceExperiment.Scope.LAYER, keep, retrain, batches, repeatSeconds, lr, common.seed);
    Path dir = out != null ? out : Path.of("runs", "sparse");
    Thread chartsReady = Charts.warmUp();
    LoadedModel file = modelFile != null ? Models.load(modelFile) : null; // read before the data: a bad file fails fast
    Dataset[] d = Inputs.images(null, dataDir, stderr);
    Dataset train = d[0], test = d[1];
    Module base;
    if (file != null) {
      ImageClassifier c = file.imageClassifier();
      if (c.features() != train.features()) {
        throw new BadInputException(modelFile + ": model input (" + c.features() + ") does not match the images (" + train.features() + ")");
      }
      base = file.model();
      stderr.printf("loaded %s (%s)%n", modelFile, file.spec());
    } else {
      base = Models.create(model, common.seed);
      String name = model.equals("lenet5") ? "LeNet-5" : "LeNet-300-100";
      stderr.printf("training %s for %d epochs%n", name, epochs);
      SparseInferenceExperiment.train(name, base, train, test, epochs, null, lr, common.seed, stderr::println);
      Checkpoint.saveWeights(dir.resolve("model.safetensors"), base, Map.of("model", model));
    }
    SparseInferenceExperiment.Result r = SparseInferenceExperiment.run(config, base, train, test, stderr::println);
    Table table = table(r.rows());
    AtomicFiles.writeString(dir.resolve("sparse.csv"), table.csv());
    Charts.join(chartsReady);
    charts(dir, r.rows());
    stdout.printf("%s, test accuracy and inference time per batch (%d thread%s, retrain %d epoch%s)%n",
        r.title(), common.threads(), common.threads() == 1 ? "" : "s", retrain, retrain == 1 ? "" : "s");
    stdout.print(table.pretty());
    stdout.println("wrote " + dir.resolve("sparse.csv") + ", speedup.png, accuracy.png");
    return 0;
  }

  private Table table(List<SparseInferenceExperiment.Row> rows) {
    List<String> header = new ArrayList<>(List.of("kind", "setting", "weights", "mult_adds", "removed", "accuracy"));
    for (int b : batches) {
      header.add("us_b" + b);
      header.add("speedup_b" + b);
    }
    Table t = new Table(header.toArray(String[]::new));
    double[] ref = rows.getFirst().micros();
    for (SparseInferenceExperiment.Row r : rows) {
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

  private void charts(Path dir, List<SparseInferenceExperiment.Row> rows) throws IOException {
    int last = batches.size() - 1;
    double ref = rows.getFirst().micros()[last];
    List<double[]> unSpeed = new ArrayList<>(), stSpeed = new ArrayList<>(), unAcc = new ArrayList<>(), stAcc = new ArrayList<>();
    for (SparseInferenceExperiment.Row r : rows) {
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
}
