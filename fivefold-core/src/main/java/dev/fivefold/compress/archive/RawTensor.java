package dev.fivefold.compress.archive;

import java.util.Arrays;

/**
 * A dense tensor the archive stores as it is, e.g. a bias: as float32 ({@code bits} 32) or as IEEE
 * 754 half precision ({@code bits} 16, format 5; every value must then be exactly a float16, see
 * {@link #half}). Equality is bit-exact ({@link Float#floatToRawIntBits}), so NaN payloads and
 * {@code -0.0f} survive a round trip.
 *
 * @param name the parameter name, e.g. "fc1.bias"
 * @param shape the shape, each dimension {@code >= 0}
 * @param values row-major values, as many as the shape's product
 * @param bits the stored width: 32 (float32) or 16 (float16)
 */
public record RawTensor(String name, int[] shape, float[] values, int bits) {
  /**
   * Checks the shape against the values and, for 16 bits, that every value is a float16.
   *
   * @throws IllegalArgumentException if a dimension is negative, the shape's product differs from the
   *     values' count, {@code bits} is neither 16 nor 32, or a value of a 16-bit tensor is not a float16
   */
  public RawTensor {
    if (bits != 16 && bits != 32) throw new IllegalArgumentException(name + ": bits (" + bits + ") must be 16 or 32");
    if (bits == 16) {
      for (int i = 0; i < values.length; i++) {
        if (Float.floatToRawIntBits(Float.float16ToFloat(Float.floatToFloat16(values[i]))) != Float.floatToRawIntBits(values[i])) {
          throw new IllegalArgumentException(name + ": value " + i + " (" + values[i] + ") is not a float16");
        }
      }
    }
    long size = 1;
    for (int d : shape) {
      if (d < 0) throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " has a negative dimension");
      size *= d;
    }
    if (size != values.length) {
      throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " holds " + size + " values, not " + values.length);
    }
  }

  /**
   * A float32 tensor.
   *
   * @param name the parameter name
   * @param shape the shape, each dimension {@code >= 0}
   * @param values row-major values, as many as the shape's product
   */
  public RawTensor(String name, int[] shape, float[] values) {
    this(name, shape, values, 32);
  }

  /**
   * A float16 tensor of {@code values} rounded to the nearest float16 (ties to even; beyond ±65504 to
   * infinity, as {@link Float#floatToFloat16} does).
   *
   * @param name the parameter name
   * @param shape the shape, each dimension {@code >= 0}
   * @param values row-major values, as many as the shape's product; not modified
   * @return the 16-bit tensor
   */
  public static RawTensor half(String name, int[] shape, float[] values) {
    return new RawTensor(name, shape, roundToHalf(values.clone()), 16);
  }

  /**
   * Rounds every value to the nearest float16, in place.
   *
   * @param values the values, overwritten
   * @return {@code values}
   */
  public static float[] roundToHalf(float[] values) {
    for (int i = 0; i < values.length; i++) values[i] = Float.float16ToFloat(Float.floatToFloat16(values[i]));
    return values;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RawTensor r) || bits != r.bits || !name.equals(r.name) || !Arrays.equals(shape, r.shape) || values.length != r.values.length) return false;
    for (int i = 0; i < values.length; i++) if (Float.floatToRawIntBits(values[i]) != Float.floatToRawIntBits(r.values[i])) return false;
    return true;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return "RawTensor[" + name + " " + Arrays.toString(shape) + (bits == 16 ? " float16" : "") + "]";
  }
}
