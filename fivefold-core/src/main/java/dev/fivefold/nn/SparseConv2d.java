package dev.fivefold.nn;

import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Parallel;

/**
 * A pruned convolution (stride 1, no padding) run directly from its non-zeros, without an im2col
 * matrix: the activations are stored batch-innermost, x [C, H, W, B], and
 *
 * <pre>  y[o, oy, ox, :] = b_o + Σ over non-zeros (c, ky, kx, v) of row o:  v · x[c, oy + ky, ox + kx, :]</pre>
 *
 * Each non-zero is an offset (c·H + ky)·W + kx into x, so an output position (oy, ox) reads
 * x at offset + oy·W + ox: the fma chains of {@link SparseLinear}'s kernel (four batch vectors per
 * non-zero, the accumulators in registers) with no B·P-column patch matrix to write and re-read.
 * Work: nnz · OH · OW · B multiply-adds. (output channel, output row) pairs are split across
 * threads; each element is one fixed fma chain, so the result does not depend on the thread count.
 */
public final class SparseConv2d {
  private final SparseLinear csr; // W as [O, C·k·k]
  private final int inChannels, k;
  private int idxH = -1, idxW = -1;
  private int[] idx;

  private SparseConv2d(SparseLinear csr, int inChannels, int k) {
    this.csr = csr;
    this.inChannels = inChannels;
    this.k = k;
  }

  /**
   * The non-zeros of {@code w} [O, C, k, k] (square kernels); bias [O] or null.
   *
   * @param w the weight, [O, C, k, k]
   * @param bias the bias, [O], or null
   * @return the sparse form
   * @throws IllegalArgumentException if {@code w} is not [O, C, k, k]
   */
  public static SparseConv2d of(Tensor w, Tensor bias) {
    if (w.rank() != 4 || w.dim(2) != w.dim(3)) throw new IllegalArgumentException("weight must be [O, C, k, k], got " + w.shape());
    int o = w.dim(0), c = w.dim(1), k = w.dim(2);
    return new SparseConv2d(SparseLinear.of(w.reshape(o, c * k * k), bias), c, k);
  }

  /** The same non-zeros as a CSR [O, C·k·k], for a product with an im2col matrix (small batches). */
  SparseLinear asColumns() {
    return csr;
  }

  /** {@return the number of non-zero weights} */
  public int nonZeros() {
    return csr.nonZeros();
  }

  /** {@return the output channels O} */
  public int outChannels() {
    return csr.outFeatures();
  }

  /**
   * y [O, H−k+1, W−k+1, B] = conv(x [C, H, W, B]) + b; y is overwritten. Not thread-safe (the
   * offsets for the last H, W are cached); the kernel uses the {@code Parallel} pool.
   *
   * @param x the input, [C, H, W, B] row-major
   * @param h the input height H, at least k
   * @param w the input width W, at least k
   * @param b the batch size B
   * @param y receives the output, [O, H−k+1, W−k+1, B] row-major
   */
  public void forward(float[] x, int h, int w, int b, float[] y) {
    int oh = h - k + 1, ow = w - k + 1, out = csr.outFeatures();
    if (oh < 1 || ow < 1) throw new IllegalArgumentException("input " + h + "×" + w + " is smaller than the kernel " + k + "×" + k);
    if (x.length < (long) inChannels * h * w * b) throw new IllegalArgumentException("input has " + x.length + " values, need " + inChannels + "×" + h + "×" + w + "×" + b);
    if (y.length < (long) out * oh * ow * b) throw new IllegalArgumentException("output has " + y.length + " values, need " + out + "×" + oh + "×" + ow + "×" + b);
    int[] offsets = offsets(h, w);
    long work = (long) csr.nonZeros() * ow * b;
    int grain = (int) Math.max(1, Math.min((long) out * oh, (1L << 16) * out / Math.max(1, work)));
    Parallel.forRange(0, out * oh, grain, (lo, hi) -> {
      for (int t = lo; t < hi; t++) {
        int o = t / oh, oy = t % oh;
        for (int ox = 0; ox < ow; ox++) csr.row(o, offsets, oy * w + ox, 0, b, x, b, y, ((o * oh + oy) * ow + ox) * b);
      }
    });
  }

  /** Offset of each non-zero in a [C, H, W] plane stack: im2col column (c, ky, kx) → (c·H + ky)·W + kx. */
  private int[] offsets(int h, int w) {
    if (h == idxH && w == idxW) return idx;
    int[] cols = csr.columns(), off = new int[cols.length];
    for (int i = 0; i < cols.length; i++) {
      int c = cols[i] / (k * k), ky = cols[i] / k % k, kx = cols[i] % k;
      off[i] = (c * h + ky) * w + kx;
    }
    idx = off;
    idxH = h;
    idxW = w;
    return off;
  }
}
