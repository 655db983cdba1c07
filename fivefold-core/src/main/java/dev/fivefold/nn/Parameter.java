package dev.fivefold.nn;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.tensor.Tensor;
import java.util.Arrays;

/**
 * A trainable tensor and its gradient accumulator. Backward adds into {@link #grad()}; the
 * optimizer reads it and {@link #zeroGrad()} clears it. Optimizers update {@link #value()} in place.
 */
public final class Parameter {
  private final Tensor value;
  private final float[] grad;
  private boolean decay = true;

  /**
   * A trainable tensor with a zero gradient accumulator; weight decay applies until {@link #noDecay()}.
   *
   * @param value the value, held (not copied) and updated in place by optimizers
   */
  public Parameter(Tensor value) {
    this.value = value;
    this.grad = new float[value.size()];
  }

  /** {@return the value, updated in place} */
  public Tensor value() {
    return value;
  }

  /**
   * The gradient accumulator, same length as the value.
   *
   * @return the gradient
   */
  public float[] grad() {
    return grad;
  }

  /** {@return the number of elements} */
  public int size() {
    return value.size();
  }

  /** Zeroes the gradient accumulator. */
  public void zeroGrad() {
    Arrays.fill(grad, 0f);
  }

  /**
   * This parameter as a leaf on {@code tape}, its gradient flowing into {@link #grad()}.
   *
   * @param tape the tape
   * @return the leaf
   */
  public Var on(Tape tape) {
    return tape.parameter(value, grad);
  }

  /**
   * Whether weight decay applies (false for biases and norm gains by the models' convention).
   *
   * @return true if weight decay applies
   */
  public boolean decay() {
    return decay;
  }

  /**
   * Excludes this parameter from weight decay.
   *
   * @return this parameter
   */
  public Parameter noDecay() {
    this.decay = false;
    return this;
  }
}
