package dev.fivefold.tensor.kernel;

/**
 * 2-D max and average pooling without padding, over {@code planes} independent [h, w] planes
 * (planes = n·c), kernel k×k, stride s: {@code oh = (h − k)/s + 1}, {@code ow = (w − k)/s + 1}.
 *
 * <p>Scalar only: windows are small (typically 2×2 or 3×3) and strided, so the Vector API brings
 * nothing measurable here; C2 unrolls the loops. Work is split over planes with
 * {@link Parallel#forRange}; a plane's outputs and gradients are written by one thread in a fixed
 * order, so results do not depend on the thread count.
 */
public final class Pool {
  private Pool() {}

  /**
   * Output length along one axis: {@code (size − k)/stride + 1}.
   * @param size the input length along the axis
   * @param k the window length, ≥ 1
   * @param stride the stride, ≥ 1
   * @return the number of output positions, ≥ 1
   * @throws IllegalArgumentException if {@code k < 1}, {@code stride < 1} or {@code size < k}
   */
  public static int outSize(int size, int k, int stride) {
    if (k < 1 || stride < 1 || size < k) {
      throw new IllegalArgumentException("pool k (" + k + "), stride (" + stride + ") do not fit size " + size);
    }
    return (size - k) / stride + 1;
  }

  /**
   * {@code out[p][oy][ox] = max over the window x[p][oy·s + ky][ox·s + kx]}; {@code argmax} gets
   * the index of the chosen element relative to {@code xOff} ({@code (p·h + iy)·w + ix}). Ties go to
   * the first element in row-major window order; a NaN in a window is chosen (propagates).
   * @param x the input planes [planes, h, w], row-major
   * @param xOff offset of x[0, 0, 0]
   * @param planes the number of independent planes (n·c), ≥ 0
   * @param h the plane height, ≥ k
   * @param w the plane width, ≥ k
   * @param k the window side, ≥ 1
   * @param stride the stride along both axes, ≥ 1
   * @param out the maxima [planes, oh, ow], written
   * @param outOff offset of out[0, 0, 0]
   * @param argmax the index (relative to {@code xOff}) of each maximum [planes, oh, ow], written
   * @param argOff offset of argmax[0, 0, 0]
   * @throws IllegalArgumentException if {@code k < 1}, {@code stride < 1} or the window is larger than the
   *     plane
   */
  public static void maxPool2dForward(float[] x, int xOff, int planes, int h, int w, int k, int stride,
      float[] out, int outOff, int[] argmax, int argOff) {
    int oh = outSize(h, k, stride), ow = outSize(w, k, stride);
    if (k == 2 && stride == 2) {
      maxPool2x2(x, xOff, planes, h, w, oh, ow, out, outOff, argmax, argOff);
      return;
    }
    Parallel.forRange(0, planes, Math.max(1, 4096 / (oh * ow * k * k)), (p0, p1) -> {
      for (int p = p0; p < p1; p++) {
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            int base = (p * h + oy * stride) * w + ox * stride;
            int best = base;
            float bv = x[xOff + base];
            for (int ky = 0; ky < k; ky++) {
              for (int kx = 0; kx < k; kx++) {
                int idx = base + ky * w + kx;
                float v = x[xOff + idx];
                if (v > bv || (v != v && bv == bv)) {
                  bv = v;
                  best = idx;
                }
              }
            }
            int o = (p * oh + oy) * ow + ox;
            out[outOff + o] = bv;
            argmax[argOff + o] = best;
          }
        }
      }
    });
  }

  /**
   * {@code dx[argmax[o]] += dy[o]} for every output o of {@link #maxPool2dForward} with the same
   * geometry. Accumulates: zero dx first for a plain gradient.
   * @param dy the gradient of the output [planes, oh, ow]
   * @param dyOff offset of dy[0, 0, 0]
   * @param argmax the indices written by {@link #maxPool2dForward}
   * @param argOff offset of argmax[0, 0, 0]
   * @param planes the number of independent planes (n·c), ≥ 0
   * @param h the plane height, ≥ k
   * @param w the plane width, ≥ k
   * @param k the window side, ≥ 1
   * @param stride the stride along both axes, ≥ 1
   * @param dx the gradient of the input [planes, h, w], accumulated into
   * @param dxOff offset of dx[0, 0, 0] (the origin of the argmax indices)
   * @throws IllegalArgumentException if {@code k < 1}, {@code stride < 1} or the window is larger than the
   *     plane
   */
  public static void maxPool2dBackward(float[] dy, int dyOff, int[] argmax, int argOff, int planes, int h,
      int w, int k, int stride, float[] dx, int dxOff) {
    int per = outSize(h, k, stride) * outSize(w, k, stride);
    Parallel.forRange(0, planes, Math.max(1, 4096 / per), (p0, p1) -> {
      for (int o = p0 * per; o < p1 * per; o++) dx[dxOff + argmax[argOff + o]] += dy[dyOff + o];
    });
  }

  /** The common 2×2, stride-2 window, unrolled; same result and tie/NaN rules as the general loop. */
  private static void maxPool2x2(float[] x, int xOff, int planes, int h, int w, int oh, int ow,
      float[] out, int outOff, int[] argmax, int argOff) {
    Parallel.forRange(0, planes, Math.max(1, 4096 / (oh * ow * 4)), (p0, p1) -> {
      for (int p = p0; p < p1; p++) {
        for (int oy = 0; oy < oh; oy++) {
          int row = (p * h + 2 * oy) * w;
          int o = (p * oh + oy) * ow;
          for (int ox = 0; ox < ow; ox++, o++) {
            int i0 = row + 2 * ox, i1 = i0 + 1, i2 = i0 + w, i3 = i2 + 1;
            int best = i0;
            float bv = x[xOff + i0];
            float v = x[xOff + i1];
            if (v > bv || (v != v && bv == bv)) { bv = v; best = i1; }
            v = x[xOff + i2];
            if (v > bv || (v != v && bv == bv)) { bv = v; best = i2; }
            v = x[xOff + i3];
            if (v > bv || (v != v && bv == bv)) { bv = v; best = i3; }
            out[outOff + o] = bv;
            argmax[argOff + o] = best;
          }
        }
      }
    });
  }

  /**
   * {@code out[p][oy][ox] = (Σ_{ky,kx} x[p][oy·s + ky][ox·s + kx]) / k²}, summed in row-major order.
   * @param x the input planes [planes, h, w], row-major
   * @param xOff offset of x[0, 0, 0]
   * @param planes the number of independent planes (n·c), ≥ 0
   * @param h the plane height, ≥ k
   * @param w the plane width, ≥ k
   * @param k the window side, ≥ 1
   * @param stride the stride along both axes, ≥ 1
   * @param out the averages [planes, oh, ow], written
   * @param outOff offset of out[0, 0, 0]
   * @throws IllegalArgumentException if {@code k < 1}, {@code stride < 1} or the window is larger than the
   *     plane
   */
  public static void avgPool2dForward(float[] x, int xOff, int planes, int h, int w, int k, int stride,
      float[] out, int outOff) {
    int oh = outSize(h, k, stride), ow = outSize(w, k, stride);
    float area = k * k;
    Parallel.forRange(0, planes, Math.max(1, 4096 / (oh * ow * k * k)), (p0, p1) -> {
      for (int p = p0; p < p1; p++) {
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            int base = xOff + (p * h + oy * stride) * w + ox * stride;
            float s = 0f;
            for (int ky = 0; ky < k; ky++) {
              for (int kx = 0; kx < k; kx++) s += x[base + ky * w + kx];
            }
            out[outOff + (p * oh + oy) * ow + ox] = s / area;
          }
        }
      }
    });
  }

  /**
   * The adjoint of {@link #avgPool2dForward}: {@code dx[window of o] += dy[o] / k²}, outputs in
   * row-major order. Accumulates: zero dx first for a plain gradient.
   * @param dy the gradient of the output [planes, oh, ow]
   * @param dyOff offset of dy[0, 0, 0]
   * @param planes the number of independent planes (n·c), ≥ 0
   * @param h the plane height, ≥ k
   * @param w the plane width, ≥ k
   * @param k the window side, ≥ 1
   * @param stride the stride along both axes, ≥ 1
   * @param dx the gradient of the input [planes, h, w], accumulated into
   * @param dxOff offset of dx[0, 0, 0]
   * @throws IllegalArgumentException if {@code k < 1}, {@code stride < 1} or the window is larger than the
   *     plane
   */
  public static void avgPool2dBackward(float[] dy, int dyOff, int planes, int h, int w, int k, int stride,
      float[] dx, int dxOff) {
    int oh = outSize(h, k, stride), ow = outSize(w, k, stride);
    float area = k * k;
    Parallel.forRange(0, planes, Math.max(1, 4096 / (oh * ow * k * k)), (p0, p1) -> {
      for (int p = p0; p < p1; p++) {
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            float g = dy[dyOff + (p * oh + oy) * ow + ox] / area;
            int base = dxOff + (p * h + oy * stride) * w + ox * stride;
            for (int ky = 0; ky < k; ky++) {
              for (int kx = 0; kx < k; kx++) dx[base + ky * w + kx] += g;
            }
          }
        }
      }
    });
  }
}
