package dev.fivefold.tensor;

import java.util.Arrays;

/**
 * A dense float32 array with a {@link Shape}: contiguous and row-major.
 *
 * <p>The data array is exposed ({@link #data()}) because kernels and optimizers work on it in
 * place; {@link #reshape} shares it. {@code data().length == shape().size()} always holds.
 */
public final class Tensor {
  private final float[] data;
  private final Shape shape;

  private Tensor(float[] data, Shape shape) {
    if (data.length != shape.size()) {
      throw new IllegalArgumentException("data length (" + data.length + ") does not match shape " + shape + " (" + shape.size() + " elements)");
    }
    this.data = data;
    this.shape = shape;
  }

  /**
   * Wraps {@code data} (not copied) with the given shape.
   * @param data the elements, row-major
   * @param shape the shape, of {@code data.length} elements
   * @return a tensor backed by {@code data}
   * @throws IllegalArgumentException if the lengths differ
   */
  public static Tensor wrap(float[] data, Shape shape) {
    return new Tensor(data, shape);
  }

  /**
   * Wraps {@code data} (not copied) with the given dimensions.
   * @param data the elements, row-major
   * @param dims the dimensions, whose product is {@code data.length}
   * @return a tensor backed by {@code data}
   * @throws IllegalArgumentException if the lengths differ or a dimension is negative
   */
  public static Tensor of(float[] data, int... dims) {
    return new Tensor(data, Shape.of(dims));
  }

  /**
   * A new tensor of zeros.
   * @param shape the shape
   * @return the tensor
   */
  public static Tensor zeros(Shape shape) {
    return new Tensor(new float[shape.size()], shape);
  }

  /**
   * A new tensor of zeros.
   * @param dims the dimensions, each ≥ 0
   * @return the tensor
   * @throws IllegalArgumentException if a dimension is negative
   */
  public static Tensor zeros(int... dims) {
    return zeros(Shape.of(dims));
  }

  /**
   * A new tensor with every element {@code v}.
   * @param v the value
   * @param dims the dimensions, each ≥ 0
   * @return the tensor
   * @throws IllegalArgumentException if a dimension is negative
   */
  public static Tensor full(float v, int... dims) {
    Tensor t = zeros(dims);
    Arrays.fill(t.data, v);
    return t;
  }

  /**
   * A new rank-0 tensor (shape [], one element).
   * @param v the value
   * @return the tensor
   */
  public static Tensor scalar(float v) {
    return new Tensor(new float[] {v}, Shape.of());
  }

  /**
   * Entries drawn from N(mean, std²) with the given generator.
   * @param rng the generator
   * @param mean the mean
   * @param std the standard deviation
   * @param dims the dimensions, each ≥ 0
   * @return a new tensor
   */
  public static Tensor normal(Rng rng, float mean, float std, int... dims) {
    Tensor t = zeros(dims);
    for (int i = 0; i < t.data.length; i++) t.data[i] = (float) (mean + std * rng.nextGaussian());
    return t;
  }

  /**
   * Entries drawn uniformly from [lo, hi) with the given generator.
   * @param rng the generator
   * @param lo the lower bound (included)
   * @param hi the upper bound (excluded)
   * @param dims the dimensions, each ≥ 0
   * @return a new tensor
   */
  public static Tensor uniform(Rng rng, float lo, float hi, int... dims) {
    Tensor t = zeros(dims);
    for (int i = 0; i < t.data.length; i++) t.data[i] = lo + (hi - lo) * rng.nextFloat();
    return t;
  }

  /**
   * The elements, row-major.
   * @return the backing array (not a copy), of {@link #size()} elements
   */
  public float[] data() {
    return data;
  }

  /**
   * The shape.
   * @return the shape
   */
  public Shape shape() {
    return shape;
  }

  /**
   * The number of elements.
   * @return the product of the dimensions
   */
  public int size() {
    return data.length;
  }

  /**
   * The number of dimensions.
   * @return the rank, 0 for a scalar
   */
  public int rank() {
    return shape.rank();
  }

  /**
   * Dimension {@code i}; negative {@code i} counts from the end.
   * @param i the axis
   * @return the length along it
   */
  public int dim(int i) {
    return shape.dim(i);
  }

  /**
   * A view with another shape of the same size; shares the data. One dimension may be -1.
   * @param dims the new dimensions, at most one −1 (inferred)
   * @return a tensor sharing this one's data
   * @throws IllegalArgumentException if the sizes differ or more than one dimension is −1
   */
  public Tensor reshape(int... dims) {
    return new Tensor(data, resolve(shape, dims));
  }

  /**
   * Resolves a -1 in {@code dims} against the size of {@code from}.
   * @param from the shape whose size the result must have
   * @param dims the new dimensions, at most one −1
   * @return the shape with the −1 replaced by the inferred dimension
   * @throws IllegalArgumentException if the sizes cannot match or more than one dimension is −1
   */
  public static Shape resolve(Shape from, int... dims) {
    int known = 1, free = -1;
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] == -1) {
        if (free >= 0) throw new IllegalArgumentException("only one -1 allowed in reshape " + Arrays.toString(dims));
        free = i;
      } else {
        known *= dims[i];
      }
    }
    int[] d = dims.clone();
    if (free >= 0) {
      if (known == 0 || from.size() % known != 0) {
        throw new IllegalArgumentException("cannot reshape " + from + " to " + Arrays.toString(dims));
      }
      d[free] = from.size() / known;
    }
    Shape s = Shape.of(d);
    if (s.size() != from.size()) {
      throw new IllegalArgumentException("cannot reshape " + from + " (" + from.size() + " elements) to " + s);
    }
    return s;
  }

  /**
   * A deep copy.
   * @return a new tensor with a copy of the data and the same shape
   */
  public Tensor copy() {
    return new Tensor(data.clone(), shape);
  }

  /**
   * Copies {@code src}'s values into this tensor; shapes must be equal.
   * @param src the source, of this tensor's shape
   * @throws IllegalArgumentException if the shapes differ
   */
  public void copyFrom(Tensor src) {
    if (!src.shape.equals(shape)) {
      throw new IllegalArgumentException("shape " + src.shape + " does not match " + shape);
    }
    System.arraycopy(src.data, 0, data, 0, data.length);
  }

  /**
   * Element at the given multi-index.
   * @param idx one index per dimension
   * @return the element
   * @throws IllegalArgumentException if the number of indices differs from the rank
   * @throws IndexOutOfBoundsException if an index is out of range
   */
  public float get(int... idx) {
    return data[offset(idx)];
  }

  /**
   * Sets the element at the given multi-index.
   * @param v the new value
   * @param idx one index per dimension
   * @throws IllegalArgumentException if the number of indices differs from the rank
   * @throws IndexOutOfBoundsException if an index is out of range
   */
  public void set(float v, int... idx) {
    data[offset(idx)] = v;
  }

  private int offset(int[] idx) {
    if (idx.length != shape.rank()) {
      throw new IllegalArgumentException("index rank " + idx.length + " does not match shape " + shape);
    }
    int off = 0;
    for (int i = 0; i < idx.length; i++) {
      int d = shape.dim(i);
      if (idx[i] < 0 || idx[i] >= d) {
        throw new IndexOutOfBoundsException("index " + idx[i] + " out of range for dimension " + i + " of " + shape);
      }
      off = off * d + idx[i];
    }
    return off;
  }

  /**
   * The single value of a one-element tensor.
   * @return the element
   * @throws IllegalStateException if the tensor has not exactly one element
   */
  public float item() {
    if (data.length != 1) throw new IllegalStateException("item() needs one element, shape is " + shape);
    return data[0];
  }

  /**
   * Index of the first non-finite element, or -1.
   * @return the row-major index of the first NaN or infinity, or -1 if all are finite
   */
  public int firstNonFinite() {
    for (int i = 0; i < data.length; i++) if (!Float.isFinite(data[i])) return i;
    return -1;
  }

  @Override
  public String toString() {
    int n = Math.min(8, data.length);
    StringBuilder sb = new StringBuilder("Tensor").append(shape).append(' ').append('[');
    for (int i = 0; i < n; i++) sb.append(i == 0 ? "" : ", ").append(data[i]);
    if (n < data.length) sb.append(", ...");
    return sb.append(']').toString();
  }
}
