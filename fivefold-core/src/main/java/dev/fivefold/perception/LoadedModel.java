package dev.fivefold.perception;

import dev.fivefold.data.TextCorpus;
import dev.fivefold.io.BadInputException;
import dev.fivefold.nn.Module;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model rebuilt from a file ({@link Models#load}): the file, the model, the spec it was built
 * from and the file's metadata.
 */
public record LoadedModel(Path file, Module model, String spec, Map<String, String> meta) {
  public LoadedModel {
    if (model == null) throw new IllegalArgumentException("model must not be null");
    meta = Map.copyOf(meta);
  }

  /** The model as an image classifier, or a one-line error naming the file and its spec. */
  public ImageClassifier imageClassifier() {
    if (model instanceof ImageClassifier c) return c;
    throw new BadInputException(file + ": model (" + spec + ") is not an image classifier (mlp, lenet5)");
  }

  /** The model as a language model, or a one-line error naming the file and its spec. */
  public LanguageModel languageModel() {
    if (model instanceof LanguageModel l) return l;
    throw new BadInputException(file + ": model (" + spec + ") is not a language model (gpt)");
  }

  /** The vocabulary stored with a language model (metadata {@code vocab}). */
  public TextCorpus.Vocab vocab() {
    String hex = meta.get("vocab");
    if (hex == null) throw new BadInputException(file + ": no 'vocab' in the metadata; a GPT checkpoint written by fivefold train has one");
    TextCorpus.Vocab v = TextCorpus.Vocab.fromMetadata(hex);
    if (model instanceof LanguageModel lm && v.size() > lm.vocab()) {
      throw new BadInputException(file + ": vocabulary (" + v.size() + " symbols) is larger than the model's (" + lm.vocab() + ")");
    }
    return v;
  }

  /** The model as the family {@code type}, or a one-line error naming the file, its spec and the {@code family} expected. */
  public <M extends Module> M as(Class<M> type, String family) {
    if (type.isInstance(model)) return type.cast(model);
    throw new BadInputException(file + ": model (" + spec + ") is not an " + family);
  }
}
