package dev.fivefold.cli;

import dev.fivefold.data.TextCorpus;
import dev.fivefold.io.BadInputException;
import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.LoadedModel;
import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Rng;
import dev.fivefold.train.LanguageModelTask;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fivefold sample}: generates text with a trained GPT. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Generate text with a GPT checkpoint; prints the prompt followed by the generated text.", "",
        "Examples:",
        "  ./fivefold sample runs/gpt-20250101-120000/checkpoint.safetensors --prompt \"In the beginning\"",
        "  ./fivefold sample CKPT --length 1000 --temperature 0.6 --top-k 10 --seed 7",
        "  ./fivefold sample CKPT --temperature 0                      greedy", ""})
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


  @Override
  public Integer call() throws Exception {
    common.apply();
    common.atLeast("--length", length, 0);
    common.nonNegative("--temperature", temperature);
    common.atLeast("--top-k", topK, 0);
    LoadedModel l = Models.load(file);
    Gpt gpt = l.as(Gpt.class, "gpt");
    TextCorpus.Vocab vocab = l.vocab();
    int[] tokens = encode(vocab, prompt);
    int[] seq = LanguageModelTask.sample(gpt, tokens, length, temperature, topK, new Rng(common.seed));
    stdout.println(vocab.decode(seq));
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
