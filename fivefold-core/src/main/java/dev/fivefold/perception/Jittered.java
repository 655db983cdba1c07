package dev.fivefold.perception;

import dev.fivefold.autodiff.Var;
import dev.fivefold.data.RandomShift;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Rng;

/**
 * Any image classifier trained on jittered inputs: in training mode on a recording tape each
 * image of the batch is shifted by up to {@code maxShift} pixels ({@link RandomShift}) before the
 * wrapped model sees it,
 * <pre>
 *   logits = f(shift(x))  in training,   logits = f(x)  in evaluation
 * </pre>
 * the augmentation Hinton, Vinyals &amp; Dean gave their regularised teacher (2015, §3). For a
 * CNN, which is translation-equivariant by construction, the shift is a regulariser that does not
 * fight the architecture (unlike an MLP's, {@link Mlp#regularised}); it also keeps the teacher from
 * fitting the unshifted training images outright, so its softened outputs on them keep the
 * similarity structure a student learns from. Parameters are the wrapped model's (names {@code
 * model.*}): save {@link #model()} as the trained model.
 */
public final class Jittered extends Module {
  private final Module model;
  private final RandomShift shift;

  /**
   * Wraps {@code model}, the shifts drawn from {@code new Rng(seed)}.
   *
   * @param model an image classifier on {@code [N, ...]} batches of 28 × 28 planes
   * @param maxShift jitter in pixels, in [1, 28)
   * @param seed the shifts' seed
   * @throws IllegalArgumentException if {@code model} is null or {@code maxShift} is out of range
   */
  public Jittered(Module model, int maxShift, long seed) {
    this(model, maxShift, new Rng(seed));
  }

  /**
   * As {@link #Jittered(Module, int, long)} with the shifts drawn from {@code rng}.
   *
   * @param model an image classifier on {@code [N, ...]} batches of 28 × 28 planes
   * @param maxShift jitter in pixels, in [1, 28)
   * @param rng the shifts' generator
   * @throws IllegalArgumentException if {@code model} is null or {@code maxShift} is out of range
   */
  public Jittered(Module model, int maxShift, Rng rng) {
    if (model == null) throw new IllegalArgumentException("model must not be null");
    if (maxShift < 1 || maxShift >= 28) throw new IllegalArgumentException("maxShift (" + maxShift + ") must be in [1, 28)");
    this.model = child("model", model);
    this.shift = RandomShift.mnist(maxShift, rng);
  }

  /**
   * The wrapped model (shared parameters).
   *
   * @return the model given to the constructor
   */
  public Module model() {
    return model;
  }

  @Override
  public Var forward(Var x) { // [N, ...] -> [N, classes]
    if (!isTraining() || !x.tape().recording()) return model.forward(x);
    return model.forward(x.tape().input(shift.apply(x.value())));
  }
}
