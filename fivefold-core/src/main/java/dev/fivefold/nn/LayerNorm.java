package dev.fivefold.nn;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.tensor.Tensor;

/** Layer normalisation over the last axis (Ba et al. 2016), gain 1 and bias 0 at start, eps 1e-5. */
public final class LayerNorm extends Module {
  private final Parameter weight, bias;
  private final float eps;

  /**
   * Layer norm with eps 1e-5.
   *
   * @param features the size of the last axis
   */
  public LayerNorm(int features) {
    this(features, 1e-5f);
  }

  /**
   * Layer norm.
   *
   * @param features the size of the last axis
   * @param eps added to the variance
   */
  public LayerNorm(int features, float eps) {
    this.weight = parameter("weight", Tensor.full(1f, features)).noDecay();
    this.bias = parameter("bias", Tensor.zeros(features)).noDecay();
    this.eps = eps;
  }

  @Override
  public Var forward(Var x) {
    return F.layerNorm(x, weight.on(x.tape()), bias.on(x.tape()), eps);
  }
}
