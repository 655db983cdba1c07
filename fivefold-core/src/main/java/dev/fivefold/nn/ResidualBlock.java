package dev.fivefold.nn;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.tensor.Rng;

/**
 * The basic residual block of He et al. 2016 ("Deep Residual Learning for Image Recognition", §3,
 * Fig. 2; torchvision's {@code BasicBlock}): y = ReLU(bn2(conv2(ReLU(bn1(conv1(x))))) + s(x)), with
 * conv1 3×3 of stride {@code stride} and conv2 3×3, both padded by 1, and the shortcut s the
 * identity when the shape is kept (same channels, stride 1), else a 1×1 convolution of the stride
 * followed by batch norm (option B of the paper), named {@code downsample.0} and
 * {@code downsample.1} as in torchvision. Input [N, in, H, W], output [N, out, ⌈H/s⌉, ⌈W/s⌉].
 *
 * <p>The convolutions keep their bias (torchvision's have none: the batch norm after each makes a
 * bias redundant, so this only adds 2·out (+ out) parameters that train to no effect on the output).
 * Weights are PyTorch's default init, drawn from {@code rng} in the order conv1, conv2, shortcut.
 */
public final class ResidualBlock extends Module {
  private final int in, out, stride;
  private final Conv2d conv1, conv2;
  private final BatchNorm2d bn1, bn2;
  private final Sequential downsample;

  /**
   * A residual block from {@code in} to {@code out} channels.
   *
   * @param in the input channels, at least 1
   * @param out the output channels, at least 1
   * @param stride the first convolution's (and the projection's) stride, at least 1
   * @param rng the source of the initial weights
   * @throws IllegalArgumentException if a size is out of range
   */
  public ResidualBlock(int in, int out, int stride, Rng rng) {
    if (in < 1 || out < 1) throw new IllegalArgumentException("ResidualBlock channels (" + in + ", " + out + ") must be >= 1");
    if (stride < 1) throw new IllegalArgumentException("ResidualBlock stride (" + stride + ") must be >= 1");
    this.in = in;
    this.out = out;
    this.stride = stride;
    conv1 = child("conv1", new Conv2d(in, out, 3, stride, 1, rng)); // [N, out, H/s, W/s]
    bn1 = child("bn1", new BatchNorm2d(out));
    conv2 = child("conv2", new Conv2d(out, out, 3, 1, 1, rng));
    bn2 = child("bn2", new BatchNorm2d(out));
    downsample = in == out && stride == 1 ? null : child("downsample", new Sequential(new Conv2d(in, out, 1, stride, 0, rng), new BatchNorm2d(out)));
  }

  /**
   * Whether the shortcut is a projection (1×1 convolution and batch norm) rather than the identity.
   *
   * @return true if the shortcut projects
   */
  public boolean projects() {
    return downsample != null;
  }

  @Override
  public Var forward(Var x) { // [N, in, H, W] -> [N, out, H', W']
    Var h = F.relu(run(bn1, run(conv1, x)));
    h = run(bn2, run(conv2, h));
    Var s = downsample == null ? x : run(downsample, x);
    return F.relu(F.add(h, s));
  }

  @Override
  protected Module blank() {
    return new ResidualBlock(in, out, stride, new Rng(0));
  }
}
