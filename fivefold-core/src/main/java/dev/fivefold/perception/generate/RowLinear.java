package dev.fivefold.perception.generate;

import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.MatVec;

/**
 * A linear map applied to one row, {@code y = W·x + b} with W [out, in] (a Linear layer at batch 1),
 * the unit of work of a generation step. {@link #dense} keeps W in float32 panels
 * ({@link MatVec}); the weight-only quantized forms are built by
 * {@link dev.fivefold.compress.quant.QuantizedMatrix#rowLinear}.
 */
public interface RowLinear {
  /**
   * The input width.
   *
   * @return the number of inputs
   */
  int in();

  /**
   * The output width.
   *
   * @return the number of outputs
   */
  int out();

  /**
   * {@code y[yOff..yOff+out) = W·x[xOff..xOff+in) + b}.
   *
   * @param x the input buffer
   * @param xOff the input's offset
   * @param y receives the outputs
   * @param yOff where in {@code y} to write them
   */
  void apply(float[] x, int xOff, float[] y, int yOff);

  /**
   * Bytes the weight (and its scales) occupy in this form; the bias is not counted.
   *
   * @return the bytes
   */
  long weightBytes();

  /**
   * The float32 form: W packed once into {@link MatVec} panels, then y = W·x by
   * {@link MatVec#matvec} and {@code y[j] = y[j] + b[j]}: the same operations in the same order as
   * {@code F.linear} on a row of a batch of two or more rows, so the output is bit-identical to it.
   *
   * @param weight [out, in]
   * @param bias [out] or null
   * @return the map, the weight copied into row panels
   */
  static RowLinear dense(Tensor weight, Tensor bias) {
    if (weight.rank() != 2) throw new IllegalArgumentException("weight " + weight.shape() + " must be [out, in]");
    int out = weight.dim(0), in = weight.dim(1);
    if (bias != null && bias.size() != out) throw new IllegalArgumentException("bias " + bias.shape() + " must be [" + out + "]");
    float[] packed = MatVec.pack(weight.data(), 0, out, in);
    float[] b = bias == null ? null : bias.data().clone();
    return new RowLinear() {
      @Override public int in() { return in; }
      @Override public int out() { return out; }
      @Override public long weightBytes() { return 4L * out * in; }

      @Override
      public void apply(float[] x, int xOff, float[] y, int yOff) {
        MatVec.matvec(packed, out, in, x, xOff, y, yOff);
        addBias(b, y, yOff);
      }
    };
  }

  /**
   * {@code y[yOff + j] = y[yOff + j] + b[j]} (nothing when b is null), as {@code F.linear} adds its bias.
   *
   * @param b the bias, or null
   * @param y the output buffer
   * @param yOff the output's offset
   */
  static void addBias(float[] b, float[] y, int yOff) {
    if (b == null) return;
    for (int j = 0; j < b.length; j++) y[yOff + j] += b[j];
  }
}
