/**
 * Curriculum learning: difficulty scores from a teacher's or the model's own per-example loss
 * ({@link dev.fivefold.train.curriculum.Difficulty}), pacing functions
 * ({@link dev.fivefold.train.curriculum.Pacing}), a task that draws batches from the easiest part
 * of the data ({@link dev.fivefold.train.curriculum.CurriculumTask}), and the experiment that
 * compares curricula with random order and anti-curriculum over seeds
 * ({@link dev.fivefold.train.curriculum.CurriculumExperiment}).
 */
package dev.fivefold.train.curriculum;
