package dev.fivefold.cli;

import dev.fivefold.compress.quant.GenerationBenchmark;
import dev.fivefold.compress.quant.PostTrainingQuantization;
import dev.fivefold.compress.quant.QuantConfig;
import dev.fivefold.compress.quant.QuantizedCheckpoint;
import dev.fivefold.data.TextCorpus;
import dev.fivefold.io.BadInputException;
import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.LoadedModel;
import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Rng;
import dev.fivefold.train.LanguageModelTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fivefold quantize}: post-training int8/int4 weight quantization of a checkpoint; {@code --bench} times generation. */
@Command(name = "quantize", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Post-training weight quantization: int8 or int4, symmetric or affine, per tensor, per output channel or "
        + "group-wise, by round-to-nearest or GPTQ (Frantar et al. 2022; second moments of a calibration set read from the "
        + "training text). Writes a safetensors file with integer dtypes (I8, U8; int4 two per byte) plus F32 scales (and "
        + "U8 zero points) that `eval` and `sample` load; prints each tensor's error and the sizes, and with --eval the "
        + "held-out bits/char (gpt) or test accuracy before and after.", "",
        "With --bench (no CKPT needed): tokens/s of generation by recomputation vs the KV cache at a full context, and "
        + "float32 vs int8 vs int4 weight-only per token for a GPT of width --bench-width, side by side in one run.", "",
        "Examples:",
        "  ./fivefold quantize runs/gpt-x/checkpoint.safetensors --bits 8 --granularity channel --eval",
        "  ./fivefold quantize CKPT --bits 4 --granularity group --group 64 --method gptq --eval",
        "  ./fivefold quantize CKPT --bits 4 --scheme affine --granularity group --group 32 --include-head --out q4.safetensors",
        "  ./fivefold quantize CKPT --compare                 the issue's table: float32, int8, int4 RTN/GPTQ per group, KV cache, activations",
        "  ./fivefold quantize --bench --bench-width 512", ""})
final class QuantizeCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Parameters(paramLabel = "CKPT", arity = "0..1", description = "A checkpoint.safetensors written by fivefold train (not needed with --bench).")
  Path file;

  @Option(names = "--bits", defaultValue = "8", description = "4 or 8 (default: ${DEFAULT-VALUE}).")
  int bits;

  @Option(names = "--scheme", defaultValue = "symmetric", description = "symmetric or affine (default: ${DEFAULT-VALUE}).")
  String scheme;

  @Option(names = "--granularity", defaultValue = "channel", description = "tensor, channel (per output row) or group (default: ${DEFAULT-VALUE}).")
  String granularity;

  @Option(names = "--group", paramLabel = "G", defaultValue = "64", description = "Inputs per group for --granularity group, even; must divide every quantized row (default: ${DEFAULT-VALUE}).")
  int group;

  @Option(names = "--method", defaultValue = "rtn", description = "rtn (round to nearest) or gptq (default: ${DEFAULT-VALUE}).")
  String method;

  @Option(names = "--include-embeddings", description = "gpt: also quantize the token and position embeddings.")
  boolean includeEmbeddings;

  @Option(names = "--include-head", description = "gpt: also quantize the output head (lm_head).")
  boolean includeHead;

  @Option(names = "--damping", defaultValue = "0.01", description = "GPTQ damping λ, H + λ·mean(diag H)·I (default: ${DEFAULT-VALUE}).")
  double damping;

  @Option(names = "--calibration", paramLabel = "N", defaultValue = "32", description = "GPTQ: calibration sequences of one context each, from the training text (default: ${DEFAULT-VALUE}).")
  int calibration;

  @Option(names = "--data", paramLabel = "NAME", description = "kjv or a text file (default: the checkpoint's).")
  String data;

  @Option(names = "--out", paramLabel = "FILE", description = "Output file (default: beside CKPT, named after the settings).")
  Path out;

  @Option(names = "--eval", description = "Also score the float and the quantized model (held-out bits/char or test accuracy).")
  boolean eval;

  @Option(names = "--eval-tokens", paramLabel = "N", defaultValue = "65536", description = "gpt with --eval: held-out tokens to score (0 = all; default: ${DEFAULT-VALUE}).")
  long evalTokens;

  @Option(names = "--compare", description = "gpt: the whole table in one run instead of one setting: float32, int8 per channel RTN, "
      + "int4 RTN and GPTQ per --compare-groups, int8 KV cache, int8 activations (per token and per tensor): bits/char and bytes; writes nothing.")
  boolean compare;

  @Option(names = "--compare-groups", paramLabel = "LIST", defaultValue = "32,64,128", description = "--compare: int4 group sizes (default: ${DEFAULT-VALUE}).")
  String compareGroups;

  @Option(names = "--bench", description = "Time generation instead (see above); CKPT optional: without it, random weights.")
  boolean bench;

  @Option(names = "--bench-width", paramLabel = "C", defaultValue = "512", description = "--bench: width of the GPT for the weight-format comparison (default: ${DEFAULT-VALUE}).")
  int benchWidth;

  @Option(names = "--bench-layers", paramLabel = "L", defaultValue = "4", description = "--bench: its layers (default: ${DEFAULT-VALUE}).")
  int benchLayers;

  @Option(names = "--bench-seconds", paramLabel = "S", defaultValue = "2", description = "--bench: seconds per timed variant (default: ${DEFAULT-VALUE}).")
  double benchSeconds;

  @Override
  public Integer call() throws Exception {
    common.apply();
    if (bench) return bench();
    if (file == null) throw new BadInputException("CKPT is required (or --bench)");
    QuantConfig q = config();
    common.atLeast("--eval-tokens", evalTokens, 0);
    if (!Files.exists(file)) throw new java.nio.file.NoSuchFileException(file.toString());
    if (Files.isRegularFile(file) && QuantizedCheckpoint.isQuantized(file)) {
      throw new BadInputException(file + ": already quantized (" + dev.fivefold.io.SafeTensors.metadata(file).get(QuantizedCheckpoint.KEY) + "); quantize the float checkpoint");
    }
    LoadedModel l = Models.load(file);
    if (compare) return compare(l);
    List<int[]> calib = List.of();
    TextCorpus corpus = null;
    if (l.model() instanceof Gpt g) {
      corpus = corpus(l);
      if (q.method() == QuantConfig.Method.GPTQ) calib = calibrationSet(corpus, g.config().context(), calibration, common.seed);
    }
    Path dst = out != null ? out : defaultOut(q);
    PostTrainingQuantization.Result r = PostTrainingQuantization.run(l, new PostTrainingQuantization.Config(q, calib));
    r.checkpoint().write(dst);
    Table t = new Table("tensor", "shape", "mse", "mse/var", "float32", "quantized");
    for (var e : r.tensors()) {
      t.add(e.name(), e.rows() + "x" + e.cols(), String.format(Locale.ROOT, "%.3g", e.mse()), String.format(Locale.ROOT, "%.3g", e.mse() / Math.max(1e-30, e.variance())),
          kb(e.floatBytes()), kb(e.bytes()));
    }
    stdout.print(t.pretty());
    stdout.printf(Locale.ROOT, "%s: %s | weights %s float32 -> %s (%.2fx smaller) | file %s | %d calibration sequences | %.1f s%n",
        dst, q, kb(r.floatBytes()), kb(r.bytes()), (double) r.floatBytes() / r.bytes(), kb(Files.size(dst)), calib.size(), r.seconds());
    if (eval) evaluate(l, dst, corpus);
    return 0;
  }

  private QuantConfig config() {
    QuantConfig.Scheme s = parse(QuantConfig.Scheme.class, "--scheme", scheme);
    QuantConfig.Granularity g = parse(QuantConfig.Granularity.class, "--granularity", granularity);
    QuantConfig.Method m = parse(QuantConfig.Method.class, "--method", method);
    if (bits != 4 && bits != 8) throw new BadInputException("--bits (" + bits + ") must be 4 or 8");
    if (g == QuantConfig.Granularity.GROUP && (group < 2 || group % 2 != 0)) throw new BadInputException("--group (" + group + ") must be even and >= 2 (32 to 256 usual)");
    if (!(damping >= 0 && damping <= 1)) throw new BadInputException("--damping (" + damping + ") must be in [0, 1]");
    if (m == QuantConfig.Method.GPTQ && calibration < 1) throw new BadInputException("--calibration (" + calibration + ") must be >= 1: the calibration set is empty");
    return new QuantConfig(bits, s, g, group, m, includeEmbeddings, includeHead, damping);
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String flag, String v) {
    for (E e : type.getEnumConstants()) if (e.name().equalsIgnoreCase(v)) return e;
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) names.add(e.name().toLowerCase(Locale.ROOT));
    throw new BadInputException(flag + " (" + v + ") must be one of " + String.join(", ", names));
  }

  private Path defaultOut(QuantConfig q) {
    String name = file.getFileName().toString().replaceFirst("\\.safetensors$", "");
    String g = switch (q.granularity()) {
      case TENSOR -> "tensor";
      case CHANNEL -> "channel";
      case GROUP -> "g" + q.groupSize();
    };
    Path dir = file.toAbsolutePath().getParent();
    return dir.resolve(name + ".int" + q.bits() + "-" + q.scheme().name().toLowerCase(Locale.ROOT).substring(0, 3) + "-" + g + "-" + q.method().name().toLowerCase(Locale.ROOT) + ".safetensors");
  }

  private TextCorpus corpus(LoadedModel l) throws java.io.IOException {
    TextCorpus.Vocab vocab = l.vocab();
    String d = data != null ? data : l.meta().getOrDefault("data", "kjv");
    TextCorpus c = Inputs.corpus(d);
    if (!c.vocab().equals(vocab)) {
      throw new BadInputException(file + ": the checkpoint's vocabulary (" + vocab.size() + " symbols) differs from that of " + c.name() + " (" + c.vocabSize() + ")");
    }
    return c;
  }

  /** {@code n} windows of one context each, evenly spaced over the training text from a seeded offset. */
  static List<int[]> calibrationSet(TextCorpus c, int context, int n, long seed) {
    if (n < 1) throw new BadInputException("--calibration (" + n + ") must be >= 1: the calibration set is empty");
    int train = c.trainSize();
    if (train < context + 1) throw new BadInputException("calibration: the training text (" + train + " tokens) is shorter than one context (" + context + ")");
    List<int[]> out = new ArrayList<>();
    Rng rng = new Rng(seed);
    long stride = Math.max(1, (train - context) / n);
    int start = (int) (rng.nextDouble() * stride);
    for (int i = 0; i < n; i++) {
      int from = (int) Math.min(train - context, start + i * stride);
      out.add(c.tokens(from, from + context));
    }
    return out;
  }

  private void evaluate(LoadedModel l, Path dst, TextCorpus corpus) throws java.io.IOException {
    LoadedModel ql = QuantizedCheckpoint.read(dst).load(dst);
    if (l.model() instanceof Gpt g) {
      int batch = Integer.parseInt(l.meta().getOrDefault("batch", "32"));
      double before = new LanguageModelTask(g, corpus, batch, g.config().context(), common.seed, evalTokens).evaluate().get("bpc");
      Gpt qg = ql.as(Gpt.class, "gpt");
      double after = new LanguageModelTask(qg, corpus, batch, qg.config().context(), common.seed, evalTokens).evaluate().get("bpc");
      stdout.printf(Locale.ROOT, "held-out bits/char: float32 %.4f | quantized %.4f | delta %+.4f%n", before, after, after - before);
    } else {
      var test = Inputs.images(l.meta().get("data"), l.meta().containsKey("data-dir") ? Path.of(l.meta().get("data-dir")) : null, stderr)[1];
      double before = dev.fivefold.train.ClassificationTask.evaluate(l.model(), test, 1000).get("accuracy");
      double after = dev.fivefold.train.ClassificationTask.evaluate(ql.model(), test, 1000).get("accuracy");
      stdout.printf(Locale.ROOT, "test accuracy: float32 %.4f | quantized %.4f | delta %+.4f%n", before, after, after - before);
    }
  }

  private Integer compare(LoadedModel l) throws java.io.IOException {
    if (!(l.model() instanceof Gpt g)) throw new BadInputException("--compare needs a gpt checkpoint; model (" + l.spec() + ") is not one");
    if (calibration < 1) throw new BadInputException("--calibration (" + calibration + ") must be >= 1: the calibration set is empty");
    List<Integer> groups = new ArrayList<>();
    try {
      for (String p : compareGroups.split(",")) groups.add(Integer.parseInt(p.trim()));
    } catch (NumberFormatException e) {
      throw new BadInputException("--compare-groups (" + compareGroups + ") must be a comma list of even integers");
    }
    for (int gs : groups) {
      if (gs < 2 || gs % 2 != 0) throw new BadInputException("--compare-groups (" + gs + ") must be even and >= 2 (32 to 256 usual)");
      if (g.config().width() % gs != 0) throw new BadInputException("--compare-groups (" + gs + ") does not divide the row of h.0.attn.c_attn.weight (" + g.config().width() + " inputs)");
    }
    TextCorpus corpus = corpus(l);
    List<int[]> calib = calibrationSet(corpus, g.config().context(), calibration, common.seed);
    int batch = Integer.parseInt(l.meta().getOrDefault("batch", "32"));
    var cfg = new dev.fivefold.compress.quant.QuantizationComparison.Config(corpus, batch, evalTokens, calib, groups, damping, common.seed);
    var r = dev.fivefold.compress.quant.QuantizationComparison.run(l, cfg, row -> stderr.printf(Locale.ROOT, "%s: %.4f bits/char (%.1f s)%n", row.what(), row.bpc(), row.seconds()));
    Table t = new Table("quantization", "bits/char", "delta", "weights", "bytes", "KV cache");
    for (var row : r.rows()) {
      t.add(row.what(), String.format(Locale.ROOT, "%.4f", row.bpc()), row.what().equals("float32") ? "" : String.format(Locale.ROOT, "%+.4f", row.delta()),
          kb(row.weightBytes()), String.format(Locale.ROOT, "%,d", row.weightBytes()), kb(row.cacheBytes()));
    }
    stdout.print(t.pretty());
    stdout.printf(Locale.ROOT, "%s (%s): %,.0f held-out tokens of %s, %d calibration sequences, symmetric codes, embeddings and head float32 | %.1f s%n",
        file, l.spec(), r.tokens(), corpus.name(), calib.size(), r.seconds());
    return 0;
  }

  static String kb(long bytes) {
    return bytes >= 10L << 20 ? String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0) : String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
  }

  private Integer bench() throws Exception {
    common.atLeast("--bench-width", benchWidth, 8);
    common.atLeast("--bench-layers", benchLayers, 1);
    common.positive("--bench-seconds", benchSeconds);
    Gpt small = file == null ? null : Models.load(file).as(Gpt.class, "gpt");
    GenerationBenchmark.Result r = GenerationBenchmark.run(new GenerationBenchmark.Config(small, benchWidth, benchLayers, benchSeconds, common.seed));
    Table t = new Table("generation", "model", "tokens/s", "tokens/cpu-s", "cpu ms/token", "weights", "KV cache", "speed-up (cpu)");
    for (GenerationBenchmark.Row row : r.rows()) {
      t.add(row.what(), row.model(), String.format(Locale.ROOT, "%.1f", row.tokensPerSecond()), String.format(Locale.ROOT, "%.1f", row.tokensPerCpuSecond()),
          String.format(Locale.ROOT, "%.3f", 1000 / row.tokensPerCpuSecond()), kb(row.weightBytes()), kb(row.cacheBytes()), String.format(Locale.ROOT, "%.2fx", row.speedup()));
    }
    stdout.print(t.pretty());
    stdout.printf(Locale.ROOT, "%d tokens per timed run (prompt of 1, context filled), median of %d interleaved runs per variant; "
        + "speed-up against the first row of its group | peak resident memory of the process %s | %d threads%n",
        r.tokensPerRun(), r.runs(), r.peakRssBytes() > 0 ? kb(r.peakRssBytes()) : "n/a", common.threads());
    return 0;
  }
}
