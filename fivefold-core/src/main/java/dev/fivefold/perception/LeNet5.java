package dev.fivefold.perception;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.Conv2d;
import dev.fivefold.nn.Linear;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Rng;

/**
 * LeNet-5 as in Caffe's example and Han et al. (2016): conv1 5×5×20 → ReLU → max-pool 2 →
 * conv2 5×5×50 → ReLU → max-pool 2 → fc1 800→500 → ReLU → fc2 500→10; 431,080 parameters.
 * Input [N, 1, 28, 28].
 *
 * <p>The same shape at other widths (spec {@code lenet5:C1-C2-H}): conv1 5×5×C1, conv2 5×5×C2,
 * fc1 16·C2→H, fc2 H→10, with C1·26 + C2·(25·C1 + 1) + H·(16·C2 + 1) + 10·(H + 1) parameters;
 * e.g. {@code lenet5:6-16-100}, LeCun et al. 1998's C1/C3 widths, has 29,282, a small student for
 * distillation (Hinton et al. 2015). Parameters are drawn in the same order for every width, so
 * {@code new LeNet5(20, 50, 500, s)} is {@code new LeNet5(s)}.
 */
public final class LeNet5 extends Module {
  private final Conv2d conv1, conv2;
  private final Linear fc1, fc2;
  private final int c1, c2, hidden;

  /** Caffe's LeNet-5: widths 20, 50, 500. */
  public LeNet5(long seed) {
    this(20, 50, 500, seed);
  }

  /**
   * @param conv1Channels C1 &ge; 1
   * @param conv2Channels C2 &ge; 1
   * @param hidden H &ge; 1
   */
  public LeNet5(int conv1Channels, int conv2Channels, int hidden, long seed) {
    if (conv1Channels < 1) throw new IllegalArgumentException("conv1Channels (" + conv1Channels + ") must be >= 1");
    if (conv2Channels < 1) throw new IllegalArgumentException("conv2Channels (" + conv2Channels + ") must be >= 1");
    if (hidden < 1) throw new IllegalArgumentException("hidden (" + hidden + ") must be >= 1");
    c1 = conv1Channels;
    c2 = conv2Channels;
    this.hidden = hidden;
    Rng rng = new Rng(seed);
    conv1 = child("conv1", new Conv2d(1, c1, 5, 1, 0, rng));
    conv2 = child("conv2", new Conv2d(c1, c2, 5, 1, 0, rng));
    fc1 = child("fc1", new Linear(16 * c2, hidden, rng));
    fc2 = child("fc2", new Linear(hidden, 10, rng));
  }

  /** {C1, C2, H}. */
  public int[] widths() {
    return new int[] {c1, c2, hidden};
  }

  /** Caffe's widths 20, 50, 500? */
  public boolean isStandard() {
    return c1 == 20 && c2 == 50 && hidden == 500;
  }

  @Override
  public Var forward(Var x) { // [N, 1, 28, 28]
    if (x.shape().rank() != 4 || x.shape().dim(1) != 1 || x.shape().dim(2) != 28 || x.shape().dim(3) != 28) {
      throw new IllegalArgumentException("LeNet5 input must be [N, 1, 28, 28], got " + x.shape());
    }
    Var h = F.maxPool2d(F.relu(conv1.forward(x)), 2, 2); // [N, C1, 12, 12]
    h = F.maxPool2d(F.relu(conv2.forward(h)), 2, 2); // [N, C2, 4, 4]
    h = F.reshape(h, h.shape().dim(0), 16 * c2); // [N, 16·C2]
    h = F.relu(fc1.forward(h)); // [N, H]
    return fc2.forward(h); // [N, 10]
  }
}
