package dev.fivefold.nn;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;

/** Max or average pooling with a k×k window and stride (default = k), no padding. */
public final class Pool2d extends Module {
  private final boolean max;
  private final int k, stride;

  private Pool2d(boolean max, int k, int stride) {
    if (k < 1 || stride < 1) throw new IllegalArgumentException("pool kernel (" + k + ") and stride (" + stride + ") must be >= 1");
    this.max = max;
    this.k = k;
    this.stride = stride;
  }

  public static Pool2d max(int k) {
    return new Pool2d(true, k, k);
  }

  public static Pool2d max(int k, int stride) {
    return new Pool2d(true, k, stride);
  }

  public static Pool2d avg(int k) {
    return new Pool2d(false, k, k);
  }

  public static Pool2d avg(int k, int stride) {
    return new Pool2d(false, k, stride);
  }

  @Override
  public Var forward(Var x) {
    return max ? F.maxPool2d(x, k, stride) : F.avgPool2d(x, k, stride);
  }
}
