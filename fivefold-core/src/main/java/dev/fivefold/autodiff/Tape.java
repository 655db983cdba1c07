package dev.fivefold.autodiff;

import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Reverse-mode automatic differentiation: a tape of the ops run since the last {@link #reset()}.
 *
 * <p>Forward functions ({@link F}) append a {@link Var} per op; {@link #backward(Var)} walks the
 * tape in reverse and applies each op's rule from {@link Derivatives}, accumulating
 * {@code dL/dx} into every input that requires a gradient. Temporaries come from a
 * {@link BufferPool} and return to it on {@code reset()}, so after the first step of a fixed shape a
 * training step allocates no new arrays. Values obtained from this tape are invalid after reset.
 *
 * <p>A tape made with {@link #inference()} records nothing and computes no gradients.
 */
public final class Tape {
  final BufferPool pool = new BufferPool();
  private final List<Var> nodes = new ArrayList<>();
  private final boolean recording;
  private OpProfile profile;
  private boolean freeGradients;
  private long lastMark;

  private Tape(boolean recording) {
    this.recording = recording;
  }

  /**
   * A tape that records ops for backward.
   * @return a new, empty recording tape
   */
  public static Tape training() {
    return new Tape(true);
  }

  /**
   * A tape that records nothing (evaluation).
   * @return a new tape on which ops run forward only
   */
  public static Tape inference() {
    return new Tape(false);
  }

  /**
   * Whether this tape records ops for backward.
   * @return true for a {@link #training()} tape, false for an {@link #inference()} one
   */
  public boolean recording() {
    return recording;
  }

  /**
   * With {@code true}, {@link #backward} hands each intermediate value's gradient back to the pool
   * as soon as that value's derivative rule has used it, and sets it to null; a later gradient of
   * the same length reuses the buffer. The gradients of a whole backward then never coexist, which
   * cuts a training step's peak memory by up to the size of all activations (PyTorch frees them the
   * same way). Results are bit-identical either way: a reused buffer is zeroed or overwritten. Off
   * by default, since {@link Var#grad()} of an intermediate value (saliency, Grad-CAM) is then null
   * after backward; parameters' and inputs' gradients are leaves and always kept.
   *
   * @param on whether to free intermediate gradients during backward
   * @return this tape
   */
  public Tape freeGradients(boolean on) {
    this.freeGradients = on;
    return this;
  }

  /**
   * A constant input (no gradient). The tensor is used as is, not copied.
   * @param t the value
   * @return a leaf that requires no gradient
   */
  public Var input(Tensor t) {
    return new Var(this, t, Op.LEAF, new Var[0], false);
  }

  /**
   * A trainable leaf whose gradient accumulates into {@code gradAccumulator} (same length as the
   * value): backward adds to it; the caller zeroes it between steps.
   * @param value the parameter's value, used as is
   * @param gradAccumulator the gradient accumulator, of the value's size
   * @return a leaf that requires a gradient on a recording tape (on an inference tape, a constant)
   * @throws IllegalArgumentException if the accumulator's length differs from the value's size
   */
  public Var parameter(Tensor value, float[] gradAccumulator) {
    if (gradAccumulator.length != value.size()) {
      throw new IllegalArgumentException("gradient length (" + gradAccumulator.length + ") != parameter size (" + value.size() + ")");
    }
    Var v = new Var(this, value, Op.LEAF, new Var[0], recording);
    if (recording) v.grad = gradAccumulator;
    return v;
  }

  /** A fresh tensor from the pool with unspecified contents. */
  Tensor alloc(Shape s) {
    return Tensor.wrap(pool.take(s.size()), s);
  }

  Tensor allocZeroed(Shape s) {
    return Tensor.wrap(pool.takeZeroed(s.size()), s);
  }

  float[] scratch(int n) {
    return pool.take(n);
  }

  /** {@link #scratch} as the kernels' {@link dev.fivefold.tensor.kernel.BatchConv.Buffers}, with early give-back. */
  dev.fivefold.tensor.kernel.BatchConv.Buffers buffers() {
    return buffers;
  }

  private final dev.fivefold.tensor.kernel.BatchConv.Buffers buffers = new dev.fivefold.tensor.kernel.BatchConv.Buffers() {
    @Override
    public float[] take(int n) {
      return pool.take(n);
    }

    @Override
    public void giveBack(float[] b) {
      pool.giveBack(b);
    }
  };

  int[] scratchInts(int n) {
    return pool.takeInts(n);
  }

  /**
   * Starts (or with null stops) timing ops into {@code p}: forward time of an op is measured from
   * the previous record (or reset) to its own, backward time around its derivative rule.
   * @param p the profile to add timings to, or null to stop
   */
  public void profile(OpProfile p) {
    this.profile = p;
    this.lastMark = System.nanoTime();
  }

  /** Records the result of {@code op} on {@code inputs}. */
  Var record(Op op, Tensor value, Var... inputs) {
    if (profile != null) {
      long now = System.nanoTime();
      profile.add(op, false, now - lastMark);
      lastMark = now;
    }
    boolean rg = false;
    if (recording) {
      for (Var in : inputs) rg |= in.requiresGrad;
    }
    Var v = new Var(this, value, op, inputs, rg);
    if (rg) nodes.add(v);
    return v;
  }

  /**
   * Backpropagates from a scalar {@code loss} (seed gradient 1).
   * @param loss a scalar that depends on at least one parameter
   * @throws IllegalArgumentException if the loss is not a scalar (see also {@link #backward(Var, float[])})
   * @throws IllegalStateException on an inference tape
   */
  public void backward(Var loss) {
    if (loss.value.size() != 1) {
      throw new IllegalArgumentException("backward needs a scalar loss, got shape " + loss.shape());
    }
    backward(loss, new float[] {1f});
  }

  /**
   * Backpropagates {@code seed} (dL/d output, same size as {@code output}).
   * Gradients left on intermediate values by an earlier backward are cleared first; parameters' accumulators
   * keep accumulating.
   * @param output a value of this tape that depends on at least one parameter
   * @param seed the gradient of the loss with respect to {@code output}, one per element
   * @throws IllegalStateException on an inference tape
   * @throws IllegalArgumentException if {@code output} is from another tape, depends on no parameter, or
   *     {@code seed} has the wrong length
   */
  public void backward(Var output, float[] seed) {
    if (!recording) throw new IllegalStateException("backward on an inference tape");
    if (output.tape != this) throw new IllegalArgumentException("output is from another tape");
    if (!output.requiresGrad) throw new IllegalArgumentException("output does not depend on any parameter");
    if (seed.length != output.value.size()) {
      throw new IllegalArgumentException("seed length (" + seed.length + ") != output size (" + output.value.size() + ") of " + output.shape());
    }
    // Intermediate gradients belong to one backward: clear what an earlier call left, or it
    // would be propagated again (parameters' accumulators are leaves and keep accumulating).
    for (Var v : nodes) if (v.grad != null) java.util.Arrays.fill(v.grad, 0f);
    float[] g = output.gradBuffer();
    for (int i = 0; i < g.length; i++) g[i] += seed[i];
    for (int i = nodes.size() - 1; i >= 0; i--) {
      Var v = nodes.get(i);
      if (v.grad != null) {
        if (profile == null) {
          Derivatives.apply(v);
        } else {
          long t0 = System.nanoTime();
          Derivatives.apply(v);
          profile.add(v.op, true, System.nanoTime() - t0);
        }
        if (freeGradients) {
          pool.giveBack(v.grad);
          v.grad = null;
        }
      }
    }
  }

  /** Forgets every recorded op and returns all temporaries to the pool. */
  public void reset() {
    nodes.clear();
    pool.releaseAll();
    lastMark = System.nanoTime();
  }

  /**
   * Number of recorded ops (for tests and diagnostics).
   * @return the number of recorded ops that require a gradient
   */
  public int size() {
    return nodes.size();
  }

  /**
   * Bytes of new float/int arrays this tape has allocated since it was made.
   * @return the bytes allocated by this tape's pool; constant across steps of a fixed shape
   */
  public long allocatedBytes() {
    return pool.allocatedBytes();
  }
}
