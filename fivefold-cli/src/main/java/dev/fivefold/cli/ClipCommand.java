package dev.fivefold.cli;

import dev.fivefold.data.Dataset;
import dev.fivefold.data.FashionMnist;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.perception.clip.ClipExperiment;
import dev.fivefold.perception.clip.Projection;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fivefold clip}: a small CLIP on Fashion-MNIST with generated captions ({@link ClipExperiment}). */
@Command(name = "clip", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train a small CLIP (a CNN image tower, a character Transformer text tower, symmetric InfoNCE with a learned temperature) "
        + "on Fashion-MNIST images paired with generated captions; test captions use held-out templates and synonyms. Per epoch: "
        + "zero-shot accuracy from class-name prompts, image->text and text->image recall@1/@5, the InfoNCE lower bound on "
        + "I(image; caption) in bits against its ceiling log2 N, the temperature and the training throughput.",
        "Writes clip.csv, clip-bound.png and clip-space.png (a PCA of the shared space) to --out.", "",
        "Examples:",
        "  ./fivefold clip",
        "  ./fivefold clip --epochs 1 --train-samples 4096 --test-samples 1000", ""})
final class ClipCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Option(names = "--epochs", defaultValue = "10", description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch", defaultValue = "256", description = "Pairs per step N; the bound's ceiling is log2 N (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--train-samples", defaultValue = "60000", description = "First N training images (default: ${DEFAULT-VALUE}).")
  int trainSamples;

  @Option(names = "--test-samples", defaultValue = "10000", description = "First N test images scored zero-shot (default: ${DEFAULT-VALUE}).")
  int testSamples;

  @Option(names = "--pairs", defaultValue = "1000", description = "Test image-caption pairs for recall and the bound (default: ${DEFAULT-VALUE}).")
  int pairs;

  @Option(names = "--pictured", defaultValue = "500", description = "Test images (and their captions) in the PCA picture (default: ${DEFAULT-VALUE}).")
  int pictured;

  @Option(names = "--embed", defaultValue = "64", description = "Shared space dimension (default: ${DEFAULT-VALUE}).")
  int embed;

  @Option(names = "--text-width", defaultValue = "64", description = "Text encoder width (default: ${DEFAULT-VALUE}).")
  int textWidth;

  @Option(names = "--text-layers", defaultValue = "2", description = "Text encoder blocks (default: ${DEFAULT-VALUE}).")
  int textLayers;

  @Option(names = "--context", defaultValue = "48", description = "Characters per caption + 1 (default: ${DEFAULT-VALUE}).")
  int context;

  @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the four Fashion-MNIST IDX files (.gz).")
  Path dataDir;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/clip-<time>).")
  Path out;

  @Override
  public Integer call() throws IOException {
    common.apply();
    var config = new ClipExperiment.Config(embed, textWidth, textLayers, context, epochs, batch, trainSamples, testSamples, pairs, pictured, lr, common.seed);
    Thread chartsReady = Charts.warmUp();
    Dataset[] d = Inputs.images(null, dataDir, stderr);
    Path dir = Common.runFolder(out, "clip");
    stdout.printf("%5s %10s %9s %7s %7s %7s %7s %9s %10s %8s %9s%n", "epoch", "train loss", "zero-shot", "i2t@1", "i2t@5", "t2i@1", "t2i@5", "bound b", "ceiling b",
        "1/tau", "samples/s");
    ClipExperiment.Result r = ClipExperiment.run(config, d[0], d[1], e -> stdout.printf(Locale.ROOT, "%5d %10.4f %9.4f %7.3f %7.3f %7.3f %7.3f %9.3f %10.3f %8.2f %9.0f%n",
        e.epoch(), e.trainLoss(), e.zeroShot(), e.i2t1(), e.i2t5(), e.t2i1(), e.t2i5(), e.boundBits(), e.ceilingBits(), e.scale(), e.samplesPerSecond()));
    stdout.printf(Locale.ROOT, "%,d parameters; tape growth after warm-up %d bytes; held-out captions e.g. \"%s\"%n", r.parameters(), r.tapeGrowthBytes(),
        String.join("\", \"", r.exampleCaptions()));
    StringBuilder csv = new StringBuilder("epoch,train_loss,zero_shot,i2t_r1,i2t_r5,t2i_r1,t2i_r5,test_loss,bound_bits,ceiling_bits,scale,samples_per_s,seconds\n");
    List<double[]> bound = new ArrayList<>(), ceiling = new ArrayList<>();
    for (var e : r.epochs()) {
      csv.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.4f,%.1f,%.1f%n", e.epoch(), e.trainLoss(), e.zeroShot(), e.i2t1(), e.i2t5(),
          e.t2i1(), e.t2i5(), e.testLoss(), e.boundBits(), e.ceilingBits(), e.scale(), e.samplesPerSecond(), e.seconds()));
      bound.add(new double[] {e.epoch(), e.boundBits()});
      ceiling.add(new double[] {e.epoch(), e.ceilingBits()});
    }
    AtomicFiles.writeString(dir.resolve("clip.csv"), csv.toString());
    Charts.join(chartsReady);
    Charts.write(dir.resolve("clip-bound.png"), "InfoNCE lower bound on I(image; caption), held-out captions", "epoch", "bits",
        List.of(new Charts.Series("log2 N - L/ln 2", bound, true), new Charts.Series("ceiling log2 N", ceiling, false)));
    space(dir.resolve("clip-space.png"), r.projection());
    stdout.println("wrote " + dir.resolve("clip.csv") + ", clip-bound.png, clip-space.png");
    return 0;
  }

  /** Ten distinguishable colours (Tableau 10). */
  static final Color[] CLASS_COLOURS = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40), new Color(148, 103, 189),
      new Color(140, 86, 75), new Color(227, 119, 194), new Color(127, 127, 127), new Color(188, 189, 34), new Color(23, 190, 207)};

  /** The PCA scatter: per class one colour; images as circles, captions as diamonds. */
  static void space(Path file, Projection p) throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(700)
        .title(String.format(Locale.ROOT, "shared space, PCA (%.0f%% + %.0f%% of the variance): images o, captions <>", 100 * p.explained()[0], 100 * p.explained()[1]))
        .xAxisTitle("PC 1").yAxisTitle("PC 2").build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setMarkerSize(6);
    for (int c = 0; c < 10; c++) {
      for (boolean caption : new boolean[] {false, true}) {
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (int i = 0; i < p.x().length; i++) {
          if (p.label()[i] == c && p.caption()[i] == caption) {
            xs.add((double) p.x()[i]);
            ys.add((double) p.y()[i]);
          }
        }
        if (xs.isEmpty()) continue;
        XYSeries s = chart.addSeries(FashionMnist.CLASSES.get(c) + (caption ? " (captions)" : " (images)"), xs, ys);
        s.setMarker(caption ? SeriesMarkers.DIAMOND : SeriesMarkers.CIRCLE);
        s.setMarkerColor(caption ? CLASS_COLOURS[c].darker() : CLASS_COLOURS[c]);
      }
    }
    AtomicFiles.writeBytes(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
  }
}
