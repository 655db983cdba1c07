package dev.fivefold.cli;

import dev.fivefold.data.Dataset;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.perception.fusion.FusionExperiment;
import dev.fivefold.perception.fusion.FusionExperiment.Kind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fivefold fusion}: early against late fusion on yes/no questions about images, and the perceptual score ({@link FusionExperiment}). */
@Command(name = "fusion", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train models that answer yes/no questions about Fashion-MNIST images (\"is it something to wear on the feet?\"): early fusion "
        + "(image patches and question characters in one Transformer) and late fusion (separate encoders, combined embeddings), on a balanced "
        + "split and on a biased one where the answer follows from the question alone. Prints accuracy per epoch, then the perceptual score "
        + "(Gat et al. 2021) of each modality: the accuracy lost when it is permuted across the test set, divided by the accuracy.",
        "Writes fusion.csv and attention-<split>.png (early fusion's cross-modal attention) to --out.", "",
        "Examples:",
        "  ./fivefold fusion",
        "  ./fivefold fusion --models early --splits biased --epochs 1 --train-samples 4096 --test-samples 1000", ""})
final class FusionCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Option(names = "--models", split = ",", defaultValue = "early,late", description = "early, late or both (default: ${DEFAULT-VALUE}).")
  List<String> models;

  @Option(names = "--splits", split = ",", defaultValue = "balanced,biased", description = "balanced, biased or both (default: ${DEFAULT-VALUE}).")
  List<String> splits;

  @Option(names = "--epochs", defaultValue = "3", description = "Epochs per model (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--width", defaultValue = "64", description = "Model width C (default: ${DEFAULT-VALUE}).")
  int width;

  @Option(names = "--layers", defaultValue = "2", description = "Transformer blocks (default: ${DEFAULT-VALUE}).")
  int layers;

  @Option(names = "--train-samples", defaultValue = "60000", description = "First N training images (default: ${DEFAULT-VALUE}).")
  int trainSamples;

  @Option(names = "--test-samples", defaultValue = "10000", description = "First N test images (default: ${DEFAULT-VALUE}).")
  int testSamples;

  @Option(names = "--permutations", defaultValue = "5", description = "Permutations per modality for the perceptual score (default: ${DEFAULT-VALUE}).")
  int permutations;

  @Option(names = "--pictured", defaultValue = "6", description = "Test images in the attention picture (default: ${DEFAULT-VALUE}).")
  int pictured;

  @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the four Fashion-MNIST IDX files (.gz).")
  Path dataDir;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/fusion-<time>).")
  Path out;

  @Override
  public Integer call() throws IOException {
    common.apply();
    List<Kind> kinds = new ArrayList<>();
    for (String m : models) {
      switch (m) {
        case "early" -> kinds.add(Kind.EARLY);
        case "late" -> kinds.add(Kind.LATE);
        default -> throw common.bad("--models (" + m + ") must be early or late");
      }
    }
    List<Boolean> biased = new ArrayList<>();
    for (String s : splits) {
      switch (s) {
        case "balanced" -> biased.add(false);
        case "biased" -> biased.add(true);
        default -> throw common.bad("--splits (" + s + ") must be balanced or biased");
      }
    }
    List<FusionExperiment.Config> configs = new ArrayList<>();
    for (boolean b : biased) for (Kind k : kinds) configs.add(new FusionExperiment.Config(k, b, width, layers, epochs, batch, trainSamples, testSamples, permutations, pictured, lr, common.seed));
    Dataset[] d = Inputs.images(null, dataDir, stderr);
    Path dir = Common.runFolder(out, "fusion");
    List<FusionExperiment.Result> results = new ArrayList<>();
    for (var c : configs) {
      String name = c.kind() + "/" + split(c.biased());
      stdout.printf("%-14s %5s %10s %9s %11s %9s%n", "model/split", "epoch", "train loss", "accuracy", "unbiased acc", "samples/s");
      var r = FusionExperiment.run(c, d[0], d[1], e -> stdout.printf(Locale.ROOT, "%-14s %5d %10.4f %9.4f %11.4f %9.0f%n", name, e.epoch(), e.trainLoss(), e.accuracy(),
          e.unbiasedAccuracy(), e.samplesPerSecond()));
      results.add(r);
      if (!r.examples().isEmpty() && !r.examples().getFirst().attention().isEmpty()) attention(dir.resolve("attention-" + split(c.biased()) + ".png"), r);
    }
    stdout.println();
    stdout.printf("%-14s %9s %12s %10s %10s %12s %12s %9s %11s%n", "model/split", "accuracy", "unbiased acc", "acc(img p)", "acc(q p)", "P_visual", "P_textual", "samples/s",
        "tape growth");
    StringBuilder csv = new StringBuilder("model,split,accuracy,unbiased_accuracy,accuracy_images_permuted,accuracy_questions_permuted,perceptual_visual,perceptual_textual,"
        + "samples_per_s,parameters,tape_growth_bytes\n");
    for (var r : results) {
      var s = r.score();
      double sps = r.epochs().getLast().samplesPerSecond();
      String name = r.config().kind() + "/" + split(r.config().biased());
      stdout.printf(Locale.ROOT, "%-14s %9.4f %12.4f %10.4f %10.4f %12.3f %12.3f %9.0f %11d%n", name, s.accuracy(), r.unbiasedAccuracy(), s.imagesPermuted(),
          s.questionsPermuted(), s.visual(), s.textual(), sps, r.tapeGrowthBytes());
      csv.append(String.format(Locale.ROOT, "%s,%s,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.1f,%d,%d%n", r.config().kind(), split(r.config().biased()), s.accuracy(),
          r.unbiasedAccuracy(), s.imagesPermuted(), s.questionsPermuted(), s.visual(), s.textual(), sps, r.parameters(), r.tapeGrowthBytes()));
    }
    AtomicFiles.writeString(dir.resolve("fusion.csv"), csv.toString());
    stdout.println("perceptual score P_m = (accuracy - mean accuracy with modality m permuted over " + permutations + " permutations) / accuracy");
    stdout.println("wrote " + dir.resolve("fusion.csv") + (kinds.contains(Kind.EARLY) && pictured > 0 ? ", attention-<split>.png" : ""));
    return 0;
  }

  private static String split(boolean biased) {
    return biased ? "biased" : "balanced";
  }

  /** One row per pictured image: the image, then the class token's attention to the patches in each layer over it. */
  private void attention(Path file, FusionExperiment.Result r) throws IOException {
    var ex = r.examples();
    int layers = ex.getFirst().attention().size();
    List<String> cols = new ArrayList<>(List.of("image"));
    for (int l = 0; l < layers; l++) cols.add("layer " + (l + 1));
    List<String> rows = new ArrayList<>();
    ImageGrid.Cell[][] cells = new ImageGrid.Cell[ex.size()][layers + 1];
    for (int i = 0; i < ex.size(); i++) {
      var e = ex.get(i);
      cells[i][0] = ImageGrid.Cell.image(e.image());
      for (int l = 0; l < layers; l++) cells[i][l + 1] = ImageGrid.Cell.overlay(e.image(), e.attention().get(l).normalised());
      rows.add((e.answer() ? "yes" : "no") + (e.answer() == e.predicted() ? "" : " (wrong)"));
      stdout.printf("attention row %d: \"%s\" answer %s, model %s%n", i + 1, e.question(), e.answer() ? "yes" : "no", e.predicted() ? "yes" : "no");
    }
    ImageGrid.write(file, "early fusion (" + split(r.config().biased()) + "): class token -> image patches", rows, cols, cells, 112);
  }
}
