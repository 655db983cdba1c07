package dev.fivefold.nn;

import dev.fivefold.autodiff.Var;

/** {@link BatchNorm} of [N, C, H, W] inputs, statistics per channel over N·H·W values (PyTorch's {@code nn.BatchNorm2d}). */
public final class BatchNorm2d extends BatchNorm {
  /**
   * Batch norm with PyTorch's defaults, ε = {@value BatchNorm#EPS} and momentum {@value BatchNorm#MOMENTUM}.
   *
   * @param features the channels C, at least 1
   * @throws IllegalArgumentException if {@code features} is below 1
   */
  public BatchNorm2d(int features) {
    this(features, EPS, MOMENTUM);
  }

  /**
   * Batch norm; the running statistics are updated as r ← (1 − momentum)·r + momentum·batch statistic.
   *
   * @param features the channels C, at least 1
   * @param eps added to the variance, finite and non-negative
   * @param momentum the weight of the batch statistics, in [0, 1]
   * @throws IllegalArgumentException if an argument is out of range
   */
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
