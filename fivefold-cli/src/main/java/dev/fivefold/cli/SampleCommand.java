package dev.fivefold.cli;

import dev.fivefold.compress.quant.QuantizedCheckpoint;
import dev.fivefold.data.TextCorpus;
import dev.fivefold.io.BadInputException;
import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.LoadedModel;
import dev.fivefold.perception.Models;
import dev.fivefold.perception.generate.Decoder;
import dev.fivefold.perception.generate.Generator;
import dev.fivefold.tensor.Rng;
import dev.fivefold.train.LanguageModelTask;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fivefold sample}: generates text with a trained GPT. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Generate text with a GPT checkpoint (float or quantized by `fivefold quantize`); prints the prompt followed by "
        + "the generated text, and the speed (tokens/s) on stderr. Runs one position at a time against a KV cache (keys and "
        + "values of the earlier positions, float32 or int8/int4 per head); past the context the window slides: the last "
        + "--keep tokens are recomputed at positions from 0 (positions are learned absolute embeddings).", "",
        "Examples:",
        "  ./fivefold sample runs/gpt-20250101-120000/checkpoint.safetensors --prompt \"In the beginning\"",
        "  ./fivefold sample CKPT --length 1000 --temperature 0.6 --top-k 10 --seed 7",
        "  ./fivefold sample CKPT --temperature 0                      greedy",
        "  ./fivefold sample CKPT.int4-sym-g64-gptq.safetensors --kv-bits 8    int4 weights, int8 KV cache", ""})
final class SampleCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Parameters(paramLabel = "CKPT", description = "A gpt checkpoint.safetensors written by fivefold train.")
  Path file;

  @Option(names = "--prompt", defaultValue = "In the beginning", description = "Text to continue (default: ${DEFAULT-VALUE}).")
  String prompt;

  @Option(names = "--length", paramLabel = "N", defaultValue = "400", description = "Characters to generate (default: ${DEFAULT-VALUE}).")
  int length;

  @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.8", description = "Softmax temperature; 0 = greedy (default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--top-k", paramLabel = "K", defaultValue = "0", description = "Sample only from the K most likely (0 = all; default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(names = "--kv-bits", paramLabel = "B", defaultValue = "32", description = "KV cache precision: 32 (float), 8 or 4 (per head, one scale per position; default: ${DEFAULT-VALUE}).")
  int kvBits;

  @Option(names = "--keep", paramLabel = "K", defaultValue = "0",
      description = "Tokens kept when the window slides past the context; they are recomputed at positions 0..K-1 "
          + "(context-1 = what --recompute sees, token for token; 0 = context/2, default).")
  int keep;

  @Option(names = "--recompute", description = "Recompute the whole window for every token (the training forward; no KV cache), for comparison.")
  boolean recompute;


  @Override
  public Integer call() throws Exception {
    common.apply();
    common.atLeast("--length", length, 0);
    common.nonNegative("--temperature", temperature);
    common.atLeast("--top-k", topK, 0);
    if (kvBits != 32 && kvBits != 8 && kvBits != 4) throw new BadInputException("--kv-bits (" + kvBits + ") must be 32, 8 or 4");
    common.atLeast("--keep", keep, 0);
    QuantizedCheckpoint q = Files.isRegularFile(file) && QuantizedCheckpoint.isQuantized(file) ? QuantizedCheckpoint.read(file) : null;
    LoadedModel l = q != null ? q.load(file) : Models.load(file);
    if (l.model() instanceof dev.fivefold.perception.RecurrentLm rlm) {
      if (q != null || kvBits != 32 || recompute || keep != 0) throw new BadInputException("--kv-bits, --keep and --recompute apply to a gpt; model (" + l.spec() + ") is not one");
      long t0 = System.nanoTime();
      int[] seq = dev.fivefold.train.RecurrentLanguageModelTask.sample(rlm, encode(l.vocab(), prompt), length, temperature, topK, new Rng(common.seed));
      double s = (System.nanoTime() - t0) / 1e9;
      stdout.println(l.vocab().decode(seq));
      stderr.printf(Locale.ROOT, "sample: %d tokens in %.2f s, %.1f tokens/s (state carried, one step per token)%n", length, s, length / s);
      return 0;
    }
    Gpt gpt = l.as(Gpt.class, "gpt");
    int ctx = gpt.config().context();
    if (keep > 0 && keep > ctx - 1) throw new BadInputException("--keep (" + keep + ") must be in [1, " + (ctx - 1) + "] (the context is " + ctx + ")");
    TextCorpus.Vocab vocab = l.vocab();
    int[] tokens = encode(vocab, prompt);
    if (recompute) {
      if (q != null || kvBits != 32) throw new BadInputException("--recompute runs the float training forward: not with a quantized checkpoint or --kv-bits");
      long t0 = System.nanoTime();
      int[] seq = LanguageModelTask.sample(gpt, tokens, length, temperature, topK, new Rng(common.seed));
      double s = (System.nanoTime() - t0) / 1e9;
      stdout.println(vocab.decode(seq));
      stderr.printf(Locale.ROOT, "sample: %d tokens in %.2f s, %.1f tokens/s (recomputing the window per token)%n", length, s, length / s);
      return 0;
    }
    int bits = kvBits == 32 ? 0 : kvBits;
    Decoder dec = q != null ? q.decoder(bits) : Decoder.of(gpt, bits);
    Generator.Result r = Generator.generate(dec, tokens, new Generator.Config(length, temperature, topK, keep), new Rng(common.seed));
    stdout.println(vocab.decode(r.tokens()));
    stderr.printf(Locale.ROOT, "sample: %d tokens in %.2f s, %.1f tokens/s (KV cache %s; weights %s%s, %s; cache %s; prompt %d tokens in %.3f s; %d window slides)%n",
        length, r.seconds(), r.tokensPerSecond(), kvBits == 32 ? "float32" : "int" + kvBits, q != null ? "quantized " : "float32",
        q != null ? " (" + q.metadata().get(QuantizedCheckpoint.KEY) + ")" : "", QuantizeCommand.kb(dec.weightBytes()), QuantizeCommand.kb(dec.cacheBytes()),
        Math.min(tokens.length, ctx), r.promptSeconds(), r.slides());
    return 0;
  }

  /** The prompt's tokens; a character outside the vocabulary is an error naming it. */
  static int[] encode(TextCorpus.Vocab vocab, String prompt) {
    boolean[] known = new boolean[256];
    for (byte b : vocab.symbols()) known[b & 0xFF] = true;
    for (int i = 0; i < prompt.length(); ) {
      int cp = prompt.codePointAt(i);
      for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
        if (!known[b & 0xFF]) {
          throw new BadInputException(String.format("--prompt: character '%s' (U+%04X) at position %d is not in the model's vocabulary of %d symbols",
              new String(Character.toChars(cp)), cp, prompt.codePointCount(0, i), vocab.size()));
        }
      }
      i += Character.charCount(cp);
    }
    return vocab.encode(prompt);
  }
}
