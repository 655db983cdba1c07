/**
 * A small CLIP (Radford et al. 2021, "Learning Transferable Visual Models From Natural Language
 * Supervision"): an image encoder and a character-level text encoder projected into one
 * L2-normalised space and trained with the symmetric InfoNCE loss and a learned temperature.
 * {@link dev.fivefold.perception.clip.Clip} is the model, {@link dev.fivefold.perception.clip.TextEncoder}
 * its text tower (also the question encoder of {@code perception.fusion}),
 * {@link dev.fivefold.perception.clip.InfoNce} the loss and its mutual-information bound,
 * {@link dev.fivefold.perception.clip.ClipExperiment} the whole experiment ({@code fivefold clip}):
 * zero-shot classification, retrieval recall, the bound per epoch, a PCA picture of the space.
 */
package dev.fivefold.perception.clip;
