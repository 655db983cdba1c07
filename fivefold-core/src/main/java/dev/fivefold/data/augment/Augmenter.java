package dev.fivefold.data.augment;

import dev.fivefold.data.Mixup;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;

/**
 * Applies an {@link Augmentation} to training batches, seeded and resumable.
 *
 * <p>Randomness: batch number k (counted from 0 by this object) is augmented with its own
 * generator {@code new Rng(mix(seed, k))}, {@code mix} a 64-bit finaliser of the pair, so that the
 * streams of different batches do not overlap. Within the batch the draws run sequentially:
 * sample 0's ops in order, sample 1's, …, then the mixing. The result is a function of (seed, k,
 * the batch) only — the same for any thread count, and the whole random state is the one number
 * k ({@link #batches()}, {@link #restore}): a task saves it with its data position, so a resumed
 * run augments exactly the batches an uninterrupted one would.
 */
public final class Augmenter {
  /**
   * An augmented batch: the images, and the soft targets ỹ [N, classes] if the augmentation mixes (else null).
   *
   * @param x the augmented images, the input's shape
   * @param targets the soft targets ỹ, [N, classes], or null
   */
  public record Augmented(Tensor x, Tensor targets) {}

  private final Augmentation augmentation;
  private final long seed;
  private long batches;

  /**
   * An augmenter whose random draws derive from {@code seed}.
   *
   * @param augmentation what to do
   * @param seed the run's seed; the generators are derived from it (independently of the batch order's)
   * @throws IllegalArgumentException if {@code augmentation} is null
   */
  public Augmenter(Augmentation augmentation, long seed) {
    if (augmentation == null) throw new IllegalArgumentException("augmentation must not be null");
    this.augmentation = augmentation;
    this.seed = seed;
  }

  /** {@return what this augmenter does} */
  public Augmentation augmentation() {
    return augmentation;
  }

  /**
   * Batches augmented so far: the random state.
   *
   * @return the batch count
   */
  public long batches() {
    return batches;
  }

  /**
   * Continues as if {@code batches} batches had been augmented.
   *
   * @param batches the batches augmented before, non-negative
   * @throws IllegalArgumentException if {@code batches} is negative
   */
  public void restore(long batches) {
    if (batches < 0) throw new IllegalArgumentException("batches (" + batches + ") must be >= 0");
    this.batches = batches;
  }

  /**
   * Augments the next batch: a new tensor of x's shape (x is not changed), and, for a mixing
   * augmentation, the soft targets from the labels {@code y}.
   *
   * @param x the images, [N, C, H, W] or [N, H, W]
   * @param y the labels, one per image
   * @param classes the number of classes
   * @return the augmented batch
   * @throws IllegalArgumentException if x is not a batch of images ({@link ImageLayout#of}) or an op does not fit them
   */
  public Augmented apply(Tensor x, int[] y, int classes) {
    ImageLayout layout = ImageLayout.of(x);
    augmentation.check(layout);
    int n = x.dim(0), per = layout.size();
    if (y.length < n) throw new IllegalArgumentException("labels (" + y.length + ") fewer than images (" + n + ")");
    Rng rng = generator(seed, batches++);
    float[] out = x.data().clone();
    for (int i = 0; i < n; i++) {
      for (ImageOp op : augmentation.ops()) op.apply(out, i * per, layout, rng);
    }
    Tensor images = Tensor.wrap(out, x.shape());
    if (augmentation.mixing() == null) return new Augmented(images, null);
    Mixup.Mixed m = augmentation.mixing().mix(images, layout, rng);
    int[] labels = y.length == n ? y : java.util.Arrays.copyOf(y, n);
    return new Augmented(m.x(), m.targets(labels, classes));
  }

  /** The generator of batch k: SplitMix64 seeded by a finalised (seed, k). */
  static Rng generator(long seed, long k) {
    long z = seed * 0xD1B54A32D192ED03L + k * 0x9E3779B97F4A7C15L + 0x61C8864680B583EBL;
    z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
    z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return new Rng(z ^ (z >>> 33));
  }
}
