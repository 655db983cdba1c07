package dev.fivefold.cli;

import dev.fivefold.data.Dataset;
import dev.fivefold.info.MdlComparison;
import dev.fivefold.info.Prequential;
import dev.fivefold.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fivefold mdl}: description length of Fashion-MNIST labels under model families. */
@Command(name = "mdl", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Description length (bits) of the labels of N Fashion-MNIST training images under each model "
        + "(Blier & Ollivier 2018): prequential code (blocks doubling from --first, each coded by a model trained "
        + "from scratch on the blocks before it), two-part codes (32-bit weights; weights entropy-coded at --bits), "
        + "and the uniform code.",
        "Writes mdl.csv and mdl.png (cumulative prequential code vs samples) to --out.", "",
        "Examples:",
        "  ./fivefold mdl",
        "  ./fivefold mdl --models mlp,lenet5 --samples 10000 --epochs 3", ""})
final class MdlCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Option(names = "--models", split = ",", defaultValue = "mlp,lenet5",
      description = "Model specs as for train: mlp (LeNet-300-100), lenet5, mlp:784-100-10 ... (default: ${DEFAULT-VALUE}).")
  List<String> models;

  @Option(names = "--samples", defaultValue = "4000", description = "Training images coded (shuffled by --seed; default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--first", defaultValue = "64", description = "First block, sent with the uniform code (default: ${DEFAULT-VALUE}).")
  int first;

  @Option(names = "--epochs", defaultValue = "3", description = "Training epochs per block's model (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--bits", defaultValue = "8", description = "Quantization bits for the entropy-coded two-part code (default: ${DEFAULT-VALUE}).")
  int bits;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the four Fashion-MNIST IDX files (.gz).")
  Path dataDir;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/mdl).")
  Path out;

  @Override
  public Integer call() throws IOException {
    common.apply();
    if (models.isEmpty()) throw common.bad("--models must list at least one model");
    common.atLeast("--samples", samples, 1);
    common.atLeast("--first", first, 1);
    common.atLeast("--epochs", epochs, 1);
    common.atLeast("--batch", batch, 1);
    common.positive("--lr", lr);
    if (bits < 1 || bits > 24) throw common.bad("--bits (" + bits + ") must be in [1, 24]");
    var cfg = new MdlComparison.Config(models, samples, new Prequential.Config(first, epochs, batch, lr, common.seed), bits);
    Path dir = out != null ? out : Path.of("runs", "mdl");
    Thread chartsReady = Charts.warmUp();
    Dataset all = Inputs.images(null, dataDir, stderr)[0];

    StringBuilder csv = new StringBuilder("model,parameters,prequential_bits,two_part_32bit_bits,two_part_entropy_bits,data_bits_final,uniform_bits\n");
    List<Charts.Series> series = new ArrayList<>();
    stdout.printf("%-16s %9s %14s %10s %16s %18s %12s%n", "model", "params", "prequential", "bits/lab", "two-part 32-bit",
        "two-part " + bits + "b-ent", "uniform");
    MdlComparison.Result res = MdlComparison.run(all, cfg, row -> {
      Prequential.Code code = row.code();
      stderr.printf("%s: %.1f s%n", row.spec(), row.seconds());
      stdout.printf("%-16s %9d %14.0f %10.3f %16.0f %18.0f %12.0f%n", row.spec(), row.parameters(), code.totalBits(), code.bitsPerSample(),
          row.twoPart32(), row.twoPartEntropy(), code.uniformBits());
      csv.append(String.format("%s,%d,%.1f,%.1f,%.1f,%.1f,%.1f%n", row.spec(), row.parameters(), code.totalBits(), row.twoPart32(),
          row.twoPartEntropy(), row.dataBits(), code.uniformBits()));
      List<double[]> cum = new ArrayList<>();
      double s = 0;
      cum.add(new double[] {0, 0});
      for (int k = 0; k < code.ends().length; k++) {
        s += code.blockBits()[k];
        cum.add(new double[] {code.ends()[k], s});
      }
      series.add(new Charts.Series(row.spec(), cum, true));
    });
    double perLabel = res.rows().getLast().code().uniformBits() / res.samples();
    series.add(new Charts.Series("uniform", List.of(new double[] {0, 0}, new double[] {res.samples(), res.samples() * perLabel}), false));
    AtomicFiles.writeString(dir.resolve("mdl.csv"), csv.toString());
    Charts.join(chartsReady);
    Charts.write(dir.resolve("mdl.png"), "prequential code length of Fashion-MNIST labels", "samples sent", "cumulative bits", series);
    stdout.println("wrote " + dir.resolve("mdl.csv") + " and " + dir.resolve("mdl.png"));
    return 0;
  }
}
