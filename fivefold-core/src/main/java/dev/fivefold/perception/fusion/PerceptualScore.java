package dev.fivefold.perception.fusion;

import dev.fivefold.tensor.Rng;

/**
 * The perceptual score (Gat, Schwartz &amp; Schwing 2021, "Perceptual Score: What Data Modalities
 * Does Your Model Perceive?", NeurIPS): how much a trained model's test accuracy falls when one
 * modality is permuted across the test set — each sample keeps its label and its other modality
 * but gets the permuted modality of another sample — normalised by the accuracy itself:
 *
 * <pre>  P_m = (acc − E_σ[acc with modality m permuted by σ]) / acc</pre>
 *
 * the expectation taken over {@code permutations} uniform random permutations (the paper stresses
 * averaging). A model that ignores modality m scores ≈ 0 for it; one that needs it scores up to
 * 1 − chance/acc. The score can be negative when permuting helps (noise). acc = 0 gives NaN scores.
 *
 * @param accuracy unpermuted test accuracy
 * @param imagesPermuted mean accuracy with the images permuted
 * @param questionsPermuted mean accuracy with the questions permuted
 * @param visual P_image
 * @param textual P_question
 * @param permutations permutations averaged per modality
 */
public record PerceptualScore(double accuracy, double imagesPermuted, double questionsPermuted, double visual, double textual, int permutations) {
  /** Accuracy of the model on the test samples when sample i is shown image imageOf[i] and question questionOf[i] (its label stays). */
  @FunctionalInterface
  public interface Scorer {
    double accuracy(int[] imageOf, int[] questionOf);
  }

  /**
   * Measures both scores on {@code n} test samples.
   *
   * @param permutations &ge; 1 (default 5)
   * @param seed the permutations' generator
   */
  public static PerceptualScore measure(Scorer scorer, int n, int permutations, long seed) {
    if (n < 2) throw new IllegalArgumentException("test samples (" + n + ") must be >= 2 to permute");
    if (permutations < 1) throw new IllegalArgumentException("permutations (" + permutations + ") must be >= 1");
    int[] id = new int[n];
    for (int i = 0; i < n; i++) id[i] = i;
    double acc = scorer.accuracy(id, id);
    Rng rng = new Rng(seed);
    double img = 0, txt = 0;
    for (int k = 0; k < permutations; k++) {
      int[] p = id.clone();
      rng.shuffle(p);
      img += scorer.accuracy(p, id);
      int[] q = id.clone();
      rng.shuffle(q);
      txt += scorer.accuracy(id, q);
    }
    img /= permutations;
    txt /= permutations;
    return new PerceptualScore(acc, img, txt, (acc - img) / acc, (acc - txt) / acc, permutations);
  }
}
