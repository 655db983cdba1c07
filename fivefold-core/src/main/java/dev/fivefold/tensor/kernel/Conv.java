package dev.fivefold.tensor.kernel;

import java.util.Arrays;

/**
 * The data movement of a 2-D convolution computed as a matrix product (im2col, Chellapilla et al.,
 * "High Performance Convolutional Neural Networks for Document Processing", 2006).
 *
 * <p>For one image x of shape [c, h, w] (row-major), kernel kh×kw, stride s and zero padding p:
 * {@code oh = (h + 2p − kh)/s + 1}, {@code ow = (w + 2p − kw)/s + 1}, and
 * <pre>
 *   col[(ci·kh + ky)·kw + kx][oy·ow + ox] = x[ci][oy·s − p + ky][ox·s − p + kx]   (0 outside x)
 * </pre>
 * a [c·kh·kw, oh·ow] row-major matrix, so that {@code y[co] = W[co, :] · col} with W of shape
 * [cout, c·kh·kw]. {@link #col2im} is the adjoint: it adds each col entry back into the x
 * position it was read from.
 *
 * <p>Both are memory-bound copies; the fast versions copy whole runs with
 * {@link System#arraycopy} (im2col, stride 1) or {@link VecOps#add} (col2im, stride 1) and split
 * work with {@link Parallel#forRange} (im2col by col row, col2im by channel, so each dx element
 * is accumulated by one thread in the reference order: results equal the references bit for bit).
 */
public final class Conv {
  private Conv() {}

  /**
   * Output length of a convolution along one axis: {@code (size + 2·pad − k)/stride + 1}.
   * @param size the input length along the axis
   * @param k the kernel length along the axis
   * @param stride the stride, ≥ 1
   * @param pad the zero padding on each side, ≥ 0
   * @return the number of output positions, ≥ 1
   * @throws IllegalArgumentException if {@code stride < 1}, {@code pad < 0} or {@code k > size + 2·pad}
   */
  public static int outSize(int size, int k, int stride, int pad) {
    if (stride < 1) throw new IllegalArgumentException("stride (" + stride + ") must be >= 1");
    if (pad < 0) throw new IllegalArgumentException("pad (" + pad + ") must be >= 0");
    int o = (size + 2 * pad - k) / stride + 1;
    if (size + 2 * pad < k || o < 1) {
      throw new IllegalArgumentException("kernel (" + k + ") larger than padded input (" + (size + 2 * pad) + ")");
    }
    return o;
  }

  /**
   * Fills {@code col} [c·kh·kw, oh·ow] from x [c, h, w]; see the class comment.
   * @param x the image [c, h, w], row-major
   * @param xOff offset of x[0, 0, 0]
   * @param c the number of channels, ≥ 1
   * @param h the image height, ≥ 1
   * @param w the image width, ≥ 1
   * @param kh the kernel height, ≥ 1
   * @param kw the kernel width, ≥ 1
   * @param stride the stride along both axes, ≥ 1
   * @param pad the zero padding on each side of both axes, ≥ 0
   * @param col the matrix [c·kh·kw, oh·ow] to fill, rows {@code oh·ow} apart
   * @param colOff offset of col[0, 0]
   * @throws IllegalArgumentException if the stride is below 1, the padding negative or the kernel larger than
   *     the padded image
   */
  public static void im2col(float[] x, int xOff, int c, int h, int w, int kh, int kw, int stride, int pad,
      float[] col, int colOff) {
    im2col(x, xOff, c, h, w, kh, kw, stride, pad, col, colOff, outSize(h, kh, stride, pad) * outSize(w, kw, stride, pad));
  }

  /**
   * As {@link #im2col(float[], int, int, int, int, int, int, int, int, float[], int)} with rows of
   * col {@code ld} apart (ld &ge; oh·ow), so that a batch's images fill side-by-side column blocks
   * of one [c·kh·kw, N·oh·ow] matrix.
   * @param x the image [c, h, w], row-major
   * @param xOff offset of x[0, 0, 0]
   * @param c the number of channels, ≥ 1
   * @param h the image height, ≥ 1
   * @param w the image width, ≥ 1
   * @param kh the kernel height, ≥ 1
   * @param kw the kernel width, ≥ 1
   * @param stride the stride along both axes, ≥ 1
   * @param pad the zero padding on each side of both axes, ≥ 0
   * @param col the matrix [c·kh·kw, ≥ oh·ow] to fill, rows {@code ld} apart
   * @param colOff offset of col[0, 0]
   * @param ld the distance between rows of {@code col}, ≥ oh·ow
   * @throws IllegalArgumentException if the stride is below 1, the padding negative or the kernel larger than
   *     the padded image
   */
  public static void im2col(float[] x, int xOff, int c, int h, int w, int kh, int kw, int stride, int pad,
      float[] col, int colOff, int ld) {
    int oh = outSize(h, kh, stride, pad), ow = outSize(w, kw, stride, pad);
    Parallel.forRange(0, c * kh * kw, Math.max(1, 4096 / (oh * ow)), (r0, r1) -> {
      for (int row = r0; row < r1; row++) im2colRow(x, xOff, h, w, kh, kw, stride, pad, oh, ow, row, col, colOff + row * ld);
    });
  }

  /**
   * As {@link #im2col(float[], int, int, int, int, int, int, int, int, float[], int, int)}, on the
   * calling thread: for a caller that splits a batch's images across threads.
   * @param x the image [c, h, w], row-major
   * @param xOff offset of x[0, 0, 0]
   * @param c the number of channels, ≥ 1
   * @param h the image height, ≥ 1
   * @param w the image width, ≥ 1
   * @param kh the kernel height, ≥ 1
   * @param kw the kernel width, ≥ 1
   * @param stride the stride along both axes, ≥ 1
   * @param pad the zero padding on each side of both axes, ≥ 0
   * @param col the matrix [c·kh·kw, ≥ oh·ow] to fill, rows {@code ld} apart
   * @param colOff offset of col[0, 0]
   * @param ld the distance between rows of {@code col}, ≥ oh·ow
   * @throws IllegalArgumentException if the stride is below 1, the padding negative or the kernel larger than
   *     the padded image
   */
  public static void im2colSerial(float[] x, int xOff, int c, int h, int w, int kh, int kw, int stride, int pad,
      float[] col, int colOff, int ld) {
    int oh = outSize(h, kh, stride, pad), ow = outSize(w, kw, stride, pad);
    for (int row = 0; row < c * kh * kw; row++) im2colRow(x, xOff, h, w, kh, kw, stride, pad, oh, ow, row, col, colOff + row * ld);
  }

  /** Row {@code row} = (channel, ky, kx) of col, oh·ow values from {@code dst}. */
  private static void im2colRow(float[] x, int xOff, int h, int w, int kh, int kw, int stride, int pad, int oh, int ow,
      int row, float[] col, int dst) {
    int ci = row / (kh * kw), ky = row / kw % kh, kx = row % kw;
    // ox with 0 <= ox·s − p + kx < w
    int oxLo = Math.min(ow, Math.max(0, ceilDiv(pad - kx, stride)));
    int oxHi = Math.max(oxLo, Math.min(ow, Math.floorDiv(w - 1 + pad - kx, stride) + 1));
    for (int oy = 0; oy < oh; oy++, dst += ow) {
      int iy = oy * stride - pad + ky;
      if (iy < 0 || iy >= h) {
        Arrays.fill(col, dst, dst + ow, 0f);
        continue;
      }
      int src = xOff + (ci * h + iy) * w - pad + kx;
      Arrays.fill(col, dst, dst + oxLo, 0f);
      if (oxHi == oxLo) {
        // no valid column (src may lie outside x)
      } else if (stride == 1) {
        System.arraycopy(x, src + oxLo, col, dst + oxLo, oxHi - oxLo);
      } else {
        for (int ox = oxLo; ox < oxHi; ox++) col[dst + ox] = x[src + ox * stride];
      }
      Arrays.fill(col, dst + oxHi, dst + ow, 0f);
    }
  }

  /**
   * The reference im2col, on the calling thread with one bounds test per element: the oracle of
   * {@link #im2col(float[], int, int, int, int, int, int, int, int, float[], int)}.
   * @param x the image [c, h, w], row-major
   * @param xOff offset of x[0, 0, 0]
   * @param c the number of channels, ≥ 1
   * @param h the image height, ≥ 1
   * @param w the image width, ≥ 1
   * @param kh the kernel height, ≥ 1
   * @param kw the kernel width, ≥ 1
   * @param stride the stride along both axes, ≥ 1
   * @param pad the zero padding on each side of both axes, ≥ 0
   * @param col the matrix [c·kh·kw, oh·ow] to fill, rows {@code oh·ow} apart
   * @param colOff offset of col[0, 0]
   * @throws IllegalArgumentException if the stride is below 1, the padding negative or the kernel larger than
   *     the padded image
   */
  public static void im2colScalar(float[] x, int xOff, int c, int h, int w, int kh, int kw, int stride,
      int pad, float[] col, int colOff) {
    int oh = outSize(h, kh, stride, pad), ow = outSize(w, kw, stride, pad);
    for (int ci = 0; ci < c; ci++) {
      for (int ky = 0; ky < kh; ky++) {
        for (int kx = 0; kx < kw; kx++) {
          int row = (ci * kh + ky) * kw + kx;
          for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
              int iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
              boolean in = iy >= 0 && iy < h && ix >= 0 && ix < w;
              col[colOff + (row * oh + oy) * ow + ox] = in ? x[xOff + (ci * h + iy) * w + ix] : 0f;
            }
          }
        }
      }
    }
  }

  /**
   * The adjoint of im2col: {@code dx[ci][iy][ix] += col[row][oy·ow + ox]} for every col entry read
   * from that position, in order ci, ky, kx, oy, ox. Accumulates: zero dx first for a plain
   * gradient.
   * @param col the matrix [c·kh·kw, oh·ow] of gradients, rows {@code oh·ow} apart
   * @param colOff offset of col[0, 0]
   * @param c the number of channels of the image, ≥ 1
   * @param h the image height, ≥ 1
   * @param w the image width, ≥ 1
   * @param kh the kernel height, ≥ 1
   * @param kw the kernel width, ≥ 1
   * @param stride the stride along both axes, ≥ 1
   * @param pad the zero padding on each side of both axes, ≥ 0
   * @param dx the gradient of the image [c, h, w], row-major, accumulated into
   * @param dxOff offset of dx[0, 0, 0]
   * @throws IllegalArgumentException if the stride is below 1, the padding negative or the kernel larger than
   *     the padded image
   */
  public static void col2im(float[] col, int colOff, int c, int h, int w, int kh, int kw, int stride, int pad,
      float[] dx, int dxOff) {
    col2im(col, colOff, outSize(h, kh, stride, pad) * outSize(w, kw, stride, pad), c, h, w, kh, kw, stride, pad, dx, dxOff);
  }

  /**
   * As {@link #col2im(float[], int, int, int, int, int, int, int, int, float[], int)} with rows of col {@code
   * ld} apart.
   * @param col the matrix [c·kh·kw, ≥ oh·ow] of gradients, rows {@code ld} apart
   * @param colOff offset of col[0, 0]
   * @param ld the distance between rows of {@code col}, ≥ oh·ow
   * @param c the number of channels of the image, ≥ 1
   * @param h the image height, ≥ 1
   * @param w the image width, ≥ 1
   * @param kh the kernel height, ≥ 1
   * @param kw the kernel width, ≥ 1
   * @param stride the stride along both axes, ≥ 1
   * @param pad the zero padding on each side of both axes, ≥ 0
   * @param dx the gradient of the image [c, h, w], row-major, accumulated into
   * @param dxOff offset of dx[0, 0, 0]
   * @throws IllegalArgumentException if the stride is below 1, the padding negative or the kernel larger than
   *     the padded image
   */
  public static void col2im(float[] col, int colOff, int ld, int c, int h, int w, int kh, int kw, int stride,
      int pad, float[] dx, int dxOff) {
    int oh = outSize(h, kh, stride, pad), ow = outSize(w, kw, stride, pad);
    Parallel.forRange(0, c, Math.max(1, 4096 / (kh * kw * oh * ow)), (c0, c1) -> {
      for (int ci = c0; ci < c1; ci++) col2imChannel(col, colOff, ld, ci, h, w, kh, kw, stride, pad, oh, ow, dx, dxOff);
    });
  }

  /**
   * As {@link #col2im(float[], int, int, int, int, int, int, int, int, int, float[], int)}, on the
   * calling thread and without allocating: for a caller that splits a batch's images across
   * threads. Same order of additions, so the same result bit for bit.
   *
   * @param col the column matrix [C·KH·KW, ld], this image's columns starting at {@code colOff}
   * @param colOff the index in {@code col} of row 0, column 0 of this image
   * @param ld the row stride of {@code col} (≥ OH·OW; larger when several images share a row)
   * @param c input channels
   * @param h input height
   * @param w input width
   * @param kh kernel height
   * @param kw kernel width
   * @param stride the stride (≥ 1)
   * @param pad zero padding on every side (≥ 0)
   * @param dx the image gradient [C, H, W] at {@code dxOff}, added to
   * @param dxOff the index in {@code dx} of this image
   */
  public static void col2imSerial(float[] col, int colOff, int ld, int c, int h, int w, int kh, int kw, int stride,
      int pad, float[] dx, int dxOff) {
    int oh = outSize(h, kh, stride, pad), ow = outSize(w, kw, stride, pad);
    for (int ci = 0; ci < c; ci++) col2imChannel(col, colOff, ld, ci, h, w, kh, kw, stride, pad, oh, ow, dx, dxOff);
  }

  /** The rows (ci, ky, kx) of col added into channel {@code ci} of dx. */
  private static void col2imChannel(float[] col, int colOff, int ld, int ci, int h, int w, int kh, int kw, int stride,
      int pad, int oh, int ow, float[] dx, int dxOff) {
    for (int ky = 0; ky < kh; ky++) {
      for (int kx = 0; kx < kw; kx++) {
        int row = (ci * kh + ky) * kw + kx;
        int oxLo = Math.min(ow, Math.max(0, ceilDiv(pad - kx, stride)));
        int oxHi = Math.max(oxLo, Math.min(ow, Math.floorDiv(w - 1 + pad - kx, stride) + 1));
        if (oxHi == oxLo) continue;
        for (int oy = 0; oy < oh; oy++) {
          int iy = oy * stride - pad + ky;
          if (iy < 0 || iy >= h) continue;
          int src = colOff + row * ld + oy * ow;
          int dst = dxOff + (ci * h + iy) * w - pad + kx;
          if (stride == 1) {
            VecOps.add(dx, dst + oxLo, col, src + oxLo, dx, dst + oxLo, oxHi - oxLo);
          } else {
            for (int ox = oxLo; ox < oxHi; ox++) dx[dst + ox * stride] += col[src + ox];
          }
        }
      }
    }
  }

  /**
   * The reference col2im, on the calling thread with one bounds test per element: the oracle of
   * {@link #col2im(float[], int, int, int, int, int, int, int, int, float[], int)}. Accumulates into {@code
   * dx}.
   * @param col the matrix [c·kh·kw, oh·ow] of gradients, rows {@code oh·ow} apart
   * @param colOff offset of col[0, 0]
   * @param c the number of channels of the image, ≥ 1
   * @param h the image height, ≥ 1
   * @param w the image width, ≥ 1
   * @param kh the kernel height, ≥ 1
   * @param kw the kernel width, ≥ 1
   * @param stride the stride along both axes, ≥ 1
   * @param pad the zero padding on each side of both axes, ≥ 0
   * @param dx the gradient of the image [c, h, w], row-major, accumulated into
   * @param dxOff offset of dx[0, 0, 0]
   * @throws IllegalArgumentException if the stride is below 1, the padding negative or the kernel larger than
   *     the padded image
   */
  public static void col2imScalar(float[] col, int colOff, int c, int h, int w, int kh, int kw, int stride,
      int pad, float[] dx, int dxOff) {
    int oh = outSize(h, kh, stride, pad), ow = outSize(w, kw, stride, pad);
    for (int ci = 0; ci < c; ci++) {
      for (int ky = 0; ky < kh; ky++) {
        for (int kx = 0; kx < kw; kx++) {
          int row = (ci * kh + ky) * kw + kx;
          for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
              int iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
              if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                dx[dxOff + (ci * h + iy) * w + ix] += col[colOff + (row * oh + oy) * ow + ox];
              }
            }
          }
        }
      }
    }
  }

  private static int ceilDiv(int a, int b) {
    return -Math.floorDiv(-a, b);
  }
}
