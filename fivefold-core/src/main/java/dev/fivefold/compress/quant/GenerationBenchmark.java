package dev.fivefold.compress.quant;

import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.GptConfig;
import dev.fivefold.perception.generate.Decoder;
import dev.fivefold.perception.generate.Generator;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.LanguageModelTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Generation speed measured side by side in one run:
 * <ol>
 *   <li>the recomputing sampler (a full forward of the window per token, {@link LanguageModelTask#sample})
 *       against the KV-cache {@link Decoder}, on one GPT, filling its context from a one-token prompt;</li>
 *   <li>float32 against weight-only int8 (symmetric, per channel) and int4 (symmetric, group 64,
 *       round-to-nearest) linear maps, on a GPT of the given width with random weights (speed does
 *       not depend on their values), again filling a 128-token context.</li>
 * </ol>
 * Each variant is timed over whole runs, the variants of a group interleaved round by round (so a
 * load change on a shared machine hits them alike), and the median run is reported. Memory is what
 * the variant holds: weights as stored (embeddings and norms float32) and the KV cache at full context;
 * the process's peak resident set (VmHWM, Linux) is reported once.
 */
public final class GenerationBenchmark {
  private GenerationBenchmark() {}

  /**
   * The benchmark's settings, validated on construction.
   *
   * @param kvModel the GPT for recompute vs KV cache (null: a random width-128, 4-layer, 128-context one)
   * @param width width of the GPT for the weight formats (a multiple of 64, ≥ 64)
   * @param layers its layers
   * @param seconds time per variant (at least 3 runs each)
   * @param seed weights of the random models
   */
  public record Config(Gpt kvModel, int width, int layers, double seconds, long seed) {
    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if {@code width} is not a positive multiple of 64, {@code layers} &lt;
     *     1, or {@code seconds} is not &gt; 0
     */
    public Config {
      if (width < 64 || width % 64 != 0) throw new IllegalArgumentException("width (" + width + ") must be a multiple of 64, >= 64");
      if (layers < 1) throw new IllegalArgumentException("layers (" + layers + ") must be >= 1");
      if (!(seconds > 0)) throw new IllegalArgumentException("seconds (" + seconds + ") must be > 0");
    }
  }

  /**
   * One variant: tokens per second of wall time and per second of process CPU time (median runs),
   * bytes held, and its speed-up in CPU time over the first variant of its group. On a machine
   * shared with other work the CPU figure is the one to compare (the wall figure counts time the
   * process waited for a core); with one thread it is the kernel's own speed.
   *
   * @param what the variant's label
   * @param model the GPT's configuration, as a string
   * @param tokensPerSecond generated tokens per second of wall time
   * @param tokensPerCpuSecond generated tokens per second of process CPU time
   * @param weightBytes the weights' bytes as held
   * @param cacheBytes the KV cache's bytes at full context (0 for recomputing)
   * @param speedup CPU-time speed-up over the group's first variant
   */
  public record Row(String what, String model, double tokensPerSecond, double tokensPerCpuSecond, long weightBytes, long cacheBytes, double speedup) {}

  /**
   * The table.
   *
   * @param rows the variants, the recompute group first
   * @param tokensPerRun tokens generated per run of the recompute group
   * @param runs the most timed rounds of a group
   * @param peakRssBytes the process's peak resident set in bytes, 0 where unknown
   */
  public record Result(List<Row> rows, int tokensPerRun, int runs, long peakRssBytes) {}

  /**
   * Runs both groups: recompute against KV cache, then float32, int8 and int4 weights.
   *
   * @param cfg the settings
   * @return the rows and the run counts
   */
  public static Result run(Config cfg) {
    Gpt small = cfg.kvModel() != null ? cfg.kvModel() : new Gpt(GptConfig.small(65), cfg.seed());
    small.eval();
    GptConfig sc = small.config();
    int n = sc.context() - 1;
    List<Row> rows = new ArrayList<>();
    int[] runs = {0};
    // 1. recompute vs KV cache
    Decoder dec = Decoder.of(small);
    long floatBytes = 4L * small.parameterCount();
    double[][] g1 = time(cfg.seconds(), runs, List.of(
        () -> LanguageModelTask.sample(small, new int[] {1}, n, 0, 0, new Rng(0)),
        () -> Generator.generate(dec, new int[] {1}, new Generator.Config(n, 0, 0, 0), new Rng(0))));
    rows.add(new Row("recompute (full forward per token)", sc.toString(), n / g1[0][0], n / g1[1][0], floatBytes, 0, 1));
    rows.add(new Row("KV cache float32", sc.toString(), n / g1[0][1], n / g1[1][1], dec.weightBytes(), dec.cacheBytes(), g1[1][0] / g1[1][1]));
    // 2. weight formats on a wide model
    GptConfig wc = new GptConfig(sc.vocab(), 128, cfg.layers(), cfg.width() / 64, cfg.width(), 0f);
    Gpt wide = new Gpt(wc, cfg.seed());
    Map<String, Tensor> sd = wide.stateDict();
    Decoder f32 = Decoder.of(wide);
    Decoder i8 = quantized(wc, sd, QuantConfig.of(8, QuantConfig.Scheme.SYMMETRIC, QuantConfig.Granularity.CHANNEL, 64, QuantConfig.Method.RTN));
    Decoder i4 = quantized(wc, sd, QuantConfig.of(4, QuantConfig.Scheme.SYMMETRIC, QuantConfig.Granularity.GROUP, 64, QuantConfig.Method.RTN));
    int m = wc.context() - 1;
    double[][] g2 = time(cfg.seconds(), runs, List.of(
        () -> Generator.generate(f32, new int[] {1}, new Generator.Config(m, 0, 0, 0), new Rng(0)),
        () -> Generator.generate(i8, new int[] {1}, new Generator.Config(m, 0, 0, 0), new Rng(0)),
        () -> Generator.generate(i4, new int[] {1}, new Generator.Config(m, 0, 0, 0), new Rng(0))));
    String[] names = {"float32 weights", "int8 weight-only (channel)", "int4 weight-only (group 64)"};
    Decoder[] decs = {f32, i8, i4};
    for (int i = 0; i < 3; i++) rows.add(new Row(names[i] + ", KV cache", wc.toString(), m / g2[0][i], m / g2[1][i], decs[i].weightBytes(), decs[i].cacheBytes(), g2[1][0] / g2[1][i]));
    return new Result(rows, n, runs[0], peakRss());
  }

  private static Decoder quantized(GptConfig wc, Map<String, Tensor> sd, QuantConfig q) {
    return new Decoder(wc, sd::get, name -> {
      Tensor w = sd.get(name + ".weight");
      return Rtn.quantize(w.data(), w.dim(0), w.dim(1), q).rowLinear(sd.get(name + ".bias"));
    }, Decoder.cache(wc, 0));
  }

  /**
   * Median wall seconds [0][i] and process CPU seconds [1][i] per run of each variant, interleaved
   * round by round: two warm-up rounds (the JIT), then rounds until {@code seconds} of CPU per
   * variant (at least 3 rounds).
   */
  private static double[][] time(double seconds, int[] runs, List<Runnable> variants) {
    int k = variants.size();
    for (int w = 0; w < 2; w++) for (Runnable v : variants) v.run();
    List<List<Double>> wall = new ArrayList<>(), cpu = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      wall.add(new ArrayList<>());
      cpu.add(new ArrayList<>());
    }
    double spent = 0;
    int rounds = 0;
    while (rounds < 3 || spent < seconds * k) {
      for (int i = 0; i < k; i++) {
        long c0 = cpuNanos(), t0 = System.nanoTime();
        variants.get(i).run();
        double s = (System.nanoTime() - t0) / 1e9, c = (cpuNanos() - c0) / 1e9;
        wall.get(i).add(s);
        cpu.get(i).add(c > 0 ? c : s);
        spent += c > 0 ? c : s;
      }
      rounds++;
      if (rounds >= 200) break;
    }
    runs[0] = Math.max(runs[0], rounds);
    return new double[][] {medians(wall), medians(cpu)};
  }

  private static double[] medians(List<List<Double>> t) {
    double[] med = new double[t.size()];
    for (int i = 0; i < med.length; i++) {
      double[] a = t.get(i).stream().mapToDouble(Double::doubleValue).toArray();
      Arrays.sort(a);
      med[i] = a[a.length / 2];
    }
    return med;
  }

  /** CPU time of the whole process (all threads), or 0 where the JVM does not report it. */
  static long cpuNanos() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) return Math.max(0, os.getProcessCpuTime());
    return 0;
  }

  /** VmHWM of /proc/self/status in bytes, or 0 where there is none. */
  static long peakRss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

}
