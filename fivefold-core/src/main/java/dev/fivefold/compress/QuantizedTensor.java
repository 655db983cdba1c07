package dev.fivefold.compress;

import java.util.Arrays;

/**
 * One weight tensor after pruning and quantization, the unit the archive stores: the kept
 * weights' flat positions (row-major, strictly ascending), and for each a code into a codebook of
 * at most 2^bits values. The dense tensor is {@code w[positions[i]] = codebook[codes[i]]}, zero
 * elsewhere. A dense (unpruned) tensor has every position.
 *
 * @param name the parameter name, e.g. "fc1.weight"
 * @param shape the dense shape
 * @param bits code width, 1..16
 * @param codebook the shared values (length ≤ 2^bits)
 * @param positions flat indices of the kept weights, ascending, each in [0, size)
 * @param codes codebook index of each kept weight, same length as positions
 */
public record QuantizedTensor(String name, int[] shape, int bits, float[] codebook, int[] positions, int[] codes) {
  /**
   * Checks the bit width, the codebook size, and that the positions ascend within the tensor and the codes
   * index the codebook.
   *
   * @throws IllegalArgumentException if any of them is out of range
   */
  public QuantizedTensor {
    if (bits < 1 || bits > 16) throw new IllegalArgumentException(name + ": bits (" + bits + ") must be in 1..16");
    if (codebook.length < 1 || codebook.length > (1 << bits)) {
      throw new IllegalArgumentException(name + ": codebook size (" + codebook.length + ") must be in 1.." + (1 << bits));
    }
    if (positions.length != codes.length) {
      throw new IllegalArgumentException(name + ": positions (" + positions.length + ") and codes (" + codes.length + ") differ in length");
    }
    long size = 1;
    for (int d : shape) size *= d;
    for (int i = 0; i < positions.length; i++) {
      if (positions[i] < 0 || positions[i] >= size || (i > 0 && positions[i] <= positions[i - 1])) {
        throw new IllegalArgumentException(name + ": positions[" + i + "] (" + positions[i] + ") not ascending within [0, " + size + ")");
      }
      if (codes[i] < 0 || codes[i] >= codebook.length) {
        throw new IllegalArgumentException(name + ": codes[" + i + "] (" + codes[i] + ") outside the codebook of " + codebook.length);
      }
    }
  }

  /**
   * Number of elements of the dense tensor.
   *
   * @return the product of the shape's dimensions
   */
  public int size() {
    int n = 1;
    for (int d : shape) n *= d;
    return n;
  }

  /**
   * The dense float values.
   *
   * @return a new array of {@link #size()} values
   */
  public float[] dense() {
    float[] w = new float[size()];
    for (int i = 0; i < positions.length; i++) w[positions[i]] = codebook[codes[i]];
    return w;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QuantizedTensor q && name.equals(q.name) && Arrays.equals(shape, q.shape) && bits == q.bits
        && Arrays.equals(codebook, q.codebook) && Arrays.equals(positions, q.positions) && Arrays.equals(codes, q.codes);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(positions);
  }

  @Override
  public String toString() {
    return "QuantizedTensor[" + name + " " + Arrays.toString(shape) + ", " + positions.length + " kept, " + bits + " bits]";
  }
}
