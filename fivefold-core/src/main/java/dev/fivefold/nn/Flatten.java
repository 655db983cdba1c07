package dev.fivefold.nn;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;

/** [N, ...] → [N, prod(...)]. */
public final class Flatten extends Module {
  /** A flatten (no parameters). */
  public Flatten() {}

  @Override
  public Var forward(Var x) {
    return F.reshape(x, x.shape().dim(0), -1);
  }
}
