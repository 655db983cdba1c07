package dev.fivefold.cli;

import dev.fivefold.dist.CostModel;
import dev.fivefold.io.BadInputException;
import dev.fivefold.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fivefold spark-timings}: Spark's latencies and bandwidths on this machine, for the α–β cost model ({@code SparkTimings}). */
@Command(name = "spark-timings", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Measures what Spark rounds cost here, for the alpha-beta cost model (t = alpha + bytes/beta): an empty job, "
        + "an extra stage, a barrier sync, and broadcast / gather / treeAggregate of payloads from 1 KB to 100 MB (medians "
        + "net of the empty job, with least-squares alpha and beta). Writes a table and a JSON file.", "",
        "Examples:",
        "  ./fivefold spark-timings --master local[2] --out spark-local.json",
        "  ./fivefold spark-timings --standalone 2 --out spark-standalone.json     a Master and 2 Workers on localhost, started and stopped here",
        "  ./fivefold spark-timings --fit spark-local.json --chart cost.png        the alpha-beta model fitted to the ring points, predicted for 8..1024 workers", "",
        "With --fit (no Spark started): t = alpha + bytes/beta is fitted by least squares to the measured ring exchanges (or --fit-kind), and the "
            + "time per synchronous step of N workers is predicted at 1, 10 and 100 Gbit/s with the fitted alpha: dense (ring all-reduce of 4d bytes) "
            + "against compressed payloads of 4d/ratio bytes (all-gathered: sparse and sign payloads do not add up in transit). "
            + "The chart shows the speedup dense/compressed against N: compression pays above 1.", ""})
final class SparkTimingsCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Option(names = "--master", description = "Spark master (default: local[2]); not with --standalone.")
  String master;

  @Option(names = "--standalone", paramLabel = "N", defaultValue = "0",
      description = "Start a standalone cluster of N one-core Workers on localhost for the measurement, and stop it after (default: off).")
  int standalone;

  @Option(names = "--partitions", defaultValue = "2", description = "Tasks per job (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--sizes", split = ",", defaultValue = "1000,10000,100000,1000000,10000000,100000000",
      description = "Payload sizes in bytes (default: ${DEFAULT-VALUE}).")
  long[] sizes;

  @Option(names = "--repeats", defaultValue = "5", description = "Runs per point after a warm-up (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--no-barrier", description = "Skip the barrier sync (about 4 s per run).")
  boolean noBarrier;

  @Option(names = "--fit", paramLabel = "FILE.json", description = "Fit and predict from an earlier measurement's JSON instead of measuring.")
  Path fit;

  @Option(names = "--fit-kind", defaultValue = "ring", description = "Which measured points to fit: ring, gather, broadcast, treeAggregate (default: ${DEFAULT-VALUE}).")
  String fitKind;

  @Option(names = "--params", defaultValue = "266610", description = "Model parameters d for the prediction (default: LeNet-300-100, ${DEFAULT-VALUE}).")
  long params;

  @Option(names = "--compute-ms", defaultValue = "2", description = "One worker's compute per step, ms (default: ${DEFAULT-VALUE}).")
  double computeMs;

  @Option(names = "--ratios", split = ",", defaultValue = "32,270", description = "Compression ratios to predict, e.g. 32 (1-bit) and 270 (DGC) (default: ${DEFAULT-VALUE}).")
  double[] ratios;

  @Option(names = "--overhead-ms", defaultValue = "0", description = "Compression and decoding time per step, ms (default: ${DEFAULT-VALUE}).")
  double overheadMs;

  @Option(names = "--chart", paramLabel = "FILE.png", description = "Write the speedup chart here (with --fit).")
  Path chart;

  @Option(names = "--out", paramLabel = "FILE.json", defaultValue = "spark-timings.json", description = "Where the JSON goes (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    common.apply();
    if (fit != null) return fit();
    common.atLeast("--standalone", standalone, 0);
    common.atLeast("--partitions", partitions, 1);
    common.atLeast("--repeats", repeats, 1);
    for (long s : sizes) if (s < 4 || s > 512L << 20) throw common.bad("--sizes (" + s + ") must be in [4, 536870912] bytes");
    if (standalone > 0 && master != null) throw common.bad("--standalone (" + standalone + ") and --master (" + master + ") exclude each other");
    if (master == null) master = "local[2]";
    SparkTrainCommand.requireSparkClasses();
    return SparkRun.timings(this);
  }

  static final int[] WORKERS = {8, 16, 32, 64, 128, 256, 512, 1024};
  static final double[] GBITS = {1, 10, 100};

  /** --fit: the cost model from a measurement file, its predictions and the chart. */
  private int fit() throws IOException {
    common.atLeast("--params", params, 1);
    common.nonNegative("--compute-ms", computeMs);
    common.nonNegative("--overhead-ms", overheadMs);
    for (double r : ratios) if (!(r >= 1) || Double.isInfinite(r)) throw common.bad("--ratios (" + r + ") must each be >= 1");
    if (!Files.isRegularFile(fit)) throw new BadInputException("--fit (" + fit + ") is not a file");
    Object root = Json.parse(Files.readString(fit), fit.toString());
    List<Double> b = new ArrayList<>(), t = new ArrayList<>();
    if (root instanceof Map<?, ?> m && m.get("points") instanceof List<?> pts) {
      for (Object o : pts) {
        if (o instanceof Map<?, ?> p && fitKind.equals(p.get("what")) && p.get("bytes") instanceof Number n && p.get("median_s") instanceof Number s) {
          b.add(n.doubleValue());
          t.add(s.doubleValue());
        }
      }
    }
    if (b.size() < 2) throw new BadInputException("--fit (" + fit + ") has " + b.size() + " '" + fitKind + "' points: at least 2 sizes are needed (measure with the barrier on, or pick --fit-kind)");
    CostModel.Fit f = CostModel.fit(b.stream().mapToDouble(Double::doubleValue).toArray(), t.stream().mapToDouble(Double::doubleValue).toArray());
    stdout.printf(Locale.ROOT, "%s: %d points; alpha %.1f µs per message, beta %s on this machine (rms residual %.2f ms)%n", fitKind, f.points(), 1e6 * f.alpha(),
        Double.isInfinite(f.beta()) ? "unbounded" : String.format(Locale.ROOT, "%.0f MB/s = %.2f Gbit/s", f.beta() / 1e6, 8 * f.beta() / 1e9), 1e3 * f.rmsSeconds());
    CostModel model = new CostModel(f.alpha(), computeMs / 1e3, params);
    double dense = 4.0 * params;
    List<String> head = new ArrayList<>(List.of("workers", "gbit_s", "dense_ms"));
    for (double r : ratios) head.add(String.format(Locale.ROOT, "x%.0f_ms", r));
    for (double r : ratios) head.add(String.format(Locale.ROOT, "x%.0f_speedup", r));
    Table tbl = new Table(head.toArray(String[]::new));
    List<Charts.Series> series = new ArrayList<>();
    for (double r : ratios) for (double g : GBITS) series.add(new Charts.Series(String.format(Locale.ROOT, "%.0fx at %.0f Gbit/s", r, g), new ArrayList<>(), true));
    for (int n : WORKERS) {
      for (int gi = 0; gi < GBITS.length; gi++) {
        double g = GBITS[gi];
        List<Object> row = new ArrayList<>(List.of(n, String.format(Locale.ROOT, "%.0f", g), String.format(Locale.ROOT, "%.3f", 1e3 * model.dense(n, g))));
        List<Object> sp = new ArrayList<>();
        for (int ri = 0; ri < ratios.length; ri++) {
          double c = model.compressed(n, g, dense / ratios[ri], false, overheadMs / 1e3);
          row.add(String.format(Locale.ROOT, "%.3f", 1e3 * c));
          double speed = model.dense(n, g) / c;
          sp.add(String.format(Locale.ROOT, "%.2f", speed));
          series.get(ri * GBITS.length + gi).points().add(new double[] {n, speed});
        }
        row.addAll(sp);
        tbl.add(row.toArray());
      }
    }
    stdout.printf(Locale.ROOT, "Predicted time per step, d = %,d, compute %.2f ms, coding overhead %.2f ms (ring all-reduce dense, all-gather compressed)%n", params,
        computeMs, overheadMs);
    stdout.print(tbl.pretty());
    Table pays = new Table("workers", "ratio", "compression_pays_below_gbit_s");
    for (int n : WORKERS) {
      for (double r : ratios) {
        double below = model.paysBelowGbit(n, dense / r, false, overheadMs / 1e3);
        pays.add(n, String.format(Locale.ROOT, "%.0f", r), Double.isInfinite(below) ? "always" : below == 0 ? "never" : String.format(Locale.ROOT, "%.3g", below));
      }
    }
    stdout.println("Where compression starts to pay");
    stdout.print(pays.pretty());
    if (chart != null) {
      Charts.logChart(chart, "Dense step time / compressed step time (above 1: compression pays)", "workers", "speedup", series, true);
      stdout.println("wrote " + chart);
    }
    return 0;
  }
}
