package dev.fivefold.perception;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;

/** A model of token sequences: logits [B, T, V] for token ids [B·T] (Gpt). */
public interface LanguageModel extends Model {
  /**
   * Token alphabet size V.
   *
   * @return V, &ge; 2
   */
  int vocab();

  /**
   * Longest sequence T.
   *
   * @return T, &ge; 1
   */
  int context();

  /**
   * Logits [B, T, V] for tokens [B·T] (row-major [B, T]), T ≤ context.
   *
   * @param tape the tape to record on
   * @param tokens token ids in [0, V), at least B·T of them
   * @param b batch rows B
   * @param t sequence length T, in [1, context]
   * @return the logits
   */
  Var forward(Tape tape, int[] tokens, int b, int t);
}
