package dev.fivefold.compress;

import dev.fivefold.compress.quant.UniformGrid;
import dev.fivefold.tensor.Tensor;

/**
 * Uniform affine quantization (Jacob et al., "Quantization and Training of Neural Networks for
 * Efficient Integer-Arithmetic-Only Inference", CVPR 2018, §2.1): x ≈ (q − z)·s with q an unsigned
 * {@code bits}-bit integer in [0, 2^bits − 1], per tensor or per channel (axis 0: output rows of a
 * Linear, filters of a conv).
 *
 * <p>The grid is {@link UniformGrid#affine} (the post-training quantizer's, package
 * {@code compress.quant}). The range [min(x, 0), max(x, 0)] always contains 0, and z is an integer, so 0 (a pruned
 * weight) is exactly representable: the sparsity mask survives quantization. Within the range the
 * round-trip error is at most s/2 (plus float rounding). A constant-zero channel gets s = 1, z = 0.
 *
 * @param shape dense shape
 * @param bits 2..16 (8 = int8, 4 = int4)
 * @param perChannel scale/zero point per slice of axis 0 when true, else one pair
 * @param scale s per channel (length 1 when per tensor)
 * @param zeroPoint z per channel
 * @param q quantized values, row-major
 */
public record AffineQuantized(int[] shape, int bits, boolean perChannel, float[] scale, int[] zeroPoint, int[] q) {
  /**
   * Checks the bit width and the lengths of the scale and zero point.
   *
   * @throws IllegalArgumentException if {@code bits} is outside 2..16 or {@code scale} and {@code zeroPoint}
   *     differ in length
   */
  public AffineQuantized {
    if (bits < 2 || bits > 16) throw new IllegalArgumentException("bits (" + bits + ") must be in 2..16");
    if (scale.length != zeroPoint.length) throw new IllegalArgumentException("scale (" + scale.length + ") and zeroPoint (" + zeroPoint.length + ") lengths differ");
  }

  /**
   * Quantizes {@code x} with {@code bits} bits, per tensor or per channel along axis 0.
   *
   * @param x the tensor; for per channel, of rank &ge; 1
   * @param bits the bit width, 2..16
   * @param perChannel one scale and zero point per slice of axis 0 when true
   * @return the quantized values with their scales and zero points
   * @throws IllegalArgumentException if {@code bits} is outside 2..16
   */
  public static AffineQuantized quantize(Tensor x, int bits, boolean perChannel) {
    if (bits < 2 || bits > 16) throw new IllegalArgumentException("bits (" + bits + ") must be in 2..16");
    int channels = perChannel ? x.dim(0) : 1, per = x.size() / channels;
    float[] s = new float[channels];
    int[] z = new int[channels];
    int[] q = new int[x.size()];
    float[] d = x.data();
    for (int ch = 0; ch < channels; ch++) {
      float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
      for (int i = ch * per; i < (ch + 1) * per; i++) {
        lo = Math.min(lo, d[i]);
        hi = Math.max(hi, d[i]);
      }
      UniformGrid grid = UniformGrid.affine(bits, lo, hi); // the one affine grid (compress.quant), range widened to contain 0
      s[ch] = grid.scale();
      z[ch] = grid.zero();
      for (int i = ch * per; i < (ch + 1) * per; i++) q[i] = grid.encode(d[i]);
    }
    int[] shape = new int[x.rank()];
    for (int i = 0; i < shape.length; i++) shape[i] = x.dim(i);
    return new AffineQuantized(shape, bits, perChannel, s, z, q);
  }

  /**
   * (q − z)·s as a dense tensor.
   *
   * @return a new tensor of {@link #shape()}
   */
  public Tensor dequantize() {
    float[] out = new float[q.length];
    int per = q.length / scale.length;
    for (int i = 0; i < q.length; i++) {
      int ch = i / per;
      out[i] = (q[i] - zeroPoint[ch]) * scale[ch];
    }
    return Tensor.of(out, shape);
  }

  /**
   * x ← dequantize(quantize(x)) in place (fake quantization).
   *
   * @param x the tensor, overwritten
   * @param bits the bit width, 2..16
   * @param perChannel per slice of axis 0 when true, else per tensor
   */
  public static void fakeQuantize(Tensor x, int bits, boolean perChannel) {
    Tensor d = quantize(x, bits, perChannel).dequantize();
    System.arraycopy(d.data(), 0, x.data(), 0, x.size());
  }

  /**
   * A per-tensor result as the archive's unit: codebook (q − z)·s for all 2^bits codes, the
   * positions where q ≠ z (non-zero values) and their codes.
   *
   * @param name the parameter's name for the archive
   * @return the quantized tensor with a codebook of 2^bits values
   * @throws UnsupportedOperationException if this result is per channel
   */
  public QuantizedTensor toQuantized(String name) {
    if (perChannel) throw new UnsupportedOperationException(name + ": per-channel results have one codebook per channel");
    float[] book = new float[1 << bits];
    for (int c = 0; c < book.length; c++) book[c] = (c - zeroPoint[0]) * scale[0];
    int n = 0;
    for (int v : q) if (v != zeroPoint[0]) n++;
    int[] pos = new int[n], codes = new int[n];
    for (int i = 0, j = 0; i < q.length; i++) {
      if (q[i] != zeroPoint[0]) {
        pos[j] = i;
        codes[j++] = q[i];
      }
    }
    return new QuantizedTensor(name, shape.clone(), bits, book, pos, codes);
  }
}
