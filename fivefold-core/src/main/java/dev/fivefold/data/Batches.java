package dev.fivefold.data;

import dev.fivefold.io.Heap;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Parallel;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Mini-batches of a {@link Dataset}, epoch after epoch, optionally shuffled with a seeded {@link
 * Rng}, resumable exactly.
 *
 * <p>Each epoch visits every sample once in an order fixed at the start of the epoch: the identity,
 * or a Fisher-Yates shuffle drawn from the generator. Batches take {@code batchSize} consecutive
 * samples of that order; the last one has {@code N mod batchSize} samples unless {@code dropLast}
 * (default false) drops it. {@code for (Batch b : batches)} runs the rest of the current epoch
 * and then moves to the next; {@link #next()} runs forever, crossing epochs, for step-based
 * training.
 *
 * <p>No allocation per step: a batch is one of two preallocated {@link Batch} objects (full, and
 * the last partial one) whose arrays are overwritten by the next call. Copy what must outlive the
 * step. A partial batch has x of shape {@code [size, ...]} and y of length {@code size}, so a model
 * never sees padding.
 *
 * <p>Resume: {@link #state()} is (epoch, position within the epoch, generator state at the start
 * of the epoch); {@link #restore} re-draws that epoch's order and continues from the position, so
 * a resumed run sees exactly the batches the uninterrupted run would have seen. The generator must
 * belong to this object alone (pass {@code rng.split()} if it is shared).
 */
public final class Batches implements Iterable<Batches.Batch> {
  /**
   * A batch: x {@code [size, ...features]}, labels y of length size. Reused; valid until the next step.
   *
   * @param x the samples, [size, ...features]
   * @param y the labels, one per sample
   * @param size the number of samples, up to the batch size
   */
  public record Batch(Tensor x, int[] y, int size) {}

  /**
   * Where an iteration is: epoch, position (samples already served this epoch), generator state at epoch start.
   *
   * @param epoch the epoch, from 0
   * @param position the samples already served in that epoch
   * @param rngState the generator's state at the start of that epoch (0 without a generator)
   */
  public record State(int epoch, int position, long rngState) {}

  private final Dataset data;
  private final int batchSize;
  private final boolean shuffle;
  private final boolean dropLast;
  private final Rng rng;
  private final int[] order;
  private final int features;
  private Batch full;
  private Batch tail;
  private int epoch;
  private int position;
  private long epochRngState;
  private boolean ordered;

  /**
   * Batches that keep the last partial batch.
   *
   * @param data the samples
   * @param batchSize samples per batch, positive
   * @param shuffle whether each epoch draws a new random order
   * @param rng the generator for shuffling; may be null when {@code shuffle} is false
   * @throws IllegalArgumentException if {@code batchSize} is not positive, {@code rng} is missing, or a batch
   *   does not fit in an array
   */
  public Batches(Dataset data, int batchSize, boolean shuffle, Rng rng) {
    this(data, batchSize, shuffle, false, rng);
  }

  /**
   * Batches of {@code data}.
   *
   * @param data the samples
   * @param batchSize &gt; 0
   * @param shuffle whether each epoch draws a new random order
   * @param dropLast whether to drop the last batch of an epoch when it is partial
   * @param rng the generator for shuffling; may be null when {@code shuffle} is false
   * @throws IllegalArgumentException if {@code batchSize} is not positive, {@code rng} is missing, or a batch
   *   does not fit in an array
   */
  public Batches(Dataset data, int batchSize, boolean shuffle, boolean dropLast, Rng rng) {
    if (batchSize <= 0) throw new IllegalArgumentException("batchSize (" + batchSize + ") must be > 0");
    if (shuffle && rng == null) throw new IllegalArgumentException("rng must not be null when shuffle is true");
    this.data = data;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.rng = rng;
    this.order = new int[data.size()];
    this.features = data.features();
    long rows = Math.min(batchSize, Math.max(1, data.size())); // a batch never holds more rows than the data
    if (rows * features > Heap.MAX_ARRAY) {
      throw new IllegalArgumentException("batchSize (" + batchSize + ") × features (" + features + ") must be < 2^31 values");
    }
    Heap.require(rows * features * 4, "a batch of " + rows + " × " + features + " values");
  }

  /** {@return the samples per full batch} */
  public int batchSize() {
    return batchSize;
  }

  /**
   * Batches per epoch: {@code ceil(N / batchSize)}, or {@code floor} with dropLast.
   *
   * @return the batches per epoch
   */
  public int batchesPerEpoch() {
    int n = data.size();
    return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
  }

  /**
   * The current epoch, from 0.
   *
   * @return the epoch
   */
  public int epoch() {
    return epoch;
  }

  /**
   * Samples already served in the current epoch.
   *
   * @return the samples served
   */
  public int position() {
    return position;
  }

  /**
   * True if the current epoch has another batch.
   *
   * @return whether the epoch has another batch
   */
  public boolean hasNextInEpoch() {
    int remaining = data.size() - position;
    return remaining > 0 && !(dropLast && remaining < batchSize);
  }

  /**
   * The next batch of the current epoch.
   *
   * @return the batch, valid until the next call
   * @throws NoSuchElementException if the epoch is finished
   */
  public Batch nextInEpoch() {
    if (!hasNextInEpoch()) throw new NoSuchElementException("epoch " + epoch + " is finished");
    ensureOrder();
    int size = Math.min(batchSize, data.size() - position);
    Batch b = size == batchSize ? fullBatch() : tailBatch(size);
    float[] src = data.x().data(), dst = b.x().data();
    int[] labels = data.y(), by = b.y();
    int p0 = position;
    // rows drawn at random from a set larger than the caches: two threads keep twice the misses in flight
    Parallel.forRange(0, size, Math.max(1, GATHER_GRAIN / Math.max(1, features)), (lo, hi) -> {
      for (int i = lo; i < hi; i++) {
        int j = order[p0 + i];
        System.arraycopy(src, j * features, dst, i * features, features);
        by[i] = labels[j];
      }
    });
    position += size;
    return b;
  }

  /** Floats of a batch below which its rows are gathered on one thread. */
  private static final int GATHER_GRAIN = 1 << 14;

  /** Ends the current epoch (skipping what is left of it) and starts the next. */
  public void nextEpoch() {
    epoch++;
    position = 0;
    ordered = false;
  }

  /**
   * The next batch, moving to the next epoch when the current one is finished.
   *
   * @return the batch, valid until the next call
   * @throws IllegalStateException if an epoch has no batch
   */
  public Batch next() {
    if (batchesPerEpoch() == 0) throw new IllegalStateException("no batches: " + data.size() + " samples, batchSize " + batchSize + (dropLast ? ", dropLast" : ""));
    if (!hasNextInEpoch()) nextEpoch();
    return nextInEpoch();
  }

  /** The rest of the current epoch; when it is exhausted the epoch counter advances. */
  @Override
  public Iterator<Batch> iterator() {
    return new Iterator<>() {
      boolean done;

      @Override
      public boolean hasNext() {
        if (done) return false;
        if (hasNextInEpoch()) return true;
        nextEpoch();
        done = true;
        return false;
      }

      @Override
      public Batch next() {
        if (!hasNext()) throw new NoSuchElementException();
        return nextInEpoch();
      }
    };
  }

  /**
   * The position to save in a checkpoint.
   *
   * @return the state
   */
  public State state() {
    return new State(epoch, position, ordered ? epochRngState : (rng == null ? 0 : rng.state()));
  }

  /**
   * Continues from a saved {@link State}; the next batch is the one that followed it.
   *
   * @param s a state from {@link #state()}
   * @throws IllegalArgumentException if the state does not fit this data
   */
  public void restore(State s) {
    if (s.epoch() < 0 || s.position() < 0 || s.position() > data.size()) {
      throw new IllegalArgumentException("state " + s + " is not valid for " + data.size() + " samples");
    }
    if (shuffle) rng.setState(s.rngState());
    epoch = s.epoch();
    ordered = false;
    ensureOrder();
    position = s.position();
  }

  private void ensureOrder() {
    if (ordered) return;
    for (int i = 0; i < order.length; i++) order[i] = i;
    if (rng != null) epochRngState = rng.state();
    if (shuffle) rng.shuffle(order);
    ordered = true;
  }

  private Batch fullBatch() {
    if (full == null) full = allocate(batchSize);
    return full;
  }

  private Batch tailBatch(int size) {
    if (tail == null || tail.size() != size) tail = allocate(size);
    return tail;
  }

  private Batch allocate(int size) {
    int[] dims = data.x().shape().dims();
    dims[0] = size;
    return new Batch(Tensor.zeros(dims), new int[size], size);
  }
}
