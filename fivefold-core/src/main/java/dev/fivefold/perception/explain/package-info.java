/**
 * Seeing what an image classifier sees: attribution maps ({@link dev.fivefold.perception.explain.Saliency}
 * gradient, gradient × input and SmoothGrad, {@link dev.fivefold.perception.explain.GradCam},
 * {@link dev.fivefold.perception.explain.Occlusion}), a ViT's attention per layer and head and its
 * rollout ({@link dev.fivefold.perception.explain.AttentionMaps},
 * {@link dev.fivefold.perception.explain.AttentionRollout}), first-layer filters and feature maps;
 * and the evidence that the maps mean something: the deletion curve against a random order
 * ({@link dev.fivefold.perception.explain.DeletionCurve}) and the model-randomisation sanity check
 * ({@link dev.fivefold.perception.explain.SanityCheck}). {@link dev.fivefold.perception.explain.ExplainExperiment}
 * runs them all as one experiment (config in, result out) for {@code fivefold explain}.
 */
package dev.fivefold.perception.explain;
