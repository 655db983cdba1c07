package dev.fivefold.compress.grad;

import dev.fivefold.nn.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The shapes of a model's parameter tensors, each viewed as a matrix {@code rows × cols}: what a
 * compressor needs to know about a gradient besides its numbers. A tensor of shape
 * {@code [d0, d1, ...]} is the matrix {@code d0 × (d1·…)} (a linear weight {@code [out, in]} as
 * itself, a convolution's {@code [Cout, Cin, k, k]} as {@code Cout × Cin·k·k}, as PowerSGD does);
 * a vector {@code [n]} is the column {@code n × 1}, so "per column" of a vector is the whole vector.
 *
 * @param names the tensors' names (messages only), one per tensor
 * @param rows rows of each matrix view, each &ge; 1
 * @param cols columns of each matrix view, each &ge; 1
 */
public record Layout(List<String> names, int[] rows, int[] cols) {
  /**
   * Copies the lists and checks the sizes.
   *
   * @throws IllegalArgumentException if an argument is null, the lengths differ, or a tensor has fewer than 1
   *     or more than 2^31 − 1 elements
   */
  public Layout {
    if (names == null || rows == null || cols == null) throw new IllegalArgumentException("names, rows and cols must be given");
    if (names.size() != rows.length || rows.length != cols.length) {
      throw new IllegalArgumentException("names (" + names.size() + "), rows (" + rows.length + ") and cols (" + cols.length + ") must have one entry per tensor");
    }
    names = List.copyOf(names);
    rows = rows.clone();
    cols = cols.clone();
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] < 1 || cols[i] < 1 || (long) rows[i] * cols[i] > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("tensor " + names.get(i) + " (" + rows[i] + " × " + cols[i] + ") must have 1 to 2^31-1 elements");
      }
    }
  }

  /**
   * The layout of named parameters in their order (e.g. {@code module.namedParameters()}).
   *
   * @param params the parameters by name
   * @return the layout
   */
  public static Layout of(Map<String, Parameter> params) {
    int n = params.size();
    String[] names = new String[n];
    int[] r = new int[n], c = new int[n];
    int i = 0;
    for (var e : params.entrySet()) {
      int[] dims = e.getValue().value().shape().dims();
      names[i] = e.getKey();
      r[i] = dims.length == 0 ? 1 : dims[0];
      c[i] = dims.length == 0 ? 1 : e.getValue().size() / Math.max(1, dims[0]);
      i++;
    }
    return new Layout(List.of(names), r, c);
  }

  /**
   * Number of tensors.
   *
   * @return the tensor count
   */
  public int tensors() {
    return rows.length;
  }

  /**
   * Elements of tensor {@code i}.
   *
   * @param i the tensor, in [0, tensors)
   * @return rows × cols of tensor {@code i}
   */
  public int size(int i) {
    return rows[i] * cols[i];
  }

  /**
   * Elements of all tensors: the gradient's dimension d.
   *
   * @return d, the total element count
   */
  public long total() {
    long t = 0;
    for (int i = 0; i < rows.length; i++) t += size(i);
    return t;
  }

  /**
   * Whether tensor {@code i} is a matrix (rows and columns both &gt; 1).
   *
   * @param i the tensor, in [0, tensors)
   * @return true for a matrix
   */
  public boolean isMatrix(int i) {
    return rows[i] > 1 && cols[i] > 1;
  }

  /**
   * Fresh zero arrays, one per tensor.
   *
   * @return the arrays, one per tensor
   */
  public float[][] zeros() {
    float[][] z = new float[rows.length][];
    for (int i = 0; i < z.length; i++) z[i] = new float[size(i)];
    return z;
  }

  /**
   * Checks that {@code g} has one array per tensor of the right length.
   *
   * @param g the arrays to check
   * @param what their name in the message, e.g. "gradient"
   * @throws IllegalArgumentException naming the tensor and the two lengths
   */
  public void check(float[][] g, String what) {
    if (g == null || g.length != rows.length) {
      throw new IllegalArgumentException(what + " has " + (g == null ? "no" : Integer.toString(g.length)) + " tensors, the layout " + rows.length);
    }
    for (int i = 0; i < g.length; i++) {
      if (g[i] == null || g[i].length != size(i)) {
        throw new IllegalArgumentException(what + ": tensor " + names.get(i) + " has " + (g[i] == null ? 0 : g[i].length)
            + " values, the layout " + rows[i] + " × " + cols[i] + " = " + size(i));
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Layout l && names.equals(l.names) && Arrays.equals(rows, l.rows) && Arrays.equals(cols, l.cols);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * names.hashCode() + Arrays.hashCode(rows)) + Arrays.hashCode(cols);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Layout[");
    for (int i = 0; i < rows.length; i++) sb.append(i == 0 ? "" : ", ").append(names.get(i)).append(' ').append(rows[i]).append('×').append(cols[i]);
    return sb.append(']').toString();
  }
}
