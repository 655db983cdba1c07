package dev.fivefold.perception.fusion;

import dev.fivefold.autodiff.Var;

/** A model that answers a yes/no question about an image: logits [N, 2] (index 1 = yes). */
public interface FusionModel {
  /**
   * The answer logits of N image-question pairs.
   *
   * @param images [N, 1, 28, 28] on the tape that records the forward
   * @param ids the questions, [N, T] row-major ({@link dev.fivefold.data.caption.CharVocabulary} encodings)
   * @param n N
   * @return logits [N, 2], index 1 = yes
   */
  Var logits(Var images, int[] ids, int n);

  /**
   * The text context T the model reads.
   *
   * @return T
   */
  int context();
}
