package dev.fivefold.data;

import dev.fivefold.io.BadInputException;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.util.Arrays;

/**
 * A labelled classification dataset: inputs {@code x} of shape {@code [N, ...features]} and labels
 * {@code y[i]} in {@code [0, classes)}.
 *
 * <p>Validated on construction, with {@link BadInputException} naming the field and the index: x
 * must have rank &ge; 1 and {@code x.dim(0) == y.length}; {@code classes} must be &ge; 1; every
 * label must be in range; every element of x must be finite (a NaN or infinity names the sample
 * and the element). An empty dataset (N = 0) is allowed.
 *
 * <p>The arrays are shared, not copied; {@link #subset}, {@link #split} and {@link #take} copy.
 *
 * @param x inputs, {@code [N, ...features]}
 * @param y labels, length N
 * @param classes number of classes, &ge; 1
 */
public record Dataset(Tensor x, int[] y, int classes) {
  /**
   * Validates the dataset (see the class comment).
   *
   * @throws BadInputException naming the field and index of the first violation
   */
  public Dataset {
    if (x.rank() < 1) throw new BadInputException("dataset: x shape " + x.shape() + " must have rank >= 1 (samples first)");
    if (x.dim(0) != y.length) throw new BadInputException("dataset: sample count of x (" + x.dim(0) + ") does not match label count (" + y.length + ")");
    if (classes < 1) throw new BadInputException("dataset: classes (" + classes + ") must be >= 1");
    for (int i = 0; i < y.length; i++) {
      if (y[i] < 0 || y[i] >= classes) throw new BadInputException("dataset: label y[" + i + "] (" + y[i] + ") is not in [0, " + classes + ")");
    }
    int bad = x.firstNonFinite();
    if (bad >= 0) {
      int per = y.length == 0 ? 1 : x.size() / y.length;
      throw new BadInputException("dataset: x of sample " + bad / per + " (element " + bad % per + ") is " + x.data()[bad]);
    }
  }

  /**
   * Number of samples N.
   *
   * @return N
   */
  public int size() {
    return y.length;
  }

  /**
   * Elements per sample, the product of x's dimensions after the first.
   *
   * @return the features per sample
   */
  public int features() {
    return x.shape().prod(1, x.rank());
  }

  /**
   * Shape of one sample, {@code x}'s dimensions after the first.
   *
   * @return the sample shape (a new array)
   */
  public int[] sampleDims() {
    return Arrays.copyOfRange(x.shape().dims(), 1, x.rank());
  }

  /**
   * The samples at {@code idx}, in that order (repeats allowed), copied.
   *
   * @param idx indices in [0, N)
   * @return the subset
   * @throws IndexOutOfBoundsException if an index is out of range
   */
  public Dataset subset(int[] idx) {
    int f = features();
    int[] dims = x.shape().dims();
    dims[0] = idx.length;
    float[] out = new float[idx.length * f];
    int[] labels = new int[idx.length];
    for (int i = 0; i < idx.length; i++) {
      int j = idx[i];
      if (j < 0 || j >= size()) throw new IndexOutOfBoundsException("idx[" + i + "] (" + j + ") is not in [0, " + size() + ")");
      System.arraycopy(x.data(), j * f, out, i * f, f);
      labels[i] = y[j];
    }
    return new Dataset(Tensor.of(out, dims), labels, classes);
  }

  /**
   * The first {@code min(n, size())} samples, copied.
   *
   * @param n the most samples to take, non-negative
   * @return the first samples
   * @throws IllegalArgumentException if {@code n} is negative
   */
  public Dataset take(int n) {
    if (n < 0) throw new IllegalArgumentException("n (" + n + ") must be >= 0");
    int[] idx = new int[Math.min(n, size())];
    Arrays.setAll(idx, i -> i);
    return subset(idx);
  }

  /**
   * Two disjoint parts of a dataset.
   *
   * @param train the samples kept for training
   * @param heldOut the samples held out
   */
  public record Split(Dataset train, Dataset heldOut) {}

  /**
   * A seeded random split: {@code heldOut} gets {@code round(heldOutFraction · N)} samples chosen
   * by a Fisher-Yates shuffle with {@code new Rng(seed)}, {@code train} gets the rest; each part
   * keeps the original order of its samples. The same seed gives the same split.
   *
   * @param heldOutFraction in [0, 1]; NaN is rejected
   * @param seed the seed of the shuffle
   * @return the two parts
   * @throws IllegalArgumentException if the fraction is outside [0, 1] or NaN
   */
  public Split split(double heldOutFraction, long seed) {
    if (!(heldOutFraction >= 0 && heldOutFraction <= 1)) {
      throw new IllegalArgumentException("heldOutFraction (" + heldOutFraction + ") must be in [0, 1]");
    }
    int n = size();
    int held = (int) Math.round(heldOutFraction * n);
    int[] perm = new int[n];
    Arrays.setAll(perm, i -> i);
    new Rng(seed).shuffle(perm);
    int[] heldIdx = Arrays.copyOfRange(perm, 0, held);
    int[] trainIdx = Arrays.copyOfRange(perm, held, n);
    Arrays.sort(heldIdx);
    Arrays.sort(trainIdx);
    return new Split(subset(trainIdx), subset(heldIdx));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Dataset d && classes == d.classes && x.shape().equals(d.x.shape())
        && Arrays.equals(x.data(), d.x.data()) && Arrays.equals(y, d.y);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(y) * 31 + x.shape().hashCode();
  }

  @Override
  public String toString() {
    return "Dataset[x=" + x.shape() + ", classes=" + classes + "]";
  }
}
