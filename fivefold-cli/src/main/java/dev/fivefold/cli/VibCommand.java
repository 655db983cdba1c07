package dev.fivefold.cli;

import dev.fivefold.data.Dataset;
import dev.fivefold.info.VibExperiment;
import dev.fivefold.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fivefold vib}: a β sweep of the Deep Variational Information Bottleneck on Fashion-MNIST. */
@Command(name = "vib", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train 784-H-VIB(K)-10 classifiers (Alemi et al. 2017) with loss CE + beta*KL for each beta, "
        + "and the same network without the bottleneck; print test error and rate (KL, bits) per beta.",
        "Writes vib.csv, vib-error.png and vib-rate.png to --out.", "",
        "Examples:",
        "  ./fivefold vib",
        "  ./fivefold vib --betas 1e-3,1e-2 --hidden 512 --k 64 --epochs 5 --train-samples 60000", ""})
final class VibCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Option(names = "--betas", split = ",", defaultValue = "1e-4,1e-3,1e-2,1e-1", description = "Values of beta (default: ${DEFAULT-VALUE}).")
  List<Double> betas;

  @Option(names = "--epochs", defaultValue = "2", description = "Epochs per model (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--hidden", defaultValue = "256", description = "Encoder hidden units H (the paper: 1024, 1024; default: ${DEFAULT-VALUE}).")
  int hidden;

  @Option(names = "--k", defaultValue = "64", description = "Bottleneck units K (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--train-samples", defaultValue = "20000", description = "First N training images used (default: ${DEFAULT-VALUE}).")
  int trainSamples;

  @Option(names = "--batch", defaultValue = "100", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the four Fashion-MNIST IDX files (.gz).")
  Path dataDir;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/vib).")
  Path out;

  @Override
  public Integer call() throws IOException {
    common.apply();
    if (betas.isEmpty()) throw common.bad("--betas must list at least one value");
    for (double b : betas) common.positive("--betas", b);
    common.atLeast("--epochs", epochs, 1);
    common.atLeast("--hidden", hidden, 1);
    common.atLeast("--k", k, 1);
    common.atLeast("--train-samples", trainSamples, 1);
    common.atLeast("--batch", batch, 1);
    common.positive("--lr", lr);
    Path dir = out != null ? out : Path.of("runs", "vib");
    Thread chartsReady = Charts.warmUp();
    Dataset[] d = Inputs.images(null, dataDir, stderr);
    var config = new VibExperiment.Config(betas, epochs, hidden, k, trainSamples, batch, lr, common.seed);
    List<VibExperiment.Row> rows = VibExperiment.run(config, d[0], d[1], stderr::println);

    StringBuilder csv = new StringBuilder("model,beta,test_error,rate_bits,seconds\n");
    stdout.printf("%-14s %8s %10s %10s%n", "model", "beta", "test err", "rate bits");
    for (VibExperiment.Row r : rows) {
      csv.append(String.format("%s,%s,%.6f,%.4f,%.1f%n", r.name(), Double.isNaN(r.beta()) ? "" : r.beta(), r.error(), r.rateBits(), r.seconds()));
      stdout.printf("%-14s %8s %10.4f %10s%n", r.name(), Double.isNaN(r.beta()) ? "-" : String.format("%.0e", r.beta()), r.error(),
          Double.isNaN(r.beta()) ? "-" : String.format("%.2f", r.rateBits()));
    }
    AtomicFiles.writeString(dir.resolve("vib.csv"), csv.toString());
    Charts.join(chartsReady);
    List<double[]> err = new ArrayList<>(), rate = new ArrayList<>(), base = new ArrayList<>();
    for (VibExperiment.Row r : rows.subList(1, rows.size())) {
      err.add(new double[] {Math.log10(r.beta()), r.error()});
      rate.add(new double[] {Math.log10(r.beta()), r.rateBits()});
    }
    double lo = err.stream().mapToDouble(p -> p[0]).min().orElse(0), hi = err.stream().mapToDouble(p -> p[0]).max().orElse(0);
    base.add(new double[] {lo, rows.getFirst().error()});
    base.add(new double[] {hi, rows.getFirst().error()});
    Charts.write(dir.resolve("vib-error.png"), "VIB on Fashion-MNIST: test error", "log10 beta", "test error",
        List.of(new Charts.Series("VIB K=" + k, err, true), new Charts.Series("no bottleneck", base, false)));
    Charts.write(dir.resolve("vib-rate.png"), "VIB on Fashion-MNIST: rate KL(q(z|x) || N(0,I))", "log10 beta", "rate (bits)",
        List.of(new Charts.Series("VIB K=" + k, rate, true)));
    stdout.println("wrote " + dir.resolve("vib.csv") + ", vib-error.png, vib-rate.png");
    return 0;
  }
}
