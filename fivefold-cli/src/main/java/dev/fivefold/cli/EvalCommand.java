package dev.fivefold.cli;

import dev.fivefold.compress.DeepCompression;
import dev.fivefold.compress.quant.ActivationQuantization;
import dev.fivefold.compress.quant.QuantizedCheckpoint;
import dev.fivefold.data.Dataset;
import dev.fivefold.data.TextCorpus;
import dev.fivefold.data.augment.TestTimeAugmentation;
import dev.fivefold.io.BadInputException;
import dev.fivefold.io.Finite;
import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.LanguageModel;
import dev.fivefold.perception.LoadedModel;
import dev.fivefold.perception.Models;
import dev.fivefold.perception.generate.Decoder;
import dev.fivefold.perception.generate.DecoderEval;
import dev.fivefold.perception.generate.RowLinear;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.LanguageModelTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fivefold eval}: scores a checkpoint on held-out data. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Evaluate a checkpoint: test accuracy and loss for image models, bits per character on the "
        + "held-out 10%% of the text for gpt.", "",
        "Examples:",
        "  ./fivefold eval runs/mlp-20250101-120000/checkpoint.safetensors",
        "  ./fivefold eval weights.safetensors --model mlp             plain weights (e.g. from PyTorch)",
        "  ./fivefold eval mlp.ffz                                       a compressed archive (fivefold compress)",
        "  ./fivefold eval CKPT.int8-sym-channel-rtn.safetensors         a quantized checkpoint (fivefold quantize), dequantised on load",
        "  ./fivefold eval runs/gpt-20250101-120000/checkpoint.safetensors --eval-tokens 100000", ""})
final class EvalCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Parameters(paramLabel = "CKPT", description = "A checkpoint.safetensors (or plain weights with --model).")
  Path file;

  @Option(names = "--model", paramLabel = "SPEC", description = "Model spec for plain weights (default: from the checkpoint).")
  String model;

  @Option(names = "--data", paramLabel = "NAME", description = "fashion-mnist, kjv or a text file (default: the checkpoint's).")
  String data;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the Fashion-MNIST IDX files.")
  Path dataDir;

  @Option(names = "--eval-tokens", paramLabel = "N", defaultValue = "0", description = "gpt: score only the first N held-out tokens (0 = all).")
  long evalTokens;

  @Option(names = "--kv-bits", paramLabel = "B", defaultValue = "32", description = "gpt: score through the KV-cache decoder with a 32 (float), 8 or 4-bit cache (default: ${DEFAULT-VALUE}).")
  int kvBits;

  @Option(names = "--act-bits", paramLabel = "B", defaultValue = "0", description = "gpt: quantize every linear map's input to 8 (or 4) bits, through the decoder (0 = off; default).")
  int actBits;

  @Option(names = "--act-granularity", defaultValue = "tensor", description = "With --act-bits: tensor (static range from the calibration set) or token (each row's own range; default: ${DEFAULT-VALUE}).")
  String actGranularity;

  @Option(names = "--act-range", defaultValue = "minmax", description = "With --act-granularity tensor: minmax or percentile (default: ${DEFAULT-VALUE}).")
  String actRange;

  @Option(names = "--act-percentile", defaultValue = "99.99", description = "With --act-range percentile: keep [100-p, p] percent (default: ${DEFAULT-VALUE}).")
  double actPercentile;

  @Option(names = "--calibration", paramLabel = "N", defaultValue = "32", description = "Calibration sequences (one context each, training text) for static activation ranges (default: ${DEFAULT-VALUE}).")
  int calibration;

  @Option(names = "--tta", paramLabel = "MODE", defaultValue = "none",
      description = "Image models: also score the mean of the softmax over views of each test image (test-time "
          + "augmentation), printed beside the plain accuracy: flip (the image and its mirror), shift:S (the image and its "
          + "four corner crops after zero-padding by S), flip,shift:S (ten views, as AlexNet's ten crops); none (default: ${DEFAULT-VALUE}).")
  String tta;

  @Option(names = "--allow-nonfinite", description = "Score weights holding NaN or infinity (refused by default; a warning is printed).")
  boolean allowNonFinite;


  @Override
  public Integer call() throws Exception {
    common.apply();
    common.atLeast("--eval-tokens", evalTokens, 0);
    TestTimeAugmentation views = Inputs.tta(tta);
    long t0 = System.nanoTime();
    QuantizedCheckpoint q = !file.toString().endsWith(".ffz") && model == null && Files.isRegularFile(file) && QuantizedCheckpoint.isQuantized(file) ? QuantizedCheckpoint.read(file) : null;
    LoadedModel l = file.toString().endsWith(".ffz") ? DeepCompression.loadArchive(file) : q != null ? q.load(file) : Models.load(file, model, true);
    String quant = q == null ? "" : String.format(" | quantized %s, weights %s", q.metadata().get(QuantizedCheckpoint.KEY), QuantizeCommand.kb(q.bytes()));
    String nonFinite = Finite.check(l.model().stateDict(), file.toString());
    if (nonFinite != null && !allowNonFinite) {
      throw new BadInputException(nonFinite + "; the weights are not usable (pass --allow-nonfinite to score them anyway)");
    }
    if (nonFinite != null) stderr.println("fivefold: WARNING: " + nonFinite + "; scoring anyway (--allow-nonfinite): the scores are not meaningful");
    if (views.active() && (l.model() instanceof LanguageModel || l.model() instanceof dev.fivefold.perception.RecurrentLm)) {
      throw new BadInputException("--tta (" + tta + ") applies to image models; model (" + l.spec() + ") is a language model");
    }
    if (l.model() instanceof dev.fivefold.perception.RecurrentLm rlm) {
      if (kvBits != 32 || actBits != 0) throw new BadInputException("--kv-bits and --act-bits apply to a gpt; model (" + l.spec() + ") is not one");
      TextCorpus corpus = Inputs.corpus(data != null ? data : l.meta().getOrDefault("data", "kjv"));
      if (!corpus.vocab().equals(l.vocab())) {
        throw new BadInputException(file + ": the checkpoint's vocabulary (" + l.vocab().size() + " symbols) differs from that of "
            + corpus.name() + " (" + corpus.vocabSize() + "); evaluate on the text it was trained on");
      }
      int batch = Integer.parseInt(l.meta().getOrDefault("batch", "32"));
      Map<String, Double> r = new dev.fivefold.train.RecurrentLanguageModelTask(rlm, corpus, batch, rlm.context(), evalTokens).evaluate();
      stdout.printf("%s: bpc %.4f | loss %.4f nats | perplexity %.3f | %,.0f held-out tokens of %s%s | %.1f s%n", file, r.get("bpc"),
          r.get("loss"), r.get("perplexity"), r.get("tokens"), corpus.name(), quant, (System.nanoTime() - t0) / 1e9);
    } else if (l.model() instanceof LanguageModel) {
      Gpt g = l.as(Gpt.class, "gpt");
      TextCorpus.Vocab vocab = l.vocab();
      String d = data != null ? data : l.meta().getOrDefault("data", "kjv");
      TextCorpus corpus = Inputs.corpus(d);
      if (!corpus.vocab().equals(vocab)) {
        throw new BadInputException(file + ": the checkpoint's vocabulary (" + vocab.size() + " symbols) differs from that of "
            + corpus.name() + " (" + corpus.vocabSize() + "); evaluate on the text it was trained on");
      }
      int batch = Integer.parseInt(l.meta().getOrDefault("batch", "32"));
      Map<String, Double> r;
      if (kvBits != 32 || actBits != 0) {
        r = decoderEval(g, q, corpus, batch);
        quant += " | decoder: KV cache " + (kvBits == 32 ? "float32" : "int" + kvBits) + (actBits != 0 ? ", " + actConfig() : "");
      } else {
        LanguageModelTask task = new LanguageModelTask(g, corpus, batch, g.config().context(), common.seed, evalTokens);
        r = task.evaluate();
      }
      stdout.printf("%s: bpc %.4f | loss %.4f nats | perplexity %.3f | %,.0f held-out tokens of %s%s | %.1f s%n", file, r.get("bpc"),
          r.get("loss"), r.get("perplexity"), r.get("tokens"), corpus.name(), quant, (System.nanoTime() - t0) / 1e9);
    } else {
      if (kvBits != 32 || actBits != 0) throw new BadInputException("--kv-bits and --act-bits apply to a gpt; model (" + l.spec() + ") is not one");
      Path dir = dataDir;
      if (dir == null && data == null && l.meta().containsKey("data-dir")) dir = Path.of(l.meta().get("data-dir"));
      Dataset test = Inputs.images(data, dir, stderr)[1];
      Map<String, Double> r = ClassificationTask.evaluate(l.model(), test, dev.fivefold.train.BatchedTask.evalBatch(l.model()), views);
      String ttaScore = r.containsKey("tta_accuracy") ? String.format(" | with TTA (" + tta + "): accuracy %.4f (%d/%d), loss %.4f nats", r.get("tta_accuracy"),
          Math.round(r.get("tta_accuracy") * test.size()), test.size(), r.get("tta_loss")) : "";
      stdout.printf("%s: accuracy %.4f (%d/%d) | loss %.4f nats%s | %s%s | %.1f s%n", file, r.get("accuracy"),
          Math.round(r.get("accuracy") * test.size()), test.size(), r.get("loss"), ttaScore, l.spec(), quant, (System.nanoTime() - t0) / 1e9);
    }
    return 0;
  }

  private ActivationQuantization.Config actConfig() {
    var g = switch (actGranularity.toLowerCase(java.util.Locale.ROOT)) {
      case "tensor" -> ActivationQuantization.Granularity.TENSOR;
      case "token" -> ActivationQuantization.Granularity.TOKEN;
      default -> throw new BadInputException("--act-granularity (" + actGranularity + ") must be tensor or token");
    };
    var range = switch (actRange.toLowerCase(java.util.Locale.ROOT)) {
      case "minmax" -> ActivationQuantization.Range.MINMAX;
      case "percentile" -> ActivationQuantization.Range.PERCENTILE;
      default -> throw new BadInputException("--act-range (" + actRange + ") must be minmax or percentile");
    };
    if (actBits != 8 && actBits != 4) throw new BadInputException("--act-bits (" + actBits + ") must be 8 or 4 (or 0: off)");
    if (!(actPercentile > 50 && actPercentile <= 100)) throw new BadInputException("--act-percentile (" + actPercentile + ") must be in (50, 100]");
    return new ActivationQuantization.Config(actBits, g, range, actPercentile);
  }

  /** Held-out scores through the KV-cache decoder: weights float or quantized, cache float or int8/int4, activations float or quantized. */
  private Map<String, Double> decoderEval(Gpt g, QuantizedCheckpoint q, TextCorpus corpus, int batch) {
    if (kvBits != 32 && kvBits != 8 && kvBits != 4) throw new BadInputException("--kv-bits (" + kvBits + ") must be 32, 8 or 4");
    int bits = kvBits == 32 ? 0 : kvBits;
    Map<String, dev.fivefold.tensor.Tensor> sd = g.stateDict();
    java.util.function.Function<String, RowLinear> base = name -> {
      var qm = q == null ? null : q.quantized().get(name + ".weight");
      return qm != null ? qm.rowLinear(sd.get(name + ".bias")) : RowLinear.dense(sd.get(name + ".weight"), sd.get(name + ".bias"));
    };
    if (actBits != 0) {
      ActivationQuantization.Config ac = actConfig();
      var grids = ActivationQuantization.calibrate(g, ac.granularity() == ActivationQuantization.Granularity.TENSOR
          ? QuantizeCommand.calibrationSet(corpus, g.config().context(), calibration, common.seed) : java.util.List.of(), ac);
      base = ActivationQuantization.linears(base, grids, ac);
    }
    Decoder dec = new Decoder(g.config(), sd::get, base, Decoder.cache(g.config(), bits));
    return DecoderEval.evaluate(dec, corpus, batch, evalTokens);
  }
}
