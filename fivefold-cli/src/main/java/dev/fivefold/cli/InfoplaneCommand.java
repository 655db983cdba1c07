package dev.fivefold.cli;

import dev.fivefold.info.InformationPlane;
import dev.fivefold.info.InformationPlaneExperiment;
import dev.fivefold.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fivefold infoplane}: the information plane of the 12-10-7-5-4-3-2 network on the 12-bit task. */
@Command(name = "infoplane", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train Shwartz-Ziv & Tishby's 12-10-7-5-4-3-2 network on all 4096 12-bit inputs "
        + "(I(X;Y) = 1 bit) and record I(X;T), I(T;Y) of every layer at log-spaced epochs.",
        "Writes infoplane.png and infoplane.csv (seed,epoch,layer,ixt_bits,ity_bits) to --out.", "",
        "Examples:",
        "  ./fivefold infoplane --activation tanh --epochs 1000",
        "  ./fivefold infoplane --activation relu --estimator kde --seeds 3", ""})
final class InfoplaneCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Option(names = "--activation", defaultValue = "tanh", description = "tanh or relu (default: ${DEFAULT-VALUE}).")
  String activation;

  @Option(names = "--estimator", defaultValue = "bin",
      description = "bin (30 bins: [-1,1] for tanh, observed range for relu) or kde (Saxe et al.'s upper bound) (default: ${DEFAULT-VALUE}).")
  String estimator;

  @Option(names = "--epochs", defaultValue = "1000", description = "Training epochs (the paper: 8000; default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--seeds", defaultValue = "1", description = "Runs with seeds seed..seed+K-1; the chart shows their mean (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = "--points", defaultValue = "30", description = "Log-spaced epochs to measure (default: ${DEFAULT-VALUE}).")
  int points;

  @Option(names = "--bins", defaultValue = "30", description = "Bins per unit for --estimator bin (default: ${DEFAULT-VALUE}).")
  int bins;

  @Option(names = "--noise", defaultValue = "0.1", description = "Noise variance for --estimator kde (default: ${DEFAULT-VALUE}).")
  double noise;

  @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--batch", defaultValue = "256", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--train-fraction", defaultValue = "0.85",
      description = "Fraction of the 4096 inputs trained on, as the paper; MI is measured on all (default: ${DEFAULT-VALUE}).")
  double trainFraction;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/infoplane-<activation>-<estimator>).")
  Path out;

  @Override
  public Integer call() throws IOException {
    common.apply();
    if (!activation.equals("tanh") && !activation.equals("relu")) throw common.bad("--activation (" + activation + ") must be tanh or relu");
    if (!estimator.equals("bin") && !estimator.equals("kde")) throw common.bad("--estimator (" + estimator + ") must be bin or kde");
    common.atLeast("--epochs", epochs, 1);
    common.atLeast("--seeds", seeds, 1);
    common.atLeast("--points", points, 1);
    common.atLeast("--bins", bins, 2);
    common.atLeast("--batch", batch, 1);
    common.positive("--noise", noise);
    common.positive("--lr", lr);
    if (!(trainFraction > 0 && trainFraction <= 1)) throw common.bad("--train-fraction (" + trainFraction + ") must be in (0, 1]");
    Path dir = out != null ? out : Path.of("runs", "infoplane-" + activation + "-" + estimator);
    Thread chartsReady = Charts.warmUp();

    var est = estimator.equals("bin") ? InformationPlane.Estimator.BIN : InformationPlane.Estimator.KDE;
    var config = new InformationPlaneExperiment.Config(activation, est, epochs, seeds, points, bins, noise, lr, batch, trainFraction, common.seed);
    InformationPlaneExperiment.Result r = InformationPlaneExperiment.run(config, stderr::println);
    StringBuilder csv = new StringBuilder("seed,epoch,layer,ixt_bits,ity_bits\n");
    for (var run : r.runs()) {
      for (var p : run.points()) csv.append(String.format("%d,%d,%d,%.6f,%.6f%n", run.seed(), p.epoch(), p.layer(), p.ixt(), p.ity()));
    }
    List<InformationPlane.Point> mean = r.mean();
    AtomicFiles.writeString(dir.resolve("infoplane.csv"), csv.toString());
    Charts.join(chartsReady);
    PlaneChart.write(dir.resolve("infoplane.png"), "information plane: " + activation + ", " + estimator
        + (seeds > 1 ? ", mean of " + seeds + " seeds" : ""), mean);
    printSummary(mean);
    stdout.println("wrote " + dir.resolve("infoplane.png") + " and " + dir.resolve("infoplane.csv"));
    return 0;
  }

  /** Per layer: first, peak-I(X;T) and last measurement, so fitting and compression show as numbers. */
  private void printSummary(List<InformationPlane.Point> mean) {
    stdout.println("layer  I(X;T) first -> peak (epoch) -> last    I(T;Y) first -> last");
    int layers = mean.stream().mapToInt(InformationPlane.Point::layer).max().orElse(0);
    for (int l = 1; l <= layers; l++) {
      final int layer = l;
      List<InformationPlane.Point> ps = mean.stream().filter(p -> p.layer() == layer).toList();
      var peak = ps.stream().max((a, b) -> Double.compare(a.ixt(), b.ixt())).orElseThrow();
      var first = ps.getFirst();
      var last = ps.getLast();
      stdout.printf("%5d  %6.3f -> %6.3f (%5d) -> %6.3f    %6.3f -> %6.3f%n", l, first.ixt(), peak.ixt(), peak.epoch(), last.ixt(), first.ity(), last.ity());
    }
  }
}
