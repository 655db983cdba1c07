package dev.fivefold.nn;

import dev.fivefold.autodiff.Var;

/** {@link BatchNorm} of [N, C, H, W] inputs, statistics per channel over N·H·W values (PyTorch's {@code nn.BatchNorm2d}). */
public final class BatchNorm2d extends BatchNorm {
  public BatchNorm2d(int features) {
    this(features, EPS, MOMENTUM);
  }

  public BatchNorm2d(int features, float eps, float momentum) {
    super(features, eps, momentum);
  }

  @Override
  void checkRank(Var x) {
    if (x.shape().rank() != 4) throw new IllegalArgumentException("BatchNorm2d input must be [N, C, H, W], got " + x.shape());
  }

  @Override
  protected Module blank() {
    return new BatchNorm2d(features(), eps(), momentum());
  }
}
