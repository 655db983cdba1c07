package dev.fivefold.perception.fusion;

import dev.fivefold.tensor.Rng;

/**
 * The perceptual score (Gat, Schwartz &amp; Schwing 2021, "Perceptual Score: What Data Modalities
 * Does Your Model Perceive?", NeurIPS): how much a trained model's test accuracy falls when one
 * modality is permuted across the test set — each sample keeps its label and its other modality
 * but gets the permuted modality of another sample — normalised by the accuracy itself:
 *
 * <pre>  P_m = (1/Z) · (acc − E_σ[acc with modality m permuted by σ]),   Z = acc</pre>
 *
 * the expectation taken over {@code permutations} uniform random permutations (the paper stresses
 * averaging). A model that ignores modality m scores ≈ 0 for it; one that needs it scores up to
 * 1 − chance/acc. The score can be negative when permuting helps (noise). acc = 0 gives NaN scores.
 *
 * <p>The reference: the numerator is the paper's perceptual score, Eq. 2 of arXiv:2110.14375 as
 * its authors' code names it (github.com/itaigat/perceptual-score, README: "two approaches to
 * compute [...] the perceptual score (Eq. 2)", with the expectation over permutations estimated
 * by permuting within the test set or by drawing a random other sample; its example prints the
 * unnormalised difference, there of risks). The normalisation Z = acc is the paper's
 * model-normalised score, which makes models of different accuracy comparable: it reads as the
 * share of the model's correct answers that depend on modality m. The unnormalised difference is
 * kept ({@link #visualDrop()}, {@link #textualDrop()}). This session could read the repository
 * but not the paper's Section 3 itself (the stored copies hold only its introduction), so the
 * normalisation was checked against the repository and the abstract, not against the equation's
 * text.
 *
 * @param accuracy unpermuted test accuracy
 * @param imagesPermuted mean accuracy with the images permuted
 * @param questionsPermuted mean accuracy with the questions permuted
 * @param visual P_image
 * @param textual P_question
 * @param permutations permutations averaged per modality
 */
public record PerceptualScore(double accuracy, double imagesPermuted, double questionsPermuted, double visual, double textual, int permutations) {
  /**
   * The score from measured accuracies: the unpermuted one and one per permutation of each modality (P_m = (acc − mean)/acc).
   *
   * @param accuracy the unpermuted accuracy
   * @param imagesPermuted the accuracy under each image permutation
   * @param questionsPermuted the accuracy under each question permutation, as many
   * @return the score
   * @throws IllegalArgumentException if the permuted arrays are empty or differ in length
   */
  public static PerceptualScore of(double accuracy, double[] imagesPermuted, double[] questionsPermuted) {
    if (imagesPermuted.length == 0 || imagesPermuted.length != questionsPermuted.length) {
      throw new IllegalArgumentException("permuted accuracies (" + imagesPermuted.length + " images, " + questionsPermuted.length
          + " questions) must be as many and >= 1");
    }
    double img = 0, txt = 0;
    for (double a : imagesPermuted) img += a;
    for (double a : questionsPermuted) txt += a;
    img /= imagesPermuted.length;
    txt /= questionsPermuted.length;
    return new PerceptualScore(accuracy, img, txt, (accuracy - img) / accuracy, (accuracy - txt) / accuracy, imagesPermuted.length);
  }

  /**
   * acc − E_σ[acc with the images permuted]: the unnormalised visual score.
   *
   * @return the drop, in [-1, 1]
   */
  public double visualDrop() {
    return accuracy - imagesPermuted;
  }

  /**
   * acc − E_σ[acc with the questions permuted]: the unnormalised textual score.
   *
   * @return the drop, in [-1, 1]
   */
  public double textualDrop() {
    return accuracy - questionsPermuted;
  }

  /** Accuracy of the model on the test samples when sample i is shown image imageOf[i] and question questionOf[i] (its label stays). */
  @FunctionalInterface
  public interface Scorer {
    /**
     * The accuracy with permuted inputs.
     *
     * @param imageOf the image each test sample is shown
     * @param questionOf the question each test sample is asked
     * @return the accuracy, in [0, 1]
     */
    double accuracy(int[] imageOf, int[] questionOf);
  }

  /**
   * Measures both scores on {@code n} test samples.
   *
   * @param permutations &ge; 1 (default 5)
   * @param seed the permutations' generator
   * @param scorer measures the accuracy under given permutations
   * @param n the test samples, &ge; 2
   * @return the score
   * @throws IllegalArgumentException if {@code n < 2} or {@code permutations < 1}
   */
  public static PerceptualScore measure(Scorer scorer, int n, int permutations, long seed) {
    if (n < 2) throw new IllegalArgumentException("test samples (" + n + ") must be >= 2 to permute");
    if (permutations < 1) throw new IllegalArgumentException("permutations (" + permutations + ") must be >= 1");
    int[] id = new int[n];
    for (int i = 0; i < n; i++) id[i] = i;
    double acc = scorer.accuracy(id, id);
    Rng rng = new Rng(seed);
    double[] img = new double[permutations], txt = new double[permutations];
    for (int k = 0; k < permutations; k++) {
      int[] p = id.clone();
      rng.shuffle(p);
      img[k] = scorer.accuracy(p, id);
      int[] q = id.clone();
      rng.shuffle(q);
      txt[k] = scorer.accuracy(id, q);
    }
    return of(acc, img, txt);
  }
}
