package dev.fivefold.tensor;

import java.util.Arrays;

/**
 * The dimensions of a tensor, outermost first (row-major). Immutable.
 *
 * <p>A shape of rank 0 is a scalar with one element. Every dimension must be &ge; 0.
 */
public final class Shape {
  private final int[] dims;
  private final int size;

  private Shape(int[] dims) {
    long n = 1;
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] < 0) {
        throw new IllegalArgumentException("dimension " + i + " (" + dims[i] + ") must be >= 0 in " + Arrays.toString(dims));
      }
      n *= dims[i];
      if (n > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has more than 2^31 elements");
      }
    }
    this.dims = dims;
    this.size = (int) n;
  }

  /**
   * A shape with the given dimensions; the array is copied.
   * @param dims the dimensions, outermost first, each ≥ 0
   * @return the shape
   * @throws IllegalArgumentException if a dimension is negative or the size exceeds about 2^31
   */
  public static Shape of(int... dims) {
    return new Shape(dims.clone());
  }

  /**
   * The number of dimensions.
   * @return the rank, 0 for a scalar
   */
  public int rank() {
    return dims.length;
  }

  /**
   * Dimension {@code i}; negative {@code i} counts from the end (-1 is the last).
   * @param i the axis, in [−rank, rank)
   * @return the length along it
   */
  public int dim(int i) {
    return dims[i < 0 ? dims.length + i : i];
  }

  /**
   * Number of elements, the product of the dimensions.
   * @return the size, 1 for rank 0
   */
  public int size() {
    return size;
  }

  /**
   * The dimensions, outermost first.
   * @return a copy of the dimensions
   */
  public int[] dims() {
    return dims.clone();
  }

  /**
   * Row-major strides in elements.
   * @return the distance between consecutive indices of each dimension, the last being 1
   */
  public int[] strides() {
    int[] s = new int[dims.length];
    int acc = 1;
    for (int i = dims.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= dims[i];
    }
    return s;
  }

  /**
   * Product of the dimensions in {@code [from, to)}.
   * @param from the first dimension included
   * @param to one past the last dimension included
   * @return the product, 1 for an empty range
   */
  public int prod(int from, int to) {
    int p = 1;
    for (int i = from; i < to; i++) p *= dims[i];
    return p;
  }

  /**
   * Normalises an axis that may be negative; throws naming the axis if out of range.
   * @param axis the axis, in [−rank, rank)
   * @return the axis in [0, rank)
   * @throws IllegalArgumentException if the axis is out of range
   */
  public int axis(int axis) {
    int a = axis < 0 ? dims.length + axis : axis;
    if (a < 0 || a >= dims.length) {
      throw new IllegalArgumentException("axis (" + axis + ") out of range for shape " + this);
    }
    return a;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    return Arrays.toString(dims);
  }
}
