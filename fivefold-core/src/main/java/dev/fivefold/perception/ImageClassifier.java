package dev.fivefold.perception;

import dev.fivefold.nn.Module;

/**
 * A model that maps a batch of images [N, ...] to logits [N, classes] through
 * {@code Module.forward}: Mlp, LeNet5, Vit. Implemented by Modules only.
 */
public interface ImageClassifier extends Model {
  /**
   * The shape of one input sample, e.g. {784} for an MLP or {1, 28, 28} for a LeNet-5.
   *
   * @return a fresh array of the per-sample dimensions
   */
  int[] inputShape();

  /**
   * Input values per sample (the product of {@link #inputShape()}).
   *
   * @return the product of the input dimensions
   */
  default int features() {
    int n = 1;
    for (int d : inputShape()) n *= d;
    return n;
  }

  /**
   * Logits per sample.
   *
   * @return the number of classes, the width of the logits
   */
  int classes();

  /**
   * Whether {@link #regularised} takes dropout rates (an MLP does; a CNN only jitter).
   *
   * @return true if dropout rates may be non-zero
   */
  default boolean takesDropout() {
    return false;
  }

  /**
   * This model as trained with Hinton et al.'s regularisation (2015, §3): inputs jittered by up to
   * {@code maxShift} pixels ({@link Jittered}, from {@code new Rng(seed)}), and for the families
   * that {@link #takesDropout} dropout on the inputs and hidden units. The returned module shares
   * this model's parameters (save this model, not it); with everything 0 it is this model.
   *
   * @throws IllegalArgumentException for dropout on a family without it
   * @param inputDropout dropout probability on the inputs, in [0, 1)
   * @param hiddenDropout dropout probability on the hidden units, in [0, 1)
   * @param maxShift jitter in pixels, 0 for none
   * @param seed the jitter's (and dropout's) seed
   * @return this model, or a module wrapping it
   */
  default Module regularised(double inputDropout, double hiddenDropout, int maxShift, long seed) {
    if (inputDropout != 0 || hiddenDropout != 0) {
      throw new IllegalArgumentException("dropout needs an mlp, not " + spec() + " (jitter works for any image classifier)");
    }
    if (maxShift < 0) throw new IllegalArgumentException("maxShift (" + maxShift + ") must be >= 0");
    return maxShift == 0 ? (Module) this : new Jittered((Module) this, maxShift, new dev.fivefold.tensor.Rng(seed));
  }
}
