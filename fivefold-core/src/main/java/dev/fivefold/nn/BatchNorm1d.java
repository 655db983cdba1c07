package dev.fivefold.nn;

import dev.fivefold.autodiff.Var;

/** {@link BatchNorm} of [N, C] or [N, C, L] inputs (PyTorch's {@code nn.BatchNorm1d}). */
public final class BatchNorm1d extends BatchNorm {
  public BatchNorm1d(int features) {
    this(features, EPS, MOMENTUM);
  }

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
