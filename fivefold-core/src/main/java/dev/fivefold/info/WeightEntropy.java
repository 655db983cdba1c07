package dev.fivefold.info;

import dev.fivefold.nn.Module;
import dev.fivefold.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Entropy of a model's weights quantized to b bits: the number of bits per weight an ideal entropy
 * coder (Shannon 1948; reached within 1 bit per symbol by Huffman, within a fraction by arithmetic
 * coding) needs for the quantized values, given their histogram.
 *
 * <p>Quantization: {@code 2^b} uniform levels over the tensor's own range {@code [min, max]}, value v
 * to level {@code round((v − min) / (max − min) · (2^b − 1))}; the entropy is the plug-in entropy of
 * the level counts, in {@code [0, b]}. A constant tensor has entropy 0. The cost of sending the
 * histogram and the range is not counted.
 */
public final class WeightEntropy {
  private WeightEntropy() {}

  /**
   * One tensor: its size, entropy in bits per weight, and the total {@code size · entropy}.
   *
   * @param size the tensor's number of weights
   * @param bitsPerWeight its plug-in entropy after quantization, bits per weight, in [0, b]
   */
  public record Layer(int size, double bitsPerWeight) {
    /**
     * The tensor's entropy-coded size.
     *
     * @return {@code size · bitsPerWeight}, bits
     */
    public double totalBits() {
      return size * bitsPerWeight;
    }
  }

  /**
   * Plug-in entropy (bits per weight) of {@code w} quantized to {@code bits} bits.
   *
   * @throws IllegalArgumentException if w is empty or has a non-finite value, or bits is not in [1, 24]
   * @param w the weights
   * @param bits b, in [1, 24]
   * @return the entropy, bits per weight, in [0, b]
   */
  public static double bitsPerWeight(float[] w, int bits) {
    if (bits < 1 || bits > 24) throw new IllegalArgumentException("bits (" + bits + ") must be in [1, 24]");
    if (w.length == 0) throw new IllegalArgumentException("w (length 0) must not be empty");
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < w.length; i++) {
      if (!Float.isFinite(w[i])) throw new IllegalArgumentException("w[" + i + "] (" + w[i] + ") must be finite");
      lo = Math.min(lo, w[i]);
      hi = Math.max(hi, w[i]);
    }
    if (!(hi > lo)) return 0;
    int levels = 1 << bits;
    long[] counts = new long[levels];
    for (float v : w) counts[(int) Math.round((v - lo) / (hi - lo) * (levels - 1))]++;
    return Discrete.entropyFromCounts(counts);
  }

  /**
   * Every parameter of {@code model} by name, quantized to {@code bits} bits.
   *
   * @param model the model
   * @param bits b, in [1, 24]
   * @return one entry per parameter tensor, in {@code namedParameters()} order
   */
  public static Map<String, Layer> perLayer(Module model, int bits) {
    Map<String, Layer> out = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
      float[] w = e.getValue().value().data();
      out.put(e.getKey(), new Layer(w.length, bitsPerWeight(w, bits)));
    }
    return out;
  }

  /**
   * Sum of {@link Layer#totalBits()} over the model: its entropy-coded size at b bits.
   *
   * @param model the model
   * @param bits b, in [1, 24]
   * @return the total, bits
   */
  public static double totalBits(Module model, int bits) {
    double s = 0;
    for (Layer l : perLayer(model, bits).values()) s += l.totalBits();
    return s;
  }
}
