package dev.fivefold.nn;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;

/** y = x·Wᵀ + b over the last axis; W [out, in] as PyTorch; initialised as PyTorch does (U(±1/√in)). */
public final class Linear extends Module {
  private final Parameter weight;
  private final Parameter bias;
  private final int in, out;

  public Linear(int in, int out, boolean bias, Rng rng) {
    if (in < 1 || out < 1) throw new IllegalArgumentException("Linear sizes (" + in + ", " + out + ") must be >= 1");
    this.in = in;
    this.out = out;
    this.weight = parameter("weight", Init.torchDefault(rng, in, out, in));
    this.bias = bias ? parameter("bias", Init.torchDefault(rng, in, out)).noDecay() : null;
  }

  public Linear(int in, int out, Rng rng) {
    this(in, out, true, rng);
  }

  @Override
  public Var forward(Var x) {
    return F.linear(x, weight.on(x.tape()), bias == null ? null : bias.on(x.tape()));
  }

  public Parameter weight() {
    return weight;
  }

  public Parameter bias() {
    return bias;
  }

  public int inFeatures() {
    return in;
  }

  public int outFeatures() {
    return out;
  }

  /** Re-initialises the weight (e.g. He or GPT's N(0, 0.02)); the bias is zeroed. */
  public Linear init(Tensor w) {
    weight.value().copyFrom(w);
    if (bias != null) java.util.Arrays.fill(bias.value().data(), 0f);
    return this;
  }
}
