package dev.fivefold.perception;

import dev.fivefold.data.TextCorpus;
import dev.fivefold.io.BadInputException;
import dev.fivefold.nn.Module;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model rebuilt from a file ({@link Models#load}): the file, the model, the spec it was built
 * from and the file's metadata.
 *
 * @param file the file read
 * @param model the rebuilt model, its weights loaded
 * @param spec the model spec it was built from (the file's, or the override)
 * @param meta the file's metadata
 */
public record LoadedModel(Path file, Module model, String spec, Map<String, String> meta) {
  /**
   * Copies {@code meta} into an unmodifiable map.
   *
   * @throws IllegalArgumentException if {@code model} is null
   */
  public LoadedModel {
    if (model == null) throw new IllegalArgumentException("model must not be null");
    meta = Map.copyOf(meta);
  }

  /**
   * The model as an image classifier, or a one-line error naming the file and its spec.
   *
   * @return the model
   * @throws BadInputException if it is not an image classifier
   */
  public ImageClassifier imageClassifier() {
    if (model instanceof ImageClassifier c) return c;
    throw new BadInputException(file + ": model (" + spec + ") is not an image classifier (mlp, lenet5)");
  }

  /**
   * The model as a language model, or a one-line error naming the file and its spec.
   *
   * @return the model
   * @throws BadInputException if it is not a language model
   */
  public LanguageModel languageModel() {
    if (model instanceof LanguageModel l) return l;
    throw new BadInputException(file + ": model (" + spec + ") is not a language model (gpt)");
  }

  /**
   * The vocabulary stored with a language model (metadata {@code vocab}).
   *
   * @return the vocabulary decoded from the hex metadata
   * @throws BadInputException if the metadata has no valid {@code vocab}
   */
  public TextCorpus.Vocab vocab() {
    String hex = meta.get("vocab");
    if (hex == null) throw new BadInputException(file + ": no 'vocab' in the metadata; a GPT checkpoint written by fivefold train has one");
    TextCorpus.Vocab v = TextCorpus.Vocab.fromMetadata(hex);
    if (model instanceof LanguageModel lm && v.size() > lm.vocab()) {
      throw new BadInputException(file + ": vocabulary (" + v.size() + " symbols) is larger than the model's (" + lm.vocab() + ")");
    }
    return v;
  }

  /**
   * The model as the family {@code type}, or a one-line error naming the file, its spec and the {@code family} expected.
   *
   * @param <M> the family's class
   * @param type the family's class
   * @param family the family's name, for the message
   * @return the model cast to {@code type}
   * @throws BadInputException if the model is not of that family
   */
  public <M extends Module> M as(Class<M> type, String family) {
    if (type.isInstance(model)) return type.cast(model);
    throw new BadInputException(file + ": model (" + spec + ") is not an " + family);
  }
}
