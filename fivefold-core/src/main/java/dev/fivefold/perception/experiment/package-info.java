/**
 * Perception experiments as library calls, a config record in and a result record out: the
 * augmentation (and architecture) ablation grid of image classifiers
 * ({@link dev.fivefold.perception.experiment.AugmentationAblation}).
 */
package dev.fivefold.perception.experiment;
