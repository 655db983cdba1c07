/**
 * Data augmentation for image batches: random crop with padding, horizontal flip, random erasing,
 * Cutout (per-image {@link dev.fivefold.data.augment.ImageOp}s) and mixup, CutMix (batch
 * {@link dev.fivefold.data.augment.Mixing}s with soft targets), composed by an
 * {@link dev.fivefold.data.augment.Augmentation} parsed from one spec ({@code crop:4,flip,erase:0.5})
 * and applied, seeded and resumably, by an {@link dev.fivefold.data.augment.Augmenter}. A training
 * task ({@code train.ClassificationTask}) augments each batch and keeps the augmenter's state with
 * its data position, so a resumed run is bit-identical to an uninterrupted one.
 */
package dev.fivefold.data.augment;
