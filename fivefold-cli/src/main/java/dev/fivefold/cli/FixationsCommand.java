package dev.fivefold.cli;

import dev.fivefold.data.Dataset;
import dev.fivefold.data.FashionMnist;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.perception.explain.Heatmap;
import dev.fivefold.perception.fixation.FixationExperiment;
import dev.fivefold.perception.fixation.ScanPath;
import dev.fivefold.train.TrainObserver;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fivefold fixations}: classify Fashion-MNIST from glimpses along saliency, random and centre fixation paths ({@link FixationExperiment}). */
@Command(name = "fixations", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"The study guide's visual-attention exercise: scan each image along a fixation path (winner-take-all over a bottom-up saliency "
        + "map with inhibition of return; random and centre-biased paths as controls), take foveated glimpses (k patches of g x g, each twice "
        + "the side of the last, Mnih et al. 2014) along it, and train a recurrent glimpse network that sees only those glimpses. Prints the "
        + "test accuracy after 1, 2, 4, ... fixations for each path and glimpse size, beside a full-image MLP trained with the same budget.",
        "Writes fixations.csv, accuracy.png (accuracy against fixations), paths.png (the paths over test images) and saliency.png to --out.", "",
        "Examples:",
        "  ./fivefold fixations",
        "  ./fivefold fixations --paths saliency,random --glimpses 6 --steps 300 --train-samples 10000 --test-samples 2000", ""})
final class FixationsCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Option(names = "--paths", split = ",", defaultValue = "saliency,random,centre", description = "Path policies: saliency, random, centre (default: ${DEFAULT-VALUE}).")
  List<String> paths;

  @Option(names = "--saliency", defaultValue = "centre-surround", description = "Saliency map: centre-surround (Itti-Koch) or spectral-residual (Hou-Zhang) "
      + "(default: ${DEFAULT-VALUE}).")
  String saliency;

  @Option(names = "--fixations", split = ",", defaultValue = "1,2,4,6,8", description = "Fixation counts read out, increasing; the paths are as long as the last "
      + "(default: ${DEFAULT-VALUE}).")
  List<Integer> fixations;

  @Option(names = "--glimpses", split = ",", defaultValue = "4,8", description = "Glimpse sizes g compared, each at most the image side (default: ${DEFAULT-VALUE}).")
  List<Integer> glimpses;

  @Option(names = "--scales", defaultValue = "2", description = "Patches per glimpse, 1 to 4 (default: ${DEFAULT-VALUE}).")
  int scales;

  @Option(names = "--radius", defaultValue = "3", description = "Inhibition-of-return radius in pixels (default: ${DEFAULT-VALUE}).")
  double radius;

  @Option(names = "--centre-sigma", defaultValue = "4", description = "Spread of the centre-biased paths in pixels (default: ${DEFAULT-VALUE}).")
  double centreSigma;

  @Option(names = "--hidden", defaultValue = "128", description = "GRU state and glimpse feature width (default: ${DEFAULT-VALUE}).")
  int hidden;

  @Option(names = "--steps", defaultValue = "3000", description = "Training steps per model (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--batch", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--train-samples", defaultValue = "60000", description = "First N training images (default: ${DEFAULT-VALUE}).")
  int trainSamples;

  @Option(names = "--test-samples", defaultValue = "10000", description = "First N test images (default: ${DEFAULT-VALUE}).")
  int testSamples;

  @Option(names = "--pictured", defaultValue = "6", description = "Test images in the pictures, one per class first (default: ${DEFAULT-VALUE}).")
  int pictured;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the four Fashion-MNIST IDX files (.gz).")
  Path dataDir;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/fixations-<time>).")
  Path out;

  @Override
  public Integer call() throws IOException {
    common.apply();
    for (int f : fixations) common.atLeast("--fixations", f, 1);
    for (int g : glimpses) common.atLeast("--glimpses", g, 1);
    Dataset[] d = Inputs.images(null, dataDir, stderr);
    var cfg = new FixationExperiment.Config(d[0], d[1], paths, saliency, fixations, glimpses, scales, radius, centreSigma, hidden, steps, batch, lr,
        trainSamples, testSamples, pictured, common.seed);
    Path dir = Common.runFolder(out, "fixations");
    Thread warm = Charts.warmUp();
    var r = FixationExperiment.run(cfg, new FixationExperiment.Listener() {
      @Override
      public void log(String message) {
        stderr.println(message);
      }

      @Override
      public TrainObserver observer(String model) {
        return new Progress(stderr, "samples", Progress.terminal());
      }
    });
    Charts.join(warm);
    report(r, dir);
    return 0;
  }

  private void report(FixationExperiment.Result r, Path dir) throws IOException {
    List<Integer> f = r.config().fixations();
    StringBuilder head = new StringBuilder(String.format("%-9s %7s", "path", "glimpse"));
    for (int k : f) head.append(String.format(" %8s", "acc@" + k));
    head.append(String.format(" %11s %9s", "parameters", "seconds"));
    stdout.println(head);
    StringBuilder csv = new StringBuilder("path,glimpse,scales,fixations,accuracy,train_loss,parameters,steps,seconds\n");
    List<Charts.Series> series = new ArrayList<>();
    for (var row : r.rows()) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-9s %7d", row.path(), row.glimpse()));
      List<double[]> pts = new ArrayList<>();
      for (int i = 0; i < f.size(); i++) {
        line.append(String.format(Locale.ROOT, " %8.4f", row.accuracy().get(i)));
        pts.add(new double[] {f.get(i), row.accuracy().get(i)});
        csv.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%.6f,%.6f,%d,%d,%.1f%n", row.path(), row.glimpse(), r.config().scales(), f.get(i), row.accuracy().get(i),
            row.trainLoss(), row.parameters(), row.steps(), row.seconds()));
      }
      line.append(String.format(Locale.ROOT, " %11d %9.1f", row.parameters(), row.seconds()));
      stdout.println(line);
      series.add(new Charts.Series(row.path() + " g=" + row.glimpse(), pts, true));
    }
    var full = r.fullImage();
    stdout.printf(Locale.ROOT, "%-17s %s %8.4f %11d %9.1f%n", "full image", " ".repeat(Math.max(0, 9 * f.size() - 9)), full.accuracy(), full.parameters(), full.seconds());
    csv.append(String.format(Locale.ROOT, "full-image,,,,%.6f,,%d,%d,%.1f%n", full.accuracy(), full.parameters(), full.steps(), full.seconds()));
    series.add(new Charts.Series("full image (" + full.model() + ")", List.of(new double[] {f.getFirst(), full.accuracy()}, new double[] {f.getLast(), full.accuracy()}), false));
    stdout.printf(Locale.ROOT, "chance %.2f; each model %d steps of %d images; glimpse = %d patches of g x g, each twice the last%n", 1.0 / r.config().train().classes(), r.config().steps(),
        r.config().batch(), r.config().scales());
    AtomicFiles.writeString(dir.resolve("fixations.csv"), csv.toString());
    Charts.write(dir.resolve("accuracy.png"), "test accuracy from glimpses alone", "fixations", "accuracy", series);
    List<String> written = new ArrayList<>(List.of("fixations.csv", "accuracy.png"));
    if (!r.examples().isEmpty()) {
      paths(dir.resolve("paths.png"), r);
      saliencyGrid(dir.resolve("saliency.png"), r);
      written.addAll(List.of("paths.png", "saliency.png"));
    }
    stdout.println("wrote " + dir + ": " + String.join(", ", written));
  }

  private static String label(int y) {
    return y < FashionMnist.CLASSES.size() ? FashionMnist.CLASSES.get(y) : "class " + y;
  }

  private void saliencyGrid(Path file, FixationExperiment.Result r) throws IOException {
    var ex = r.examples();
    ImageGrid.Cell[][] cells = new ImageGrid.Cell[ex.size()][];
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < ex.size(); i++) {
      var e = ex.get(i);
      cells[i] = new ImageGrid.Cell[] {ImageGrid.Cell.image(e.image()), new ImageGrid.Cell(null, e.saliency(), false), ImageGrid.Cell.overlay(e.image(), e.saliency())};
      rows.add(label(e.label()));
    }
    ImageGrid.write(file, "bottom-up saliency (" + r.config().saliency() + ")", rows, List.of("image", "saliency", "overlay"), cells, 112);
  }

  private static final int CELL = 168, GAP = 8, LEFT = 110, TOP = 50;

  /** One row per pictured image, one column per path policy: the image in grey, the fixations numbered and joined in order. */
  private void paths(Path file, FixationExperiment.Result r) throws IOException {
    var ex = r.examples();
    List<String> policies = r.config().paths();
    BufferedImage img = new BufferedImage(LEFT + policies.size() * (CELL + GAP) + GAP, TOP + ex.size() * (CELL + GAP) + GAP, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString("fixation paths (" + r.config().pathLength() + " fixations; saliency = " + r.config().saliency() + ", inhibition radius " + r.config().radius() + " px)", GAP, 20);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int c = 0; c < policies.size(); c++) g.drawString(policies.get(c), LEFT + c * (CELL + GAP), TOP - 8);
    for (int i = 0; i < ex.size(); i++) {
      var e = ex.get(i);
      int y0 = TOP + i * (CELL + GAP);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      g.drawString(label(e.label()), GAP, y0 + CELL / 2);
      for (int c = 0; c < policies.size(); c++) draw(g, e.image(), e.paths().get(policies.get(c)), LEFT + c * (CELL + GAP), y0);
    }
    g.dispose();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(img, "png", bytes);
    AtomicFiles.writeBytes(file, bytes.toByteArray());
  }

  private static void draw(Graphics2D g, Heatmap image, ScanPath path, int x0, int y0) {
    Heatmap n = image.normalised();
    double px = CELL / (double) image.width(), py = CELL / (double) image.height();
    for (int y = 0; y < image.height(); y++) {
      for (int x = 0; x < image.width(); x++) {
        int v = (int) Math.round(255 * Math.max(0, Math.min(1, n.at(y, x))));
        g.setColor(new Color(v, v, v));
        g.fillRect(x0 + (int) Math.floor(x * px), y0 + (int) Math.floor(y * py), (int) Math.ceil(px), (int) Math.ceil(py));
      }
    }
    if (path == null) return;
    g.setStroke(new BasicStroke(2f));
    g.setColor(new Color(255, 140, 0));
    for (int t = 1; t < path.length(); t++) {
      g.drawLine(x0 + (int) ((path.col(t - 1) + 0.5) * px), y0 + (int) ((path.row(t - 1) + 0.5) * py), x0 + (int) ((path.col(t) + 0.5) * px),
          y0 + (int) ((path.row(t) + 0.5) * py));
    }
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 11));
    for (int t = 0; t < path.length(); t++) {
      int cx = x0 + (int) ((path.col(t) + 0.5) * px), cy = y0 + (int) ((path.row(t) + 0.5) * py);
      g.setColor(t == 0 ? new Color(220, 20, 60) : new Color(255, 140, 0));
      g.fillOval(cx - 8, cy - 8, 16, 16);
      g.setColor(Color.WHITE);
      String s = Integer.toString(t + 1);
      g.drawString(s, cx - g.getFontMetrics().stringWidth(s) / 2, cy + 4);
    }
  }
}
