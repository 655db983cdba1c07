package dev.fivefold.cli;

import dev.fivefold.compress.DeepCompression;
import dev.fivefold.compress.quant.QuantizedCheckpoint;
import dev.fivefold.data.Dataset;
import dev.fivefold.data.TextCorpus;
import dev.fivefold.io.BadInputException;
import dev.fivefold.io.Finite;
import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.LanguageModel;
import dev.fivefold.perception.LoadedModel;
import dev.fivefold.perception.Models;
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

  @Option(names = "--allow-nonfinite", description = "Score weights holding NaN or infinity (refused by default; a warning is printed).")
  boolean allowNonFinite;


  @Override
  public Integer call() throws Exception {
    common.apply();
    common.atLeast("--eval-tokens", evalTokens, 0);
    long t0 = System.nanoTime();
    QuantizedCheckpoint q = !file.toString().endsWith(".ffz") && model == null && Files.isRegularFile(file) && QuantizedCheckpoint.isQuantized(file) ? QuantizedCheckpoint.read(file) : null;
    LoadedModel l = file.toString().endsWith(".ffz") ? DeepCompression.loadArchive(file) : q != null ? q.load(file) : Models.load(file, model, true);
    String quant = q == null ? "" : String.format(" | quantized %s, weights %s", q.metadata().get(QuantizedCheckpoint.KEY), QuantizeCommand.kb(q.bytes()));
    String nonFinite = Finite.check(l.model().stateDict(), file.toString());
    if (nonFinite != null && !allowNonFinite) {
      throw new BadInputException(nonFinite + "; the weights are not usable (pass --allow-nonfinite to score them anyway)");
    }
    if (nonFinite != null) stderr.println("fivefold: WARNING: " + nonFinite + "; scoring anyway (--allow-nonfinite): the scores are not meaningful");
    if (l.model() instanceof LanguageModel) {
      Gpt g = l.as(Gpt.class, "gpt");
      TextCorpus.Vocab vocab = l.vocab();
      String d = data != null ? data : l.meta().getOrDefault("data", "kjv");
      TextCorpus corpus = Inputs.corpus(d);
      if (!corpus.vocab().equals(vocab)) {
        throw new BadInputException(file + ": the checkpoint's vocabulary (" + vocab.size() + " symbols) differs from that of "
            + corpus.name() + " (" + corpus.vocabSize() + "); evaluate on the text it was trained on");
      }
      int batch = Integer.parseInt(l.meta().getOrDefault("batch", "32"));
      LanguageModelTask task = new LanguageModelTask(g, corpus, batch, g.config().context(), common.seed, evalTokens);
      Map<String, Double> r = task.evaluate();
      stdout.printf("%s: bpc %.4f | loss %.4f nats | perplexity %.3f | %,.0f held-out tokens of %s%s | %.1f s%n", file, r.get("bpc"),
          r.get("loss"), r.get("perplexity"), r.get("tokens"), corpus.name(), quant, (System.nanoTime() - t0) / 1e9);
    } else {
      Path dir = dataDir;
      if (dir == null && data == null && l.meta().containsKey("data-dir")) dir = Path.of(l.meta().get("data-dir"));
      Dataset test = Inputs.images(data, dir, stderr)[1];
      Map<String, Double> r = ClassificationTask.evaluate(l.model(), test, 1000);
      stdout.printf("%s: accuracy %.4f (%d/%d) | loss %.4f nats | %s%s | %.1f s%n", file, r.get("accuracy"),
          Math.round(r.get("accuracy") * test.size()), test.size(), r.get("loss"), l.spec(), quant, (System.nanoTime() - t0) / 1e9);
    }
    return 0;
  }
}
