package dev.fivefold.nn;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.tensor.Tensor;

/**
 * Group normalisation (Wu &amp; He 2018), PyTorch's {@code nn.GroupNorm(groups, channels)}: the C
 * channels of each sample in G groups of C/G, each group normalised by its own mean and biased
 * variance (over its channels and positions), then a per-channel weight (1 at start) and bias (0);
 * eps 1e-5. Independent of the batch, so the same in training and evaluation. G = 1 is a layer
 * norm over (C, H, W); G = C is instance norm.
 */
public final class GroupNorm extends Module {
  private final int groups, channels;
  private final float eps;
  private final Parameter weight, bias;

  /**
   * Group norm with eps 1e-5.
   *
   * @param groups the number of groups G, dividing {@code channels}
   * @param channels the channels C
   * @throws IllegalArgumentException if G does not divide C or a size is below 1
   */
  public GroupNorm(int groups, int channels) {
    this(groups, channels, 1e-5f);
  }

  /**
   * Group norm.
   *
   * @param groups the number of groups G, dividing {@code channels}
   * @param channels the channels C
   * @param eps added to the variance, finite and non-negative
   * @throws IllegalArgumentException if G does not divide C, a size is below 1, or eps is out of range
   */
  public GroupNorm(int groups, int channels, float eps) {
    if (groups < 1 || channels < 1 || channels % groups != 0) {
      throw new IllegalArgumentException("GroupNorm groups (" + groups + ") must be >= 1 and divide channels (" + channels + ")");
    }
    if (!(eps >= 0) || Float.isInfinite(eps)) throw new IllegalArgumentException("GroupNorm eps (" + eps + ") must be finite and >= 0");
    this.groups = groups;
    this.channels = channels;
    this.eps = eps;
    this.weight = parameter("weight", Tensor.full(1f, channels)).noDecay();
    this.bias = parameter("bias", Tensor.zeros(channels)).noDecay();
  }

  @Override
  public Var forward(Var x) {
    if (x.shape().rank() < 2 || x.shape().dim(1) != channels) throw new IllegalArgumentException("GroupNorm(" + groups + ", " + channels + ") got input " + x.shape());
    return F.groupNorm(x, groups, weight.on(x.tape()), bias.on(x.tape()), eps);
  }

  @Override
  protected Module blank() {
    return new GroupNorm(groups, channels, eps);
  }
}
