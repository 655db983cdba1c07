package dev.fivefold.nn;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.tensor.Rng;

/** Inverted dropout: in training, zero each element with probability p and scale by 1/(1-p); identity in eval. */
public final class Dropout extends Module {
  private final float p;
  private final Rng rng;

  /**
   * Dropout with rate {@code p}.
   *
   * @param p the probability of zeroing an element, in [0, 1)
   * @param rng the generator of the masks; registered, so a checkpoint saves its state
   * @throws IllegalArgumentException if {@code p} is outside [0, 1)
   */
  public Dropout(float p, Rng rng) {
    if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("dropout p (" + p + ") must be in [0, 1)");
    this.p = p;
    this.rng = generator("rng", rng);
  }

  /**
   * The generator, whose state a checkpoint saves.
   *
   * @return the generator
   */
  public Rng rng() {
    return rng;
  }

  @Override
  public Var forward(Var x) {
    return isTraining() && p > 0 && x.tape().recording() ? F.dropout(x, p, rng) : x;
  }
}
