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

  public Parameter(Tensor value) {
    this.value = value;
    this.grad = new float[value.size()];
  }

  public Tensor value() {
    return value;
  }

  /** The gradient accumulator, same length as the value. */
  public float[] grad() {
    return grad;
  }

  public int size() {
    return value.size();
  }

  public void zeroGrad() {
    Arrays.fill(grad, 0f);
  }

  /** This parameter as a leaf on {@code tape}, its gradient flowing into {@link #grad()}. */
  public Var on(Tape tape) {
    return tape.parameter(value, grad);
  }

  /** Whether weight decay applies (false for biases and norm gains by the models' convention). */
  public boolean decay() {
    return decay;
  }

  public Parameter noDecay() {
    this.decay = false;
    return this;
  }
}
