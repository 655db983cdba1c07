package dev.fivefold.nn;

import dev.fivefold.autodiff.Var;

/** {@link BatchNorm} of [N, C] or [N, C, L] inputs (PyTorch's {@code nn.BatchNorm1d}). */
public final class BatchNorm1d extends BatchNorm {
  /**
   * Batch norm with PyTorch's defaults, ε = {@value BatchNorm#EPS} and momentum {@value BatchNorm#MOMENTUM}.
   *
   * @param features the channels C, at least 1
   * @throws IllegalArgumentException if {@code features} is below 1
   */
  public BatchNorm1d(int features) {
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
  public BatchNorm1d(int features, float eps, float momentum) {
    super(features, eps, momentum);
  }

  @Override
  void checkRank(Var x) {
    int r = x.shape().rank();
    if (r != 2 && r != 3) throw new IllegalArgumentException("BatchNorm1d input must be [N, C] or [N, C, L], got " + x.shape());
  }

  @Override
  protected Module blank() {
    return new BatchNorm1d(features(), eps(), momentum());
  }
}
