/**
 * Knowledge distillation (Hinton, Vinyals &amp; Dean 2015): the loss ({@link
 * dev.fivefold.compress.distill.Distillation}: soft targets at a temperature, or logit matching),
 * the training task against a fixed teacher ({@link dev.fivefold.compress.distill.DistillationTask}:
 * cached teacher logits, function matching on jittered or mixed images, unlabelled transfer sets),
 * and the experiment the {@code distill} command runs ({@link
 * dev.fivefold.compress.distill.DistillationExperiment}: teachers, students alone and distilled,
 * the gap closed). The teachers' ensembles and regularised wrappers are models: {@code
 * perception.Ensemble}, {@code perception.Jittered}, {@code perception.Mlp#regularise}.
 */
package dev.fivefold.compress.distill;
