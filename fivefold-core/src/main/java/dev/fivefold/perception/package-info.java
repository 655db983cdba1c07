/**
 * The model families, each with its spec and its one forward: {@link dev.fivefold.perception.Mlp}
 * (LeNet-300-100, the information-plane network), {@link dev.fivefold.perception.LeNet5},
 * {@link dev.fivefold.perception.Gpt}; what they are ({@link dev.fivefold.perception.ImageClassifier},
 * {@link dev.fivefold.perception.LanguageModel}); the registry of specs and the loading of a model
 * from a checkpoint ({@link dev.fivefold.perception.Models}); and models built from models:
 * {@link dev.fivefold.perception.Ensemble}, {@link dev.fivefold.perception.Jittered},
 * {@link dev.fivefold.perception.VibClassifier}.
 */
package dev.fivefold.perception;
