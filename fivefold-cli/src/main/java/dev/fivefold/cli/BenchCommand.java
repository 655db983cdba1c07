package dev.fivefold.cli;

import dev.fivefold.data.Dataset;
import dev.fivefold.data.TextCorpus;
import dev.fivefold.io.Json;
import dev.fivefold.nn.Module;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.GptConfig;
import dev.fivefold.perception.LeNet5;
import dev.fivefold.perception.Mlp;
import dev.fivefold.perception.Vit;
import dev.fivefold.perception.ResNet;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Gemm;
import dev.fivefold.tensor.kernel.GemmBlocking;
import dev.fivefold.tensor.kernel.Peak;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.LanguageModelTask;
import dev.fivefold.train.Task;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.Trainer;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fivefold bench}: kernel and training throughput, as a table or as JSON lines with the keys
 * of {@code bench/torch_reference.py} (sgemm_256 … gpt_train), so {@code bench/compare.sh} can put
 * fivefold and PyTorch side by side. Values are medians of repeated timings after a warm-up.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Measure this machine's fp32 peak (a Vector API FMA loop), SGEMM GFLOP/s (and %% of that peak), training "
        + "throughput of LeNet-300-100, LeNet-5, a 4-layer GPT (width 128; gpt256_train and gpt512_train: width 256 and 512 at "
        + "context 256), a 2-layer LSTM LM (lstm_train), the default ViT (vit_train) and the default ResNet (cnn_train) on random data, "
        + "each with its model FLOP/s as a share of the peak, peak memory and bytes allocated per training step. Medians of "
        + "repeated timings after a warm-up.", "",
        "Examples:",
        "  ./fivefold bench                        table, ~2 minutes",
        "  ./fivefold bench --quick --threads 1",
        "  ./fivefold bench --json > fivefold.jsonl   JSON lines {\"work\":..,\"value\":..,\"unit\":..}", ""})
final class BenchCommand extends Subcommand {
  /** Every group, in run order. */
  static final List<String> GROUPS = List.of("sgemm", "mlp_train", "lenet5_train", "gpt_train", "vit_train", "cnn_train",
      "lstm_train", "gpt256_train", "gpt512_train");

  /** This machine's fp32 peak with the bench's thread count, measured at the start of {@link #call}. */
  private Peak.Result peak;

  @Mixin Common common = new Common();

  @Option(names = "--json", description = "JSON lines on stdout instead of a table.")
  boolean json;

  @Option(names = "--quick", description = "Fewer repetitions (~30 s).")
  boolean quick;

  @Option(names = "--only", paramLabel = "GROUP", split = ",", description = "Only these groups: sgemm, mlp_train, lenet5_train, gpt_train, vit_train, cnn_train, lstm_train, "
      + "gpt256_train, gpt512_train.")
  List<String> only;


  @Override
  public Integer call() {
    common.apply();
    List<String> groups = only != null ? only : GROUPS;
    for (String g : groups) {
      if (!GROUPS.contains(g)) {
        throw common.bad("--only (" + g + ") must be one of " + String.join(", ", GROUPS));
      }
    }
    int threads = common.threads();
    peak = Peak.measure(threads, quick ? 3 : 7);
    stderr.printf("fivefold bench: %s, %d thread%s, measured fp32 peak %.0f GFLOP/s (%.0f per thread, %d-lane FMA loop), %s%n",
        peak.cpu(), threads, threads == 1 ? "" : "s", peak.gflops(), peak.perThread(), peak.lanes(), quick ? "quick" : "full");
    if (!json) stdout.printf("%-34s %12s  %-10s %s%n", "work", "value", "unit", "notes");
    emit("fp32_peak", peak.gflops(), "GFLOP/s", Map.of("cpu", peak.cpu(), "threads", threads, "lanes", peak.lanes()));
    GemmBlocking chosen = Gemm.blocking();
    stderr.printf("fivefold bench: sgemm blocking %s%s%n", chosen, Gemm.blockingTimings().isEmpty() ? " (-Dff.gemm)"
        : ", chosen by timing the micro-kernels (GFLOP/s, one thread): " + Gemm.blockingTimings());
    for (String g : groups) {
      resetPeaks();
      switch (g) {
        case "sgemm" -> sgemm(threads);
        case "mlp_train" -> train(g, Mlp.lenet300100(0), quick ? 20 : 20, quick ? 5 : 9, quick ? 20 : 40);
        case "lenet5_train" -> train(g, new LeNet5(0), 5, quick ? 5 : 7, quick ? 5 : 10);
        case "gpt_train" -> gpt(g, new GptConfig(80, 128, 4, 4, 128, 0f), 32, 2, quick ? 5 : 7, quick ? 2 : 3);
        // the larger GPTs of issue 21: context 256, 4 layers, heads of 64, batch 8 (2,048 tokens a step)
        case "gpt256_train" -> gpt(g, new GptConfig(80, 256, 4, 4, 256, 0f), 8, 1, quick ? 3 : 5, quick ? 1 : 2);
        case "gpt512_train" -> gpt(g, new GptConfig(80, 256, 4, 8, 512, 0f), 8, 1, quick ? 3 : 5, 1);
        // the default ViT (patch 4, width 64, 6 layers, 4 heads, MLP 128: 50 tokens), batch 128, Adam
        case "vit_train" -> train(g, Vit.Spec.standard().build(0), 3, quick ? 5 : 7, quick ? 3 : 6);
        // cnn_train: the default ResNet (perception.ResNet, batch norm + residual blocks), batch 128 as the other train groups
        case "cnn_train" -> train(g, ResNet.Spec.standard().build(0), 2, quick ? 3 : 5, quick ? 2 : 4);
        // lstm_train: the default recurrent LM (lstm:layers=2,width=256), batch 32 × 128 tokens, truncated BPTT, AdamW
        case "lstm_train" -> lstm(quick ? 5 : 7, quick ? 2 : 3);
        default -> throw new IllegalStateException(g);
      }
      emit(g + "_peak_heap_mb", peakHeap() / 1e6, "MB", Map.of());
      double rss = peakRssMb();
      if (rss > 0) emit(g + "_peak_rss_mb", rss, "MB", Map.of("note", "whole JVM, in-process"));
    }
    return 0;
  }

  private void sgemm(int threads) {
    int reps = quick ? 5 : 11;
    int[][] shapes = {{256, 256, 256}, {512, 512, 512}, {1024, 1024, 1024}, {2048, 2048, 2048}, {128, 784, 300}, {128, 300, 100}};
    String[] keys = {"sgemm_256", "sgemm_512", "sgemm_1024", "sgemm_2048", "sgemm_mlp1", "sgemm_mlp2"};
    for (int i = 0; i < shapes.length; i++) {
      int m = shapes[i][0], k = shapes[i][1], n = shapes[i][2];
      double g = Gemm.benchGflops(m, n, k, false, false, reps);
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("pct_peak", round(peak.percent(g)));
      extra.put("m", m);
      extra.put("k", k);
      extra.put("n", n);
      extra.put("reps", reps);
      extra.put("blocking", Gemm.blocking().name());
      emit(keys[i], g, "GFLOP/s", extra);
    }
    GemmBlocking chosen = Gemm.blocking();
    try { // every candidate at 1024³: what the choice was among (all compute the same bits)
      for (GemmBlocking b : GemmBlocking.candidates()) {
        Gemm.setBlocking(b);
        double g = Gemm.benchGflops(1024, 1024, 1024, false, false, reps);
        emit("sgemm_1024_" + b.name(), g, "GFLOP/s", Map.of("pct_peak", round(peak.percent(g)), "chosen", b.equals(chosen)));
      }
    } finally {
      Gemm.setBlocking(chosen);
    }
  }

  private void train(String key, Module model, int warmup, int chunks, int steps) {
    Rng rng = new Rng(0);
    int n = 16 * 128;
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = rng.nextInt(10);
    Dataset ds = new Dataset(Tensor.uniform(rng, 0, 1, n, 1, 28, 28), y, 10);
    Task task = new ClassificationTask(model, ds, ds.take(128), 128, 0);
    run(key, task, Optimizers.adam(model.parameters(), 1e-3), warmup, chunks, steps, 0, "gemm");
  }

  /**
   * A GPT of shape {@code cfg} (vocab 80, as the random text's) with AdamW on {@code batch} sequences of the full context.
   * Its model FLOPs per token are nanoGPT's / PaLM's estimate {@code 6·N + 12·L·C·T} (N: the parameters outside the
   * embedding tables, i.e. those in a product; the second term the attention scores and their use, forward and backward).
   */
  private void gpt(String key, GptConfig cfg, int batch, int warmup, int chunks, int steps) {
    TextCorpus corpus = randomText();
    Gpt model = new Gpt(cfg, 0);
    Optimizer opt = Optimizers.adamw(model.parameters(), 1e-3, 0.9, 0.999, 1e-8, 0.1);
    long embeddings = (long) (cfg.vocab() + cfg.context()) * cfg.width();
    double perToken = 6.0 * (model.parameterCount() - embeddings) + 12.0 * cfg.layers() * cfg.width() * cfg.context();
    run(key, new LanguageModelTask(model, corpus, batch, cfg.context(), 0, 1), opt, warmup, chunks, steps, perToken, "6N+12LCT");
  }

  private void lstm(int chunks, int steps) {
    TextCorpus corpus = randomText();
    var model = new dev.fivefold.perception.RecurrentLm(new dev.fivefold.perception.RecurrentLm.Spec("lstm", corpus.vocabSize(), 128, 2, 256), 0);
    Optimizer opt = Optimizers.adamw(model.parameters(), 1e-3, 0.9, 0.999, 1e-8, 0.1);
    run("lstm_train", new dev.fivefold.train.RecurrentLanguageModelTask(model, corpus, 32, 128, 1), opt, 2, chunks, steps, 0, "gemm");
  }

  /** 2^18 random bytes over 80 symbols (the gpt_train and lstm_train text). */
  private static TextCorpus randomText() {
    int v = 80;
    Rng rng = new Rng(0);
    byte[] text = new byte[1 << 18];
    for (int i = 0; i < text.length; i++) text[i] = (byte) (32 + rng.nextInt(v));
    return TextCorpus.of("random", text, TextCorpus.VocabKind.COMPACT, 0.1);
  }

  /** The training groups' time rule (bench/torch_reference.py uses the same): least warm-up and chunk seconds. */
  static final double WARMUP_S = 3.0, WARMUP_S_QUICK = 1.5, CHUNK_S = 0.5, CHUNK_S_QUICK = 0.25;

  /**
   * Times {@code chunks} chunks of at least {@code steps} steps and {@link #CHUNK_S} seconds each, after a warm-up of
   * at least {@code warmup} steps and {@link #WARMUP_S} seconds (the {@code _QUICK} values with --quick), and emits the median throughput, the model's
   * FLOP/s (and its share of the peak), its parameter count and the bytes allocated per step. {@code flopsPerUnit}
   * is the model's FLOPs per sample (token) by a formula named {@code formula}; 0 takes the count of one step's matrix
   * products ({@link Gemm#startCounting}: {@code 2·m·n·k} per product, forward and backward, convolutions included as
   * their im2col products; element-wise work not counted), which is printed beside the formula's in any case.
   */
  private void run(String key, Task task, Optimizer opt, int warmup, int chunks, int steps, double flopsPerUnit, String formula) {
    Trainer t = new Trainer(task, opt, TrainConfig.epochs(1));
    task.model().train();
    // warm-up: at least `warmup` steps and WARMUP_S seconds, so that C2 has compiled the step's kernels (a 2 ms MLP
    // step still ran partly interpreted after 20 steps: chunks of one run ranged 11k to 80k samples/s, session 17)
    // (the step time for the chunk size is that of the warm-up's second half)
    double warmS = quick ? WARMUP_S_QUICK : WARMUP_S;
    long w0 = System.nanoTime(), h0 = 0;
    int done = 0, halfDone = 0;
    while (done < warmup || System.nanoTime() - w0 < warmS * 1e9) {
      t.trainStep();
      done++;
      if (h0 == 0 && System.nanoTime() - w0 >= warmS / 2 * 1e9) {
        h0 = System.nanoTime();
        halfDone = done;
      }
    }
    long w1 = System.nanoTime();
    double perStep = h0 != 0 && done > halfDone ? (w1 - h0) / 1e9 / (done - halfDone) : (w1 - w0) / 1e9 / done;
    // each chunk at least `steps` steps and CHUNK_S seconds
    steps = Math.max(steps, (int) Math.ceil((quick ? CHUNK_S_QUICK : CHUNK_S) / perStep));
    Gemm.startCounting();
    t.trainStep();
    double gemmPerUnit = Gemm.stopCounting() / (double) task.unitsPerStep();
    double perUnit = flopsPerUnit > 0 ? flopsPerUnit : gemmPerUnit;
    long tape0 = t.tapeAllocatedBytes();
    long alloc0 = allocatedBytes();
    double[] rates = new double[chunks];
    for (int c = 0; c < chunks; c++) {
      long t0 = System.nanoTime();
      for (int s = 0; s < steps; s++) t.trainStep();
      rates[c] = (double) task.unitsPerStep() * steps / ((System.nanoTime() - t0) / 1e9);
    }
    long total = (long) chunks * steps;
    double allocPerStep = (allocatedBytes() - alloc0) / (double) total;
    double tapePerStep = (t.tapeAllocatedBytes() - tape0) / (double) total;
    double[] sorted = rates.clone();
    Arrays.sort(sorted);
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("min", round(sorted[0]));
    extra.put("max", round(sorted[sorted.length - 1]));
    extra.put("reps", chunks);
    extra.put("steps_per_rep", steps);
    double median = sorted[sorted.length / 2];
    emit(key, median, task.unit() + "/s", extra);
    emit(key + "_params", task.model().parameterCount(), "params", Map.of());
    Map<String, Object> fx = new LinkedHashMap<>();
    fx.put("pct_peak", round(peak.percent(median * perUnit / 1e9)));
    fx.put("flops_per_unit", Math.round(perUnit));
    fx.put("formula", formula);
    fx.put("gemm_flops_per_unit", Math.round(gemmPerUnit));
    emit(key + "_model_gflops", median * perUnit / 1e9, "GFLOP/s", fx);
    emit(key + "_alloc_bytes_per_step", allocPerStep, "B/step", Map.of("note", "all JVM threads, after warm-up"));
    emit(key + "_tape_bytes_per_step", tapePerStep, "B/step", Map.of("note", "Trainer.tapeAllocatedBytes"));
  }

  private void emit(String work, double value, String unit, Map<String, Object> extra) {
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("work", work);
      m.put("value", round(value));
      m.put("unit", unit);
      m.putAll(extra);
      stdout.println(Json.write(m));
    } else {
      StringBuilder notes = new StringBuilder();
      for (var e : extra.entrySet()) {
        if (!notes.isEmpty()) notes.append(", ");
        notes.append(e.getKey()).append(' ').append(e.getValue());
      }
      stdout.printf("%-34s %,12.1f  %-10s %s%n", work, value, unit, notes);
    }
    stdout.flush();
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** Bytes allocated so far by all live threads (HotSpot's per-thread counters). */
  static long allocatedBytes() {
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long a : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) if (a > 0) sum += a;
    return sum;
  }

  private static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) p.resetPeakUsage();
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5"); // resets VmHWM to the current RSS
    } catch (Exception ignored) {
      // not Linux, or not permitted: the peak then covers the whole process
    }
  }

  /** Sum of the heap pools' peak usage since {@link #resetPeaks}. */
  private static long peakHeap() {
    long s = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) s += p.getPeakUsage().getUsed();
    }
    return s;
  }

  private static double peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    } catch (Exception ignored) {
      // not Linux
    }
    return -1;
  }
}
