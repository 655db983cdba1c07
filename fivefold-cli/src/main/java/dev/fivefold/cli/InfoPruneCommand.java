package dev.fivefold.cli;

import dev.fivefold.data.Dataset;
import dev.fivefold.info.InfoPruneExperiment;
import dev.fivefold.info.NeuronScores.Criterion;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.io.BadInputException;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Mlp;
import dev.fivefold.perception.Models;
import dev.fivefold.train.Checkpoint;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fivefold infoprune}: structured pruning of LeNet-300-100's hidden units by MI, entropy, magnitude or at random. */
@Command(name = "infoprune", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Score the hidden units of LeNet-300-100 (trained here for --epochs, or read from --model-file) by "
        + "I(T_i;Y) of the binned activation and the label, by the activation's entropy H(T_i), by the L1 norm of the "
        + "incoming weights, and at random; remove the lowest-scored fraction of each hidden layer (no retraining) and "
        + "measure test accuracy at each --fractions value.",
        "Writes infoprune.csv (fraction, accuracy per criterion), infoprune.png, scores.csv (per unit) and, "
            + "when it trains, model.safetensors to --out.", "",
        "Examples:",
        "  ./fivefold infoprune",
        "  ./fivefold infoprune --model-file runs/infoprune/model.safetensors --bins 10 --samples 10000", ""})
final class InfoPruneCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Option(names = "--epochs", defaultValue = "3", description = "Training epochs when no --model-file is given (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--model-file", paramLabel = "FILE", description = "A checkpoint or weights file of an MLP (e.g. from train --model mlp) instead of training.")
  Path modelFile;

  @Option(names = "--fractions", split = ",", defaultValue = "0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9",
      description = "Fractions of each hidden layer's units removed, each in [0, 1) (default: ${DEFAULT-VALUE}).")
  List<Double> fractions;

  @Option(names = "--bins", defaultValue = "30", description = "Equal-width bins over each unit's observed range (default: ${DEFAULT-VALUE}).")
  int bins;

  @Option(names = "--samples", defaultValue = "5000", description = "Training images (a random subset) whose activations are scored (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--batch", defaultValue = "128", description = "Training batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the four Fashion-MNIST IDX files (.gz).")
  Path dataDir;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/infoprune).")
  Path out;

  @Override
  public Integer call() throws IOException {
    common.apply();
    common.atLeast("--epochs", epochs, 1);
    common.atLeast("--bins", bins, 2);
    common.atLeast("--samples", samples, 1);
    common.atLeast("--batch", batch, 1);
    common.positive("--lr", lr);
    if (fractions.isEmpty()) throw common.bad("--fractions must list at least one value");
    for (double f : fractions) if (!(f >= 0 && f < 1)) throw common.bad("--fractions (" + f + ") must be in [0, 1)");
    Path dir = out != null ? out : Path.of("runs", "infoprune");
    Thread chartsReady = Charts.warmUp();
    Dataset[] d = Inputs.images(null, dataDir, stderr);
    Dataset train = d[0], test = d[1];

    Mlp m;
    if (modelFile != null) {
      m = Models.load(modelFile).as(Mlp.class, "mlp");
      if (m.sizes()[0] != train.features()) {
        throw new BadInputException(modelFile + ": model input (" + m.sizes()[0] + ") does not match the images (" + train.features() + ")");
      }
      if (m.sizes().length < 3) throw new BadInputException(modelFile + ": model (" + Models.specOf(m) + ") has no hidden layer");
      stderr.printf("loaded %s (%s)%n", modelFile, Arrays.toString(m.sizes()));
    } else {
      m = Mlp.lenet300100(common.seed);
      long t0 = System.nanoTime();
      new Trainer(new ClassificationTask(m, train, test, batch, common.seed), Optimizers.adam(m.parameters(), lr),
          new TrainConfig(epochs, 0, 0, Long.MAX_VALUE)).fit();
      stderr.printf("trained LeNet-300-100 for %d epochs in %.1f s%n", epochs, (System.nanoTime() - t0) / 1e9);
      Checkpoint.saveWeights(dir.resolve("model.safetensors"), m, Map.of("model", "mlp"));
    }
    InfoPruneExperiment.Result r = InfoPruneExperiment.run(new InfoPruneExperiment.Config(fractions, bins, samples, common.seed), m, train, test);
    Map<Criterion, List<double[]>> scores = r.scores();
    int n = r.scored();
    List<String> header = new ArrayList<>(List.of("fraction", "units kept"));
    for (Criterion c : Criterion.values()) header.add(c.label());
    Table table = new Table(header.toArray(String[]::new));
    Map<Criterion, List<double[]>> curves = new EnumMap<>(Criterion.class);
    for (Criterion c : Criterion.values()) curves.put(c, new ArrayList<>());
    for (InfoPruneExperiment.Row row : r.rows()) {
      List<Object> cells = new ArrayList<>();
      cells.add(String.format("%.2f", row.fraction()));
      cells.add(String.join("-", Arrays.stream(row.unitsKept()).mapToObj(Integer::toString).toList()));
      for (Criterion c : Criterion.values()) {
        double acc = row.accuracy().get(c);
        cells.add(String.format("%.4f", acc));
        curves.get(c).add(new double[] {row.fraction(), acc});
      }
      table.add(cells.toArray());
    }
    AtomicFiles.writeString(dir.resolve("infoprune.csv"), table.csv());
    AtomicFiles.writeString(dir.resolve("scores.csv"), scoresCsv(scores));
    Charts.join(chartsReady);
    List<Charts.Series> series = new ArrayList<>();
    for (Criterion c : Criterion.values()) series.add(new Charts.Series(c.label(), curves.get(c), true));
    Charts.write(dir.resolve("infoprune.png"), "pruning hidden units of " + Arrays.toString(m.sizes()) + " without retraining",
        "fraction of each hidden layer's units removed", "test accuracy", series);
    stdout.printf("test accuracy after removing the lowest-scored units (scores from %d training images, %d bins)%n", n, bins);
    stdout.print(table.pretty());
    stdout.println("wrote " + dir.resolve("infoprune.csv") + ", infoprune.png, scores.csv");
    return 0;
  }

  private static String scoresCsv(Map<Criterion, List<double[]>> scores) {
    Table t = new Table("layer", "unit", "mi_bits", "entropy_bits", "l1_norm", "random");
    List<double[]> mi = scores.get(Criterion.MI);
    for (int l = 0; l < mi.size(); l++) {
      for (int u = 0; u < mi.get(l).length; u++) {
        t.add(l + 1, u, String.format("%.5f", mi.get(l)[u]), String.format("%.5f", scores.get(Criterion.ENTROPY).get(l)[u]),
            String.format("%.5f", scores.get(Criterion.MAGNITUDE).get(l)[u]), String.format("%.5f", scores.get(Criterion.RANDOM).get(l)[u]));
      }
    }
    return t.csv();
  }
}
