package dev.fivefold.compress.archive;

import java.util.Arrays;

/**
 * A dense float32 tensor the archive stores as it is, e.g. a bias. Equality is bit-exact ({@link
 * Float#floatToRawIntBits}), so NaN payloads and {@code -0.0f} survive a round trip.
 *
 * @param name the parameter name, e.g. "fc1.bias"
 * @param shape the shape, each dimension {@code >= 0}
 * @param values row-major values, as many as the shape's product
 */
public record RawTensor(String name, int[] shape, float[] values) {
  /**
   * Checks the shape against the values.
   *
   * @throws IllegalArgumentException if a dimension is negative or the shape's product differs from the
   *     values' count
   */
  public RawTensor {
    long size = 1;
    for (int d : shape) {
      if (d < 0) throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " has a negative dimension");
      size *= d;
    }
    if (size != values.length) {
      throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " holds " + size + " values, not " + values.length);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RawTensor r) || !name.equals(r.name) || !Arrays.equals(shape, r.shape) || values.length != r.values.length) return false;
    for (int i = 0; i < values.length; i++) if (Float.floatToRawIntBits(values[i]) != Float.floatToRawIntBits(r.values[i])) return false;
    return true;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return "RawTensor[" + name + " " + Arrays.toString(shape) + "]";
  }
}
