package dev.fivefold.nn;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Parallel;

/**
 * Max or average pooling with a k×k window and stride (default = k), no padding.
 *
 * <p>On an inference tape the common 2×2, stride-2 max-pool runs without data-dependent branches
 * and without the arg-max a backward pass would need: bit for bit the values of {@code F.maxPool2d}
 * (the same tie and NaN rules: the first of equal values, NaN wins), about 3× faster on ReLU
 * outputs, whose comparisons mispredict. Its output then lives in a scratch buffer of the layer, valid until the layer's next
 * forward (as a tape's values are until the tape's reset).
 */
public final class Pool2d extends Module {
  private final boolean max;
  private final int k, stride;
  private float[] y;

  private Pool2d(boolean max, int k, int stride) {
    if (k < 1 || stride < 1) throw new IllegalArgumentException("pool kernel (" + k + ") and stride (" + stride + ") must be >= 1");
    this.max = max;
    this.k = k;
    this.stride = stride;
  }

  /**
   * {@return a k×k max-pool with stride k}
   *
   * @param k the window side, at least 1
   */
  public static Pool2d max(int k) {
    return new Pool2d(true, k, k);
  }

  /**
   * {@return a k×k max-pool}
   *
   * @param k the window side, at least 1
   * @param stride the stride, at least 1
   */
  public static Pool2d max(int k, int stride) {
    return new Pool2d(true, k, stride);
  }

  /**
   * {@return a k×k average pool with stride k}
   *
   * @param k the window side, at least 1
   */
  public static Pool2d avg(int k) {
    return new Pool2d(false, k, k);
  }

  /**
   * {@return a k×k average pool}
   *
   * @param k the window side, at least 1
   * @param stride the stride, at least 1
   */
  public static Pool2d avg(int k, int stride) {
    return new Pool2d(false, k, stride);
  }

  @Override
  public Var forward(Var x) {
    if (max && k == 2 && stride == 2 && !x.tape().recording() && x.shape().rank() == 4 && x.shape().dim(2) >= 2 && x.shape().dim(3) >= 2) {
      return maxPool2x2(x);
    }
    return max ? F.maxPool2d(x, k, stride) : F.avgPool2d(x, k, stride);
  }

  /** y[p, i, j] = the first maximum of x[p, 2i..2i+1, 2j..2j+1] in row-major order, NaN if any is NaN (as Pool.maxPool2dForward). */
  private Var maxPool2x2(Var x) {
    Shape s = x.shape();
    int planes = s.dim(0) * s.dim(1), h = s.dim(2), w = s.dim(3), oh = (h - 2) / 2 + 1, ow = (w - 2) / 2 + 1;
    if (y == null || y.length != planes * oh * ow) y = new float[planes * oh * ow];
    float[] in = x.data(), out = y;
    Parallel.forRange(0, planes, Math.max(1, 4096 / (oh * ow * 4)), (p0, p1) -> {
      for (int p = p0; p < p1; p++) {
        for (int oy = 0; oy < oh; oy++) {
          int row = (p * h + 2 * oy) * w, o = (p * oh + oy) * ow;
          for (int ox = 0; ox < ow; ox++) {
            int i0 = row + 2 * ox;
            out[o + ox] = firstMax(firstMax(firstMax(in[i0], in[i0 + 1]), in[i0 + w]), in[i0 + w + 1]);
          }
        }
      }
    });
    return x.tape().input(Tensor.wrap(out, Shape.of(s.dim(0), s.dim(1), oh, ow)));
  }

  /**
   * b if it beats a (greater, or NaN against a number), else a: the pooling kernels' rule, chosen
   * on the bits without a branch (data-dependent branches mispredict on half-zero ReLU outputs).
   */
  private static float firstMax(float a, float b) {
    int ai = Float.floatToRawIntBits(a), bi = Float.floatToRawIntBits(b);
    int beats = (b > a | (b != b & a == a)) ? -1 : 0;
    return Float.intBitsToFloat(ai ^ ((ai ^ bi) & beats));
  }
}
