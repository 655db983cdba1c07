package dev.fivefold.perception;

/**
 * A model of one of the families: it knows its architecture ({@link #spec()}), so a checkpoint can
 * name it and {@link Models} can rebuild it. The kinds: {@link ImageClassifier}, {@link LanguageModel}.
 */
public interface Model {
  ModelSpec spec();
}
