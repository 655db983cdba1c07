package dev.fivefold.cli;

import dev.fivefold.compress.zip.CodingCurve;
import dev.fivefold.compress.zip.Zip;
import dev.fivefold.compress.zip.ZipListener;
import dev.fivefold.compress.zip.ZipSettings;
import dev.fivefold.io.BadInputException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fivefold zip}: lossless compression by a GPT that learns as it codes, mixed with context models ({@link Zip}). */
@Command(name = "zip", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Compress any file into an .ffx archive: bits are predicted by 22 count-based context models (orders 1-16, "
        + "word, sparse, indirect and line contexts) and two match models, mixed by online logistic mixers, refined by "
        + "APM/SSE stages and coded by a 32-bit arithmetic coder; with --network also by a GPT that is trained on the "
        + "file as it is coded (online, as NNCP; nothing is shipped). `fivefold unzip` restores it byte for byte.", "",
        "Examples:",
        "  ./fivefold zip kjv.txt                       context models -> kjv.txt.ffx",
        "  ./fivefold zip kjv.txt --network             GPT + context models (about 20x slower)",
        "  ./fivefold zip kjv.txt --chart bpb.png       also chart bits/byte against position", ""})
final class ZipCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Parameters(paramLabel = "FILE", description = "The file to compress.")
  Path file;

  @Option(names = {"-o", "--out"}, paramLabel = "OUT", description = "The archive (default: FILE.ffx).")
  Path out;

  @Option(names = "--force", description = "Overwrite OUT if it exists.")
  boolean force;

  @Option(names = "--network", description = "Mix in a GPT trained online on the file (off by default: on the KJV it costs 20x the time and does not pay).")
  boolean network;

  @Option(names = "--no-network", description = "Context models only: the default since format 3 (kept for old scripts).")
  boolean noNetwork;

  @Option(names = "--no-context", description = "Leave the context models out (network and an order-0 model).")
  boolean noContext;

  @Option(names = "--model", paramLabel = "CKPT", description = "Static mode: code with this trained GPT checkpoint (not trained further); unzip needs the same file.")
  Path model;

  @Option(names = "--lr", defaultValue = "0.005", description = "Adam learning rate of online training (default: ${DEFAULT-VALUE}).")
  float lr;

  @Option(names = "--layers", defaultValue = "2", description = "GPT layers (default: ${DEFAULT-VALUE}).")
  int layers;

  @Option(names = "--heads", defaultValue = "4", description = "GPT heads (default: ${DEFAULT-VALUE}).")
  int heads;

  @Option(names = "--width", defaultValue = "64", description = "GPT width (default: ${DEFAULT-VALUE}).")
  int width;

  @Option(names = "--window", defaultValue = "32", description = "GPT context T in bytes; a training step every T/2 rounds (default: ${DEFAULT-VALUE}).")
  int window;

  @Option(names = "--segments", paramLabel = "B",
      description = "Interleaved segments B: B rows per training step (default: 8 with --network, 1 without: the context models do best on one stream).")
  Integer segments;

  @Option(names = "--table-bits", defaultValue = "24", description = "log2 of each context model's table in 4-byte units (default: ${DEFAULT-VALUE}: 64 MiB each, 22 models).")
  int tableBits;

  @Option(names = "--chart", paramLabel = "PNG", description = "Write bits/byte against position (mixed, context models alone, network alone).")
  Path chart;

  @Override
  public Integer call() throws IOException {
    common.apply();
    if (!Files.isRegularFile(file)) {
      throw new BadInputException(file + ": " + (Files.isDirectory(file) ? "is a directory, not a file" : Files.exists(file) ? "not a regular file" : "no such file"));
    }
    Path o = out != null ? out : Path.of(file + ".ffx");
    if (Files.exists(o) && !force) throw new BadInputException(o + ": exists (use --force to overwrite)");
    if (network && noNetwork) throw common.bad("--network and --no-network contradict each other");
    if (noNetwork && model != null) throw common.bad("--model needs the network (not with --no-network)");
    boolean net = network || model != null;
    ZipSettings s;
    try {
      s = new ZipSettings(net, !noContext, segments != null ? segments : net ? 8 : 1, layers, heads, width, window, lr, common.seed, tableBits);
    } catch (IllegalArgumentException e) {
      throw common.bad(e.getMessage().replace("tableBits", "--table-bits").replaceFirst("^(\\w)", "--$1"));
    }
    stderr.println("zip " + file + " -> " + o + ": " + s.describe() + (model != null ? ", static model " + model : ""));
    Zip.Result r;
    try (Bar bar = new Bar(stderr, "zip")) {
      r = Zip.compress(new Zip.Config(file, o, s, model), bar);
    }
    Table t = new Table("file", "bytes", "archive", "bits/byte", "KB/s", "seconds", "context alone", "network alone", "train steps", "parameters");
    t.add(file.getFileName(), r.inputBytes(), r.archiveBytes(), Table.fmt(r.bitsPerByte()), String.format("%.1f", r.kbPerSecond()),
        String.format("%.1f", r.seconds()), Table.fmt(r.contextOnlyBitsPerByte()), Table.fmt(r.networkOnlyBitsPerByte()), r.trainSteps(), r.parameters());
    stdout.print(t.pretty());
    if (chart != null) chart(chart, r.curve(), file.getFileName().toString());
    return 0;
  }

  private void chart(Path png, CodingCurve c, String name) throws IOException {
    List<Charts.Series> series = new ArrayList<>();
    series.add(new Charts.Series("coder (mixed)", points(c.mixed(), c.chunk()), false));
    if (!Double.isNaN(sum(c.contextOnly()))) series.add(new Charts.Series("context models alone", points(c.contextOnly(), c.chunk()), false));
    if (!Double.isNaN(sum(c.networkOnly()))) series.add(new Charts.Series("network alone", points(c.networkOnly(), c.chunk()), false));
    Charts.write(png, "fivefold zip: bits per byte against position, " + name, "bytes coded", "bits per byte", series);
    stderr.println("chart: " + png);
  }

  private static double sum(double[] v) {
    double s = 0;
    for (double x : v) s += x;
    return v.length == 0 ? Double.NaN : s;
  }

  private static List<double[]> points(double[] v, long chunk) {
    List<double[]> p = new ArrayList<>();
    for (int i = 0; i < v.length; i++) p.add(new double[] {(i + 1.0) * chunk, v[i]});
    return p;
  }

  /** A progress bar of bytes with KB/s and the running bits per byte; a line every ten seconds when stderr is not a terminal. */
  static final class Bar implements ZipListener, AutoCloseable {
    private final PrintStream err;
    private final String task;
    private ProgressBar bar;
    private long lastLine = System.nanoTime();

    Bar(PrintStream err, String task) {
      this.err = err;
      this.task = task;
    }

    @Override
    public void progress(long done, long total, double bits, double seconds) {
      String m = String.format("%.4f bits/byte  %.1f KB/s", done == 0 ? 0 : bits / done, seconds > 0 ? done / 1024.0 / seconds : 0);
      if (Progress.terminal()) {
        if (bar == null) {
          bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(Math.max(1, total)).setUnit(" KB", 1024).setStyle(ProgressBarStyle.ASCII)
              .setUpdateIntervalMillis(250).setConsumer(new ConsoleProgressBarConsumer(err, 150)).continuousUpdate().build();
        }
        bar.stepTo(done);
        bar.setExtraMessage(m);
      } else if (System.nanoTime() - lastLine > 10_000_000_000L || done == total) {
        lastLine = System.nanoTime();
        err.println(task + " " + done + "/" + total + " bytes  " + m);
      }
    }

    @Override
    public void close() {
      if (bar != null) bar.close();
      bar = null;
    }
  }
}
