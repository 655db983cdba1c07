package dev.fivefold.autodiff;

import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;

/**
 * A value on a {@link Tape}: a tensor, the op that produced it, its inputs, and (after
 * {@link Tape#backward}) its gradient. Created only by the tape and by {@link F}.
 */
public final class Var {
  final Tape tape;
  final Tensor value;
  final Op op;
  final Var[] inputs;
  final boolean requiresGrad;
  /** Saved forward data the derivative rule needs (argmax, probabilities, masks, statistics). */
  Object saved;
  /** Integer hyper-parameters of the op (axes, stride, padding, heads). */
  int[] args;
  /** Float hyper-parameters of the op (exponent, scale, epsilon). */
  float farg;
  float[] grad;

  Var(Tape tape, Tensor value, Op op, Var[] inputs, boolean requiresGrad) {
    this.tape = tape;
    this.value = value;
    this.op = op;
    this.inputs = inputs;
    this.requiresGrad = requiresGrad;
  }

  /**
   * The tape this value lives on.
   * @return the tape that recorded this value
   */
  public Tape tape() {
    return tape;
  }

  /**
   * The forward value, valid until the tape is reset.
   * @return the value tensor (not a copy)
   */
  public Tensor value() {
    return value;
  }

  /**
   * The shape of the value.
   * @return the value's shape
   */
  public Shape shape() {
    return value.shape();
  }

  /**
   * The value's elements, row-major.
   * @return the backing array (not a copy), of the value's size
   */
  public float[] data() {
    return value.data();
  }

  /**
   * The gradient of the last backward's output w.r.t. this value, or null if none flowed here.
   * @return a view of the gradient, of this value's shape, or null
   */
  public Tensor grad() {
    return grad == null ? null : Tensor.wrap(grad, value.shape());
  }

  /**
   * The single value of a scalar.
   * @return the value's only element
   */
  public float item() {
    return value.item();
  }

  /**
   * The primitive that produced this value ({@link Op#LEAF} for inputs and parameters).
   * @return the op
   */
  public Op op() {
    return op;
  }

  /**
   * Whether a gradient flows to this value: it is a parameter on a recording tape, or depends on one.
   * @return true if backward reaches this value
   */
  public boolean requiresGrad() {
    return requiresGrad;
  }

  /** This value's gradient buffer, created zeroed on first use. */
  float[] gradBuffer() {
    if (grad == null) grad = tape.pool.takeZeroed(value.size());
    return grad;
  }

  @Override
  public String toString() {
    return "Var(" + op + ", " + value.shape() + ")";
  }
}
