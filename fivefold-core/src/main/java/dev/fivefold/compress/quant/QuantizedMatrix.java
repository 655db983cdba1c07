package dev.fivefold.compress.quant;

import dev.fivefold.perception.generate.RowLinear;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.QuantMatVec;
import java.util.Arrays;

/**
 * A weight matrix W [rows, cols] (rows = outputs, cols = inputs) quantized on uniform grids:
 * Ŵ[r][c] = (u[r][c] − z[r][g])·s[r][g] for the group g = c / groupSize of its row.
 *
 * <p>Codes: symmetric → signed, in ±(2^(bits−1) − 1), zero points 0; affine → unsigned, in
 * [0, 2^bits − 1], with integer zero points. Per-tensor quantization has one grid (every (r, g)
 * holds the same scale), per-channel one per row (groupSize = cols).
 *
 * @param rows outputs (≥ 1)
 * @param cols inputs (≥ 1), a multiple of groupSize
 * @param bits 8 or 4
 * @param symmetric symmetric or affine codes
 * @param perTensor one grid for the whole matrix
 * @param groupSize inputs per scale group (cols for per-tensor and per-channel)
 * @param codes u, row-major [rows, cols] (affine codes stored as their low 8 bits)
 * @param scales s [rows, cols/groupSize]
 * @param zeros z [rows, cols/groupSize] (all 0 when symmetric)
 */
public record QuantizedMatrix(int rows, int cols, int bits, boolean symmetric, boolean perTensor, int groupSize, byte[] codes, float[] scales, int[] zeros) {
  /**
   * Checks the shape, bit width, group size and array lengths.
   *
   * @throws IllegalArgumentException if a size is &lt; 1, {@code bits} is not 4 or 8, {@code groupSize} does
   *     not divide {@code cols}, an int4 row is odd, or an array has the wrong length
   */
  public QuantizedMatrix {
    if (rows < 1 || cols < 1) throw new IllegalArgumentException("quantized matrix [" + rows + ", " + cols + "] must have rows and cols >= 1");
    if (bits != 4 && bits != 8) throw new IllegalArgumentException("bits (" + bits + ") must be 4 or 8");
    if (groupSize < 1 || cols % groupSize != 0) throw new IllegalArgumentException("group size (" + groupSize + ") does not divide the row (" + cols + " inputs)");
    if (bits == 4 && cols % 2 != 0) throw new IllegalArgumentException("int4 rows are packed two codes per byte: cols (" + cols + ") must be even");
    int groups = cols / groupSize;
    if (codes.length != rows * cols) throw new IllegalArgumentException("codes (" + codes.length + ") must be rows·cols (" + rows * cols + ")");
    if (scales.length != rows * groups || zeros.length != rows * groups) throw new IllegalArgumentException("scales (" + scales.length + ") and zeros (" + zeros.length + ") must be rows·groups (" + rows * groups + ")");
  }

  /**
   * Scale groups per row.
   *
   * @return {@code cols / groupSize}
   */
  public int groups() {
    return cols / groupSize;
  }

  /**
   * The integer code at (r, c).
   *
   * @param r the row, in [0, rows)
   * @param c the column, in [0, cols)
   * @return the code: signed when symmetric, 0..255 when affine
   */
  public int code(int r, int c) {
    byte b = codes[r * cols + c];
    return symmetric ? b : b & 0xFF;
  }

  /**
   * Ŵ as a dense [rows, cols] tensor.
   *
   * @return a new tensor [rows, cols]
   */
  public Tensor dequantize() {
    float[] w = new float[rows * cols];
    int groups = groups();
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int g = r * groups + c / groupSize;
        w[r * cols + c] = (code(r, c) - zeros[g]) * scales[g];
      }
    }
    return Tensor.of(w, rows, cols);
  }

  /**
   * Bytes of the stored form: codes (bits/8 each) + float32 scales + 1-byte zero points (affine); per-tensor stores one pair.
   *
   * @return the stored bytes
   */
  public long bytes() {
    long pairs = perTensor ? 1 : (long) rows * groups();
    return (long) rows * cols * bits / 8 + 4 * pairs + (symmetric ? 0 : pairs);
  }

  /**
   * The weight-only matrix–vector form for generation ({@link QuantMatVec}): the codes packed in
   * panels, dequantised in registers; {@code bias} (may be null) added after.
   *
   * @param bias the bias [rows], or null
   * @return the linear map, holding its own packed copy of the codes
   * @throws IllegalArgumentException if {@code bias} does not have {@code rows} values
   */
  public RowLinear rowLinear(Tensor bias) {
    if (bias != null && bias.size() != rows) throw new IllegalArgumentException("bias " + bias.shape() + " must be [" + rows + "]");
    int groups = groups();
    // the kernel takes int8 codes signed and int4 codes as 0..15: affine int8 shifts codes and zeros by −128, symmetric int4 by +8
    int shift = bits == 8 ? (symmetric ? 0 : -128) : (symmetric ? 8 : 0);
    byte[] packed = bits == 8 ? QuantMatVec.pack8(rows, cols, (r, c) -> code(r, c) + shift) : QuantMatVec.pack4(rows, cols, (r, c) -> code(r, c) + shift);
    float[] s = QuantMatVec.packGroups(rows, groups, (r, g) -> scales[r * groups + g]);
    float[] z = QuantMatVec.packGroups(rows, groups, (r, g) -> zeros[r * groups + g] + shift);
    float[] b = bias == null ? null : bias.data().clone();
    int in = cols, out = rows, g = groupSize, nbits = bits;
    long bytes = bytes();
    return new RowLinear() {
      @Override public int in() { return in; }
      @Override public int out() { return out; }
      @Override public long weightBytes() { return bytes; }

      @Override
      public void apply(float[] x, int xOff, float[] y, int yOff) {
        QuantMatVec.matvec(nbits, packed, s, z, out, in, g, x, xOff, y, yOff);
        RowLinear.addBias(b, y, yOff);
      }
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QuantizedMatrix q && rows == q.rows && cols == q.cols && bits == q.bits && symmetric == q.symmetric && perTensor == q.perTensor
        && groupSize == q.groupSize && Arrays.equals(codes, q.codes) && Arrays.equals(scales, q.scales) && Arrays.equals(zeros, q.zeros);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(codes) * 31 + Arrays.hashCode(scales);
  }

  @Override
  public String toString() {
    return "QuantizedMatrix[" + rows + "x" + cols + ", int" + bits + (symmetric ? " symmetric" : " affine") + (perTensor ? " per tensor" : ", group " + groupSize) + "]";
  }
}
