package dev.fivefold.perception;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;

/** A model of token sequences: logits [B, T, V] for token ids [B·T] (Gpt). */
public interface LanguageModel extends Model {
  /** Token alphabet size V. */
  int vocab();

  /** Longest sequence T. */
  int context();

  /** Logits [B, T, V] for tokens [B·T] (row-major [B, T]), T ≤ context. */
  Var forward(Tape tape, int[] tokens, int b, int t);
}
