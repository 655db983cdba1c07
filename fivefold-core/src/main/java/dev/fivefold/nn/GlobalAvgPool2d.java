package dev.fivefold.nn;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;

/**
 * Global average pooling (Lin et al. 2014, "Network in Network"): [N, C, H, W] → [N, C], the mean
 * of each feature map; PyTorch's {@code nn.AdaptiveAvgPool2d(1)} followed by a flatten.
 */
public final class GlobalAvgPool2d extends Module {
  /** A global average pool (no parameters). */
  public GlobalAvgPool2d() {}

  @Override
  public Var forward(Var x) {
    return F.globalAvgPool2d(x);
  }

  @Override
  protected Module blank() {
    return new GlobalAvgPool2d();
  }
}
