package dev.fivefold.perception;

/**
 * A model of one of the families: it knows its architecture ({@link #spec()}), so a checkpoint can
 * name it and {@link Models} can rebuild it. The kinds: {@link ImageClassifier}, {@link LanguageModel}.
 */
public interface Model {
  /**
   * The architecture of this model, whose {@code toString()} is its spec string.
   *
   * @return the spec that {@link ModelSpec#build} turns into a model of the same shape
   */
  ModelSpec spec();
}
