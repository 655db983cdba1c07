/**
 * Fusion of sight and language, and how much a model uses each: yes/no
 * {@link dev.fivefold.perception.fusion.Questions} about Fashion-MNIST images generated from the
 * labels; {@link dev.fivefold.perception.fusion.EarlyFusion} (image patches and question characters
 * in one Transformer, with cross-modal attention maps) against
 * {@link dev.fivefold.perception.fusion.LateFusion} (separate encoders, combined embeddings); the
 * {@link dev.fivefold.perception.fusion.PerceptualScore} of Gat et al. (2021); and the whole
 * experiment, including a deliberately biased split, as {@link dev.fivefold.perception.fusion.FusionExperiment}
 * ({@code fivefold fusion}).
 */
package dev.fivefold.perception.fusion;
