package dev.fivefold.nn;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.tensor.Rng;

/** 2-D convolution [N, C, H, W] → [N, O, H', W']; weight [O, C, k, k]; PyTorch's default init. */
public final class Conv2d extends Module {
  private final Parameter weight, bias;
  private final int stride, padding;

  public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, Rng rng) {
    if (inChannels < 1 || outChannels < 1 || kernel < 1) {
      throw new IllegalArgumentException("Conv2d channels (" + inChannels + ", " + outChannels + ") and kernel (" + kernel + ") must be >= 1");
    }
    if (stride < 1 || padding < 0) throw new IllegalArgumentException("Conv2d stride (" + stride + ") must be >= 1, padding (" + padding + ") >= 0");
    int fanIn = inChannels * kernel * kernel;
    this.weight = parameter("weight", Init.torchDefault(rng, fanIn, outChannels, inChannels, kernel, kernel));
    this.bias = parameter("bias", Init.torchDefault(rng, fanIn, outChannels)).noDecay();
    this.stride = stride;
    this.padding = padding;
  }

  @Override
  public Var forward(Var x) {
    return F.conv2d(x, weight.on(x.tape()), bias.on(x.tape()), stride, padding);
  }

  public Parameter weight() {
    return weight;
  }
}
