package dev.fivefold.nn;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.tensor.Rng;

/** A lookup table [V, C]: token id → vector. Initialised N(0, std²). */
public final class Embedding extends Module {
  private final Parameter weight;

  public Embedding(int vocab, int dim, float std, Rng rng) {
    if (vocab < 1 || dim < 1) throw new IllegalArgumentException("Embedding sizes (" + vocab + ", " + dim + ") must be >= 1");
    this.weight = parameter("weight", Init.normal(rng, std, vocab, dim)).noDecay();
  }

  /** Rows at {@code ids} (first size(shape) entries), shape {@code shape + [C]}. */
  public Var lookup(Tape tape, int[] ids, int... shape) {
    return F.embedding(weight.on(tape), ids, shape);
  }

  public Parameter weight() {
    return weight;
  }

  /** Not applicable: embeddings take integer ids; use {@link #lookup}. */
  @Override
  public Var forward(Var x) {
    throw new UnsupportedOperationException("Embedding takes integer ids: use lookup(tape, ids, shape)");
  }
}
