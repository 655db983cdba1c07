package dev.fivefold.nn;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.tensor.Rng;

/** A lookup table [V, C]: token id → vector. Initialised N(0, std²). */
public final class Embedding extends Module {
  private final Parameter weight;

  /**
   * A table initialised N(0, std²), excluded from weight decay.
   *
   * @param vocab the number of rows V, at least 1
   * @param dim the vector size C, at least 1
   * @param std the standard deviation of the initial values
   * @param rng the source of the initial values
   * @throws IllegalArgumentException if a size is below 1
   */
  public Embedding(int vocab, int dim, float std, Rng rng) {
    if (vocab < 1 || dim < 1) throw new IllegalArgumentException("Embedding sizes (" + vocab + ", " + dim + ") must be >= 1");
    this.weight = parameter("weight", Init.normal(rng, std, vocab, dim)).noDecay();
  }

  /**
   * Rows at {@code ids} (first size(shape) entries), shape {@code shape + [C]}.
   *
   * @param tape the tape the lookup is recorded on
   * @param ids the token ids, each in [0, V)
   * @param shape the shape of the ids used
   * @return the vectors, {@code shape + [C]}
   */
  public Var lookup(Tape tape, int[] ids, int... shape) {
    return F.embedding(weight.on(tape), ids, shape);
  }

  /** {@return the table, [V, C]} */
  public Parameter weight() {
    return weight;
  }

  /** Not applicable: embeddings take integer ids; use {@link #lookup}. */
  @Override
  public Var forward(Var x) {
    throw new UnsupportedOperationException("Embedding takes integer ids: use lookup(tape, ids, shape)");
  }
}
