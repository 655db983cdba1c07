package dev.fivefold.cli;

import dev.fivefold.data.Dataset;
import dev.fivefold.data.FashionMnist;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.io.BadInputException;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.ImageClassifier;
import dev.fivefold.perception.LoadedModel;
import dev.fivefold.perception.Models;
import dev.fivefold.perception.Vit;
import dev.fivefold.perception.explain.AttentionMaps;
import dev.fivefold.perception.explain.DeletionCurve;
import dev.fivefold.perception.explain.ExplainExperiment;
import dev.fivefold.perception.explain.FeatureMaps;
import dev.fivefold.perception.explain.GradCam;
import dev.fivefold.perception.explain.Heatmap;
import dev.fivefold.perception.explain.MapOptions;
import dev.fivefold.perception.explain.Method;
import dev.fivefold.perception.explain.SanityCheck;
import dev.fivefold.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fivefold explain}: what a trained image classifier looks at, and whether the pictures mean something. */
@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Pictures of what a trained image classifier sees, for chosen Fashion-MNIST test images: saliency maps "
        + "(gradient, gradient x input, SmoothGrad), Grad-CAM (CNN), occlusion sensitivity, a ViT's attention per layer and head "
        + "and its attention rollout; first-layer filters and a CNN's feature maps. Then the evidence that the maps mean "
        + "something: the deletion curve of each method (remove the most salient pixels first; accuracy against the fraction "
        + "removed) against a random order, and the model-randomisation sanity check (Adebayo et al. 2018: Spearman rank "
        + "correlation of the trained model's maps with those of the model with re-initialised weights).", "",
        "Writes maps.png, filters.png, features-<layer>.png (CNN), attention.png (ViT), deletion.png/.csv, sanity.png/.csv to --out.", "",
        "Examples:",
        "  ./fivefold explain runs/lenet5-20250101-120000/checkpoint.safetensors",
        "  ./fivefold explain runs/vit-x/checkpoint.safetensors --images 0,1,2 --methods rollout,gradient",
        "  ./fivefold explain runs/lenet5-x --methods gradcam,occlusion --patch 6 --stride 3 --sanity all", ""})
final class ExplainCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Parameters(paramLabel = "CKPT", description = "A checkpoint.safetensors, a run folder holding one, or plain weights with --model.")
  Path file;

  @Option(names = "--model", paramLabel = "SPEC", description = "Model spec for plain weights (default: from the checkpoint).")
  String model;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the Fashion-MNIST IDX files (default: the checkpoint's).")
  Path dataDir;

  @Option(names = "--images", split = ",", paramLabel = "I,J,...", defaultValue = "0,1,2,3",
      description = "Test images to draw, by index (default: ${DEFAULT-VALUE}).")
  int[] images;

  @Option(names = "--methods", split = ",", paramLabel = "M,...",
      description = "gradient, gradxinput, smoothgrad, gradcam (CNN), occlusion, rollout (ViT) (default: every one that applies).")
  List<String> methods;

  @Option(names = "--attention", description = "Draw the attention of every layer and head (a ViT; on by default for one).")
  boolean attention;

  @Option(names = "--samples", paramLabel = "N", defaultValue = "25", description = "SmoothGrad: noisy copies per image (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--sigma", paramLabel = "S", defaultValue = "0.15",
      description = "SmoothGrad: noise std as a fraction of the image's value range (default: ${DEFAULT-VALUE}).")
  double sigma;

  @Option(names = "--patch", paramLabel = "P", defaultValue = "4", description = "Occlusion: side of the square (default: ${DEFAULT-VALUE}).")
  int patch;

  @Option(names = "--stride", paramLabel = "S", defaultValue = "2", description = "Occlusion: step between squares (default: ${DEFAULT-VALUE}).")
  int stride;

  @Option(names = "--baseline", paramLabel = "V", defaultValue = "0",
      description = "The value that replaces occluded and deleted pixels (default: ${DEFAULT-VALUE}, black).")
  float baseline;

  @Option(names = "--layer", paramLabel = "NAME", description = "Grad-CAM's layer (default: the last convolutional feature map, e.g. relu2 of LeNet-5).")
  String layer;

  @Option(names = "--layers", split = ",", paramLabel = "NAME,...", description = "CNN layers whose feature maps to draw (default: the convolutions).")
  List<String> layers;

  @Option(names = "--deletion-images", paramLabel = "N", defaultValue = "100",
      description = "Test images of the deletion curves, 0 to skip (default: ${DEFAULT-VALUE}).")
  int deletionImages;

  @Option(names = "--steps", paramLabel = "K", defaultValue = "20", description = "Deletion curve: steps from none to all pixels removed (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--sanity-images", paramLabel = "N", defaultValue = "16",
      description = "Test images of the randomisation sanity check, 0 to skip (default: ${DEFAULT-VALUE}).")
  int sanityImages;

  @Option(names = "--sanity", paramLabel = "MODE", defaultValue = "cascading",
      description = "Randomisation: cascading (from the top layer down, one more at a time), independent (one layer at a time, the others "
          + "trained) or all (every layer at once) (default: ${DEFAULT-VALUE}).")
  String sanity;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/explain-<family>-<time>).")
  Path out;

  static final int CELL = 112, MAX_FILTERS = 64, MAX_CHANNELS = 16;

  @Override
  public Integer call() throws IOException {
    common.apply();
    common.atLeast("--samples", samples, 1);
    common.nonNegative("--sigma", sigma);
    common.atLeast("--patch", patch, 1);
    common.atLeast("--stride", stride, 1);
    if (!Float.isFinite(baseline)) throw common.bad("--baseline (" + baseline + ") must be finite");
    common.atLeast("--deletion-images", deletionImages, 0);
    common.atLeast("--steps", steps, 1);
    common.atLeast("--sanity-images", sanityImages, 0);
    SanityCheck.Mode mode = switch (sanity) {
      case "cascading" -> SanityCheck.Mode.CASCADING;
      case "independent" -> SanityCheck.Mode.INDEPENDENT;
      case "all" -> SanityCheck.Mode.ALL;
      default -> throw common.bad("--sanity (" + sanity + ") must be cascading, independent or all");
    };
    List<Method> chosen = new ArrayList<>();
    if (methods != null) {
      for (String m : methods) {
        Method parsed;
        try {
          parsed = Method.parse(m);
        } catch (IllegalArgumentException e) {
          throw common.bad("--methods (" + m + ") must be one of " + Arrays.stream(Method.values()).map(Method::label).toList().toString().replaceAll("[\\[\\]]", ""));
        }
        if (chosen.contains(parsed)) throw common.bad("--methods (" + m + ") is given twice");
        chosen.add(parsed);
      }
    }
    if (images.length == 0) throw common.bad("--images must name at least one image");
    for (int i : images) common.atLeast("--images", i, 0);

    Path ckpt = Files.isDirectory(file) && Files.isRegularFile(file.resolve("checkpoint.safetensors")) ? file.resolve("checkpoint.safetensors") : file;
    LoadedModel l = Models.load(ckpt, model);
    if (!(l.model() instanceof ImageClassifier)) throw new BadInputException(ckpt + ": model (" + l.spec() + ") is not an image classifier; explain takes mlp, lenet5, vit");
    Module net = l.model();
    String family = ((ImageClassifier) net).spec().family();
    for (Method m : chosen) {
      if (!m.appliesTo(net)) {
        throw common.bad("--methods (" + m + ") needs " + (m == Method.ROLLOUT ? "a vit checkpoint (attention)" : "a cnn checkpoint (a convolutional feature map)")
            + "; " + ckpt + " is " + l.spec());
      }
    }
    if (attention && !(net instanceof Vit)) throw common.bad("--attention needs a vit checkpoint; " + ckpt + " is " + l.spec() + ", which has no attention");
    if (patch > 28) throw common.bad("--patch (" + patch + ") must be <= 28 (the image side)");
    Map<String, int[]> spatial = GradCam.spatialLayers(net);
    if (layer != null && !spatial.containsKey(layer)) {
      throw common.bad("--layer (" + layer + ") must be a convolutional layer of " + l.spec() + (spatial.isEmpty() ? " (it has none)" : ": one of " + String.join(", ", spatial.keySet())));
    }
    if (layer != null && !chosen.isEmpty() && !chosen.contains(Method.GRAD_CAM)) {
      throw common.bad("--layer (" + layer + ") is Grad-CAM's layer, but --methods (" + String.join(",", methods) + ") has no gradcam");
    }
    if (layers != null) {
      for (String s : layers) {
        if (!spatial.containsKey(s)) {
          throw common.bad("--layers (" + s + ") must be a convolutional layer of " + l.spec() + (spatial.isEmpty() ? " (it has none)" : ": one of " + String.join(", ", spatial.keySet())));
        }
      }
    }
    Path dir = dataDir;
    if (dir == null && l.meta().containsKey("data-dir")) dir = Path.of(l.meta().get("data-dir"));
    Dataset test = Inputs.images(null, dir, stderr)[1];
    for (int i : images) if (i >= test.size()) throw common.bad("--images (" + i + ") must be < " + test.size() + " (the test set's size)");

    Path run = Common.runFolder(out, "explain-" + family);
    Thread chartsReady = Charts.warmUp();
    long t0 = System.nanoTime();
    var cfg = new ExplainExperiment.Config(images, chosen, new MapOptions(samples, sigma, patch, stride, baseline, layer, common.seed), layers,
        deletionImages, steps, sanityImages, mode, common.seed);
    stderr.printf(Locale.ROOT, "%s: %s, %,d parameters; test images %s -> %s%n", ckpt, l.spec(), net.parameterCount(), Arrays.toString(images), run);
    ExplainExperiment.Result r = ExplainExperiment.run(net, test, cfg, stderr::println);
    List<String> written = new ArrayList<>();
    writeMaps(run, r, l.spec(), written);
    writeFilters(run, r, l.spec(), written);
    writeFeatures(run, r, written);
    if (r.attention() != null) writeAttention(run, r, written);
    Charts.join(chartsReady);
    report(run, r, l.spec(), written);
    stdout.printf(Locale.ROOT, "wrote %s to %s (%.1f s)%n", String.join(", ", written), run, (System.nanoTime() - t0) / 1e9);
    return 0;
  }

  private static String label(int index, int label, int predicted) {
    List<String> names = FashionMnist.CLASSES;
    String t = label < names.size() ? names.get(label) : String.valueOf(label), p = predicted < names.size() ? names.get(predicted) : String.valueOf(predicted);
    return "#" + index + " " + t + (label == predicted ? "" : " → " + p);
  }

  private static List<String> rowLabels(ExplainExperiment.Result r) {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < r.images().length; i++) rows.add(label(r.images()[i], r.labels()[i], r.predicted()[i]));
    return rows;
  }

  /** Image i of the drawn images as a grey picture (its first channel). */
  private static Heatmap picture(Tensor x, int i) {
    int per = x.size() / x.dim(0), side = (int) Math.round(Math.sqrt(per));
    if (x.rank() == 4) return new Heatmap(x.dim(2), x.dim(3), Arrays.copyOfRange(x.data(), i * per, i * per + x.dim(2) * x.dim(3)));
    return new Heatmap(side, side, Arrays.copyOfRange(x.data(), i * per, i * per + side * side));
  }

  private void writeMaps(Path run, ExplainExperiment.Result r, String spec, List<String> written) throws IOException {
    List<String> cols = new ArrayList<>(List.of("image"));
    for (Method m : r.methods()) cols.add(m.label());
    ImageGrid.Cell[][] cells = new ImageGrid.Cell[r.images().length][cols.size()];
    for (int i = 0; i < cells.length; i++) {
      Heatmap img = picture(r.pixels(), i);
      cells[i][0] = ImageGrid.Cell.image(img);
      for (int k = 0; k < r.methods().size(); k++) cells[i][k + 1] = ImageGrid.Cell.overlay(img, r.maps().get(r.methods().get(k))[i]);
    }
    ImageGrid.write(run.resolve("maps.png"), "what " + spec + " looks at (maps of the predicted class)", rowLabels(r), cols, cells, CELL);
    written.add("maps.png");
  }

  private void writeFilters(Path run, ExplainExperiment.Result r, String spec, List<String> written) throws IOException {
    if (r.filters() == null) return;
    int units = Math.min(MAX_FILTERS, r.filters().length), per = 8, rows = (units + per - 1) / per;
    ImageGrid.Cell[][] cells = new ImageGrid.Cell[rows][per];
    List<String> rowLabels = new ArrayList<>(), cols = new ArrayList<>();
    for (int c = 0; c < per; c++) cols.add("+" + c);
    for (int u = 0; u < units; u++) cells[u / per][u % per] = ImageGrid.Cell.filter(r.filters()[u][0]);
    for (int k = 0; k < rows; k++) rowLabels.add("unit " + k * per);
    Heatmap f = r.filters()[0][0];
    ImageGrid.write(run.resolve("filters.png"), "first-layer weights of " + spec + " (" + r.filters().length + " units, " + f.height() + "x" + f.width()
        + (units < r.filters().length ? ", first " + units : "") + ")", rowLabels, cols, cells, Math.max(48, CELL / 2));
    written.add("filters.png");
  }

  private void writeFeatures(Path run, ExplainExperiment.Result r, List<String> written) throws IOException {
    for (var e : r.featureMaps().entrySet()) {
      Tensor maps = e.getValue();
      int k = Math.min(MAX_CHANNELS, maps.dim(1));
      List<String> cols = new ArrayList<>(List.of("image"));
      for (int c = 0; c < k; c++) cols.add("ch " + c);
      ImageGrid.Cell[][] cells = new ImageGrid.Cell[r.images().length][k + 1];
      for (int i = 0; i < cells.length; i++) {
        cells[i][0] = ImageGrid.Cell.image(picture(r.pixels(), i));
        for (int c = 0; c < k; c++) cells[i][c + 1] = ImageGrid.Cell.filter(FeatureMaps.channel(maps, i, c));
      }
      String name = "features-" + e.getKey().replaceAll("[^A-Za-z0-9_.-]", "_") + ".png";
      ImageGrid.write(run.resolve(name), "feature maps of " + e.getKey() + " " + Arrays.toString(Arrays.copyOfRange(maps.shape().dims(), 1, 4))
          + (k < maps.dim(1) ? ", first " + k + " channels" : ""), rowLabels(r), cols, cells, CELL / 2);
      written.add(name);
    }
  }

  private void writeAttention(Path run, ExplainExperiment.Result r, List<String> written) throws IOException {
    AttentionMaps a = r.attention();
    List<String> cols = new ArrayList<>(List.of("image"));
    for (int l = 0; l < a.layers().size(); l++) for (int h = 0; h < a.heads(); h++) cols.add("layer " + l + " head " + h);
    cols.add("rollout");
    ImageGrid.Cell[][] cells = new ImageGrid.Cell[a.images()][cols.size()];
    for (int i = 0; i < a.images(); i++) {
      Heatmap img = picture(r.pixels(), i);
      cells[i][0] = ImageGrid.Cell.image(img);
      int c = 1;
      for (int l = 0; l < a.layers().size(); l++) for (int h = 0; h < a.heads(); h++) cells[i][c++] = ImageGrid.Cell.overlay(img, a.headMap(i, l, h));
      cells[i][c] = ImageGrid.Cell.overlay(img, a.rollout(i));
    }
    ImageGrid.write(run.resolve("attention.png"), "attention of the " + (a.classToken() ? "class token" : "mean-pooled tokens") + " to the patches, per layer and head; rollout",
        rowLabels(r), cols, cells, CELL);
    written.add("attention.png");
  }

  private void report(Path run, ExplainExperiment.Result r, String spec, List<String> written) throws IOException {
    if (!r.deletion().isEmpty()) {
      Table t = new Table("order", "auc_accuracy", "auc_true_class_probability", "accuracy_at_10%", "accuracy_at_50%");
      Table csv = new Table("order", "fraction_removed", "accuracy", "true_class_probability");
      List<Charts.Series> series = new ArrayList<>();
      for (DeletionCurve.Curve c : r.deletion()) {
        t.add(c.name(), Table.fmt(c.area()), Table.fmt(c.probabilityArea()), Table.fmt(at(c, 0.1)), Table.fmt(at(c, 0.5)));
        List<double[]> pts = new ArrayList<>();
        for (int k = 0; k < c.fractions().length; k++) {
          pts.add(new double[] {c.fractions()[k], c.accuracy()[k]});
          csv.add(c.name(), Table.fmt(c.fractions()[k]), Table.fmt(c.accuracy()[k]), Table.fmt(c.probability()[k]));
        }
        series.add(new Charts.Series(c.name() + String.format(Locale.ROOT, " (AUC %.3f)", c.area()), pts, true));
      }
      AtomicFiles.writeString(run.resolve("deletion.csv"), csv.csv());
      Charts.write(run.resolve("deletion.png"), "deletion curves of " + spec + ": most salient pixels first vs random", "fraction of pixels removed",
          "test accuracy", series);
      stdout.printf(Locale.ROOT, "deletion curves (%s): accuracy against the fraction of pixels removed, most salient first; lower area = the map found the evidence%n", spec);
      stdout.print(t.pretty());
      written.add("deletion.png");
      written.add("deletion.csv");
    }
    if (!r.sanity().isEmpty()) {
      List<String> header = new ArrayList<>(List.of("randomised"));
      for (Method m : r.methods()) header.add(m.label());
      Table t = new Table(header.toArray(String[]::new));
      Map<Method, List<double[]>> pts = new java.util.EnumMap<>(Method.class);
      int step = 0;
      for (SanityCheck.Step s : r.sanity()) {
        step++;
        List<Object> row = new ArrayList<>(List.of(SanityCheck.describe(r.sanityMode(), s.randomised())));
        for (Method m : r.methods()) {
          double rho = s.correlation().get(m);
          row.add(Table.fmt(rho));
          if (!Double.isNaN(rho)) pts.computeIfAbsent(m, k -> new ArrayList<>()).add(new double[] {step, rho});
        }
        t.add(row.toArray());
      }
      AtomicFiles.writeString(run.resolve("sanity.csv"), t.csv());
      List<Charts.Series> series = new ArrayList<>();
      for (Method m : r.methods()) series.add(new Charts.Series(m.label(), pts.getOrDefault(m, List.of()), true));
      Charts.write(run.resolve("sanity.png"), "model randomisation (Adebayo et al. 2018): rank correlation with the trained model's maps",
          switch (r.sanityMode()) {
            case ALL -> "all layers randomised";
            case INDEPENDENT -> "the one layer randomised (" + String.join(", ", r.units().reversed()) + ")";
            case CASCADING -> "layers randomised from the top (" + String.join(", ", r.units().reversed()) + ")";
          },
          "Spearman rank correlation", series);
      stdout.printf(Locale.ROOT, "sanity check (%s): Spearman rank correlation of the maps with the trained model's; near 1 = the map ignores the weights%n", spec);
      stdout.print(t.pretty());
      written.add("sanity.png");
      written.add("sanity.csv");
    }
  }

  /** The curve's accuracy at the step nearest {@code fraction}. */
  private static double at(DeletionCurve.Curve c, double fraction) {
    int best = 0;
    for (int k = 0; k < c.fractions().length; k++) if (Math.abs(c.fractions()[k] - fraction) < Math.abs(c.fractions()[best] - fraction)) best = k;
    return c.accuracy()[best];
  }
}
