package dev.fivefold.cli;

import dev.fivefold.compress.quant.QuantizedCheckpoint;
import dev.fivefold.compress.quant.RateDistortion;
import dev.fivefold.compress.quant.RateDistortion.Method;
import dev.fivefold.data.Dataset;
import dev.fivefold.data.TextCorpus;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.io.BadInputException;
import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.LoadedModel;
import dev.fivefold.perception.Models;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fivefold ratedistortion}: quantization as coding, rate against distortion for every weight matrix of a model. */
@Command(name = "ratedistortion", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Quantization seen as coding: for every weight matrix of a trained model (mlp, lenet5, gpt), uniform, "
        + "k-means and entropy-constrained scalar quantization (ECSQ) at 1..8 bits; rate = bits per weight after fivefold's "
        + "rANS coder plus the codebook, distortion = the weight MSE against the Gaussian bound D(R) = σ²·2^(-2R), and the "
        + "task metric (test accuracy, or held-out bits/char for a gpt) with every matrix quantized at that setting. A per-layer "
        + "view quantizes one matrix at a time to show which layers deserve bits. Writes rd.csv, rd-layers.csv and three charts.", "",
        "Examples:",
        "  ./fivefold ratedistortion runs/mlp-x/checkpoint.safetensors",
        "  ./fivefold ratedistortion runs/gpt-kjv-10min/checkpoint.safetensors --eval-tokens 16384",
        "  ./fivefold ratedistortion CKPT --bits 2,4,8 --methods kmeans,ecsq --all", ""})
final class RateDistortionCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Parameters(paramLabel = "CKPT", description = "A float checkpoint.safetensors written by fivefold train (mlp, lenet5 or gpt).")
  Path file;

  @Option(names = "--bits", paramLabel = "LIST", defaultValue = "1-8", description = "Bit widths, a range a-b or a comma list, each in 1..8 (ECSQ: its entropy budget; default: ${DEFAULT-VALUE}).")
  String bits;

  @Option(names = "--methods", paramLabel = "LIST", defaultValue = "uniform,kmeans,ecsq", description = "Quantizers, comma-separated: uniform, kmeans, ecsq (default: ${DEFAULT-VALUE}).")
  String methods;

  @Option(names = "--eval-samples", paramLabel = "N", defaultValue = "2000", description = "Image models: score on the first N test images (default: ${DEFAULT-VALUE}).")
  int evalSamples;

  @Option(names = "--eval-tokens", paramLabel = "N", defaultValue = "8192", description = "gpt: score on the first N held-out tokens (default: ${DEFAULT-VALUE}).")
  long evalTokens;

  @Option(names = "--all", description = "Score on the whole test set / all held-out text (slower).")
  boolean all;

  @Option(names = "--weights-only", description = "Only the weight distortion, no task metric (fast).")
  boolean weightsOnly;

  @Option(names = "--layer-bits", paramLabel = "B", defaultValue = "2", description = "Per-layer view: quantize one matrix at a time at B bits (0 = off; default: ${DEFAULT-VALUE}).")
  int layerBits;

  @Option(names = "--layer-method", defaultValue = "kmeans", description = "Per-layer view's quantizer (default: ${DEFAULT-VALUE}).")
  String layerMethod;

  @Option(names = "--data", paramLabel = "NAME", description = "fashion-mnist, kjv or a text file (default: the checkpoint's).")
  String data;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the Fashion-MNIST IDX files.")
  Path dataDir;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/ratedistortion-<model>).")
  Path out;

  @Override
  public Integer call() throws Exception {
    common.apply();
    List<Integer> bitList = parseBits(bits);
    List<Method> methodList = new ArrayList<>();
    for (String m : methods.split(",")) methodList.add(method("--methods", m.trim()));
    Method lm = method("--layer-method", layerMethod);
    if (layerBits < 0 || layerBits > 8) throw new BadInputException("--layer-bits (" + layerBits + ") must be 0 (off) or in 1..8");
    common.atLeast("--eval-samples", evalSamples, 1);
    common.atLeast("--eval-tokens", evalTokens, 1);
    if (!Files.exists(file)) throw new java.nio.file.NoSuchFileException(file.toString());
    if (Files.isRegularFile(file) && QuantizedCheckpoint.isQuantized(file)) {
      throw new BadInputException(file + ": already quantized (" + dev.fivefold.io.SafeTensors.metadata(file).get(QuantizedCheckpoint.KEY)
          + "); rate-distortion starts from the float checkpoint");
    }
    LoadedModel l = Models.load(file);
    RateDistortion.Metric metric = weightsOnly ? null : metric(l);
    Path dir = out != null ? out : Path.of("runs", "ratedistortion-" + l.spec().replaceAll("[^A-Za-z0-9_.-]", "_"));
    Thread chartsReady = Charts.warmUp();
    var cfg = new RateDistortion.Config(bitList, methodList, metric, metric == null ? 0 : layerBits, lm);
    RateDistortion.Result r;
    try (Bar bar = new Bar()) {
      r = RateDistortion.run(l.model(), cfg, bar);
    }
    report(l, r, dir);
    Charts.join(chartsReady);
    charts(l, r, dir);
    stdout.println("wrote " + dir.resolve("rd.csv") + ", rd-layers.csv, rd-weights.png, rd-layers.png" + (metric != null ? ", rd-metric.png" : ""));
    return 0;
  }

  static List<Integer> parseBits(String s) {
    List<Integer> out = new ArrayList<>();
    try {
      if (s.matches("\\s*-?\\d+\\s*-\\s*-?\\d+\\s*")) {
        String[] ab = s.trim().split("(?<=\\d)\\s*-\\s*");
        int a = Integer.parseInt(ab[0].trim()), b = Integer.parseInt(ab[1].trim());
        if (a > b) throw new BadInputException("--bits (" + s + ") is an empty range");
        for (int i = a; i <= b; i++) out.add(i);
      } else {
        for (String p : s.split(",")) out.add(Integer.parseInt(p.trim()));
      }
    } catch (NumberFormatException e) {
      throw new BadInputException("--bits (" + s + ") must be a range a-b or a comma list of integers in 1..8");
    }
    for (int b : out) if (b < 1 || b > 8) throw new BadInputException("--bits (" + b + ") must be in 1..8");
    if (out.stream().distinct().count() != out.size()) throw new BadInputException("--bits (" + s + ") repeats a value");
    return out;
  }

  static Method method(String flag, String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "uniform" -> Method.UNIFORM;
      case "kmeans", "k-means" -> Method.KMEANS;
      case "ecsq" -> Method.ECSQ;
      default -> throw new BadInputException(flag + " (" + v + ") must be uniform, kmeans or ecsq");
    };
  }

  private RateDistortion.Metric metric(LoadedModel l) throws java.io.IOException {
    if (l.model() instanceof Gpt g) {
      String d = data != null ? data : l.meta().getOrDefault("data", "kjv");
      TextCorpus corpus = Inputs.corpus(d);
      if (!corpus.vocab().equals(l.vocab())) {
        throw new BadInputException(file + ": the checkpoint's vocabulary (" + l.vocab().size() + " symbols) differs from that of " + corpus.name() + " (" + corpus.vocabSize() + ")");
      }
      int batch = Integer.parseInt(l.meta().getOrDefault("batch", "32"));
      return RateDistortion.Metric.bitsPerChar(corpus, batch, common.seed, all ? 0 : evalTokens);
    }
    Path dd = dataDir;
    if (dd == null && data == null && l.meta().containsKey("data-dir")) dd = Path.of(l.meta().get("data-dir"));
    Dataset test = Inputs.images(data != null ? data : l.meta().get("data"), dd, stderr)[1];
    return RateDistortion.Metric.accuracy(all || evalSamples >= test.size() ? test : test.take(evalSamples));
  }

  private void report(LoadedModel l, RateDistortion.Result r, Path dir) throws java.io.IOException {
    boolean m = !r.metricName().isEmpty();
    stdout.printf(Locale.ROOT, "%s (%s): %d weight matrices, %,d weights; rate = rANS-coded bits per weight + codebook (32 bits a float); "
        + "distortion D/σ² in dB (Gaussian bound: -6.02 dB per bit)%s%n", file, l.spec(), r.tensors().size(), r.weights(),
        m ? String.format(Locale.ROOT, "; %s of the float32 model %.4f", r.metricName(), r.floatMetric()) : "");
    Table t = new Table("method", "bits", "rate", "entropy", "D/σ² dB", "bound dB", m ? r.metricName() : "-", m ? "delta" : "-");
    for (RateDistortion.Setting s : r.settings()) {
      t.add(s.method().label(), s.bits(), f3(s.rate()), f3(s.entropy()), String.format(Locale.ROOT, "%.2f", s.db()),
          String.format(Locale.ROOT, "%.2f", RateDistortion.gaussianDb(s.rate())), m ? String.format(Locale.ROOT, "%.4f", s.metric()) : "",
          m ? String.format(Locale.ROOT, "%+.4f", s.metric() - r.floatMetric()) : "");
    }
    stdout.print(t.pretty());
    // per layer: D/σ² at each bit width for the first method, and the one-at-a-time sensitivity
    Method first = layerView(r);
    Map<String, RateDistortion.Sensitivity> sens = new LinkedHashMap<>();
    for (var s : r.sensitivities()) sens.put(s.tensor(), s);
    List<String> head = new ArrayList<>(List.of("tensor", "shape", "weights", "σ²"));
    List<Integer> bl = r.settings().stream().filter(s -> s.method() == first).map(RateDistortion.Setting::bits).toList();
    for (int b : bl) head.add(first.label() + " " + b + "b dB");
    if (!sens.isEmpty()) {
      head.add("alone: rate");
      head.add("alone: " + r.metricName());
      head.add("delta per Mweight");
    }
    Table lt = new Table(head.toArray(String[]::new));
    for (RateDistortion.TensorInfo ti : r.tensors()) {
      List<Object> row = new ArrayList<>(List.of(ti.name(), shape(ti.shape()), ti.weights(), String.format(Locale.ROOT, "%.3g", ti.variance())));
      for (int b : bl) {
        for (RateDistortion.Point p : r.points()) {
          if (p.tensor().equals(ti.name()) && p.method() == first && p.bits() == b) row.add(String.format(Locale.ROOT, "%.2f", p.db()));
        }
      }
      RateDistortion.Sensitivity s = sens.get(ti.name());
      if (s != null) {
        row.add(f3(s.rate()));
        row.add(String.format(Locale.ROOT, "%.4f", s.metric()));
        row.add(String.format(Locale.ROOT, "%+.4f", (s.metric() - r.floatMetric()) / (ti.weights() / 1e6)));
      } else if (!sens.isEmpty()) {
        row.add("");
        row.add("");
        row.add("");
      }
      lt.add(row.toArray());
    }
    stdout.println();
    stdout.println("per layer (" + (sens.isEmpty() ? "" : "alone = only this matrix quantized, " + r.sensitivities().size() + " runs; ") + "D/σ² by " + first.label() + "):");
    stdout.print(lt.pretty());
    stdout.printf(Locale.ROOT, "%.1f s%n", r.seconds());
    Table csv = new Table("tensor", "method", "bits", "levels", "entropy", "rate", "mse", "variance", "db", "bound_db");
    for (RateDistortion.Point p : r.points()) {
      csv.add(p.tensor(), p.method().label(), p.bits(), p.levels(), p.entropy(), p.rate(), p.mse(), p.variance(), p.db(), p.boundDb());
    }
    for (RateDistortion.Setting s : r.settings()) {
      csv.add("(all)", s.method().label(), s.bits(), "", s.entropy(), s.rate(), "", "", s.db(), RateDistortion.gaussianDb(s.rate()));
    }
    Files.createDirectories(dir);
    AtomicFiles.writeString(dir.resolve("rd.csv"), csv.csv());
    Table lcsv = new Table("tensor", "weights", "variance", "alone_rate", "alone_metric", "float_metric");
    for (RateDistortion.TensorInfo ti : r.tensors()) {
      RateDistortion.Sensitivity s = sens.get(ti.name());
      lcsv.add(ti.name(), ti.weights(), ti.variance(), s == null ? "" : s.rate(), s == null ? "" : s.metric(), r.floatMetric());
    }
    AtomicFiles.writeString(dir.resolve("rd-layers.csv"), lcsv.csv());
  }

  private void charts(LoadedModel l, RateDistortion.Result r, Path dir) throws java.io.IOException {
    double maxRate = 0;
    Map<Method, List<double[]>> db = new LinkedHashMap<>(), metric = new LinkedHashMap<>();
    for (RateDistortion.Setting s : r.settings()) {
      db.computeIfAbsent(s.method(), k -> new ArrayList<>()).add(new double[] {s.rate(), s.db()});
      metric.computeIfAbsent(s.method(), k -> new ArrayList<>()).add(new double[] {s.rate(), s.metric()});
      maxRate = Math.max(maxRate, s.rate());
    }
    List<double[]> bound = new ArrayList<>();
    for (double x = 0; x <= maxRate + 1e-9; x += maxRate / 50) bound.add(new double[] {x, RateDistortion.gaussianDb(x)});
    List<Charts.Series> ws = new ArrayList<>();
    for (var e : db.entrySet()) ws.add(new Charts.Series(e.getKey().label(), sorted(e.getValue()), true));
    ws.add(new Charts.Series("Gaussian bound D(R) = σ²·2^(-2R)", bound, false));
    Charts.write(dir.resolve("rd-weights.png"), "rate-distortion of the weights: " + title(l, r), "rate (coded bits per weight)", "D/σ² (dB), all matrices", ws);
    if (!r.metricName().isEmpty()) {
      List<Charts.Series> ms = new ArrayList<>();
      for (var e : metric.entrySet()) ms.add(new Charts.Series(e.getKey().label(), sorted(e.getValue()), true));
      ms.add(new Charts.Series("float32", List.of(new double[] {0, r.floatMetric()}, new double[] {maxRate, r.floatMetric()}), false));
      Charts.write(dir.resolve("rd-metric.png"), r.metricName() + " against rate: " + title(l, r), "rate (coded bits per weight)", r.metricName(), ms);
    }
    Method first = layerView(r);
    List<Charts.Series> ls = new ArrayList<>();
    for (RateDistortion.TensorInfo ti : r.tensors()) {
      List<double[]> pts = new ArrayList<>();
      for (RateDistortion.Point p : r.points()) if (p.tensor().equals(ti.name()) && p.method() == first) pts.add(new double[] {p.rate(), p.db()});
      ls.add(new Charts.Series(ti.name(), sorted(pts), true));
    }
    ls.add(new Charts.Series("Gaussian bound", bound, false));
    Charts.write(dir.resolve("rd-layers.png"), "per layer, " + first.label() + ": " + title(l, r), "rate (coded bits per weight)", "D/σ² (dB)", ls);
  }

  /** The model's family and size, for a chart title. */
  private static String title(LoadedModel l, RateDistortion.Result r) {
    String family = l.spec().contains(":") ? l.spec().substring(0, l.spec().indexOf(':')) : l.spec();
    return String.format(Locale.ROOT, "%s, %d matrices, %,d weights", family, r.tensors().size(), r.weights());
  }

  /** The quantizer of the per-layer view: k-means if it ran, else the first. */
  private static Method layerView(RateDistortion.Result r) {
    return r.settings().stream().anyMatch(s -> s.method() == Method.KMEANS) ? Method.KMEANS : r.settings().getFirst().method();
  }

  private static List<double[]> sorted(List<double[]> p) {
    List<double[]> s = new ArrayList<>(p);
    s.sort((a, b) -> Double.compare(a[0], b[0]));
    return s;
  }

  private static String shape(List<Integer> dims) {
    return String.join("x", dims.stream().map(String::valueOf).toList());
  }

  private static String f3(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  /** A progress bar on a terminal, otherwise a line every ten seconds. */
  private final class Bar implements RateDistortion.Listener, AutoCloseable {
    private ProgressBar bar;
    private long last = System.nanoTime();
    private final long t0 = System.nanoTime();

    @Override
    public void progress(int done, int total, String what) {
      if (Progress.terminal()) {
        if (bar == null) {
          bar = new ProgressBarBuilder().setTaskName("ratedistortion").setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
              .setUpdateIntervalMillis(250).setConsumer(new ConsoleProgressBarConsumer(stderr, 150)).build();
        }
        bar.stepTo(done);
        bar.setExtraMessage(what);
      } else if (System.nanoTime() - last > 10_000_000_000L || done == total) {
        last = System.nanoTime();
        stderr.printf(Locale.ROOT, "ratedistortion: %d/%d (%s) %.0f s%n", done, total, what, (last - t0) / 1e9);
      }
    }

    @Override
    public void close() {
      if (bar != null) bar.close();
    }
  }
}
