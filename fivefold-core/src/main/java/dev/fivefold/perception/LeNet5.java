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
 */
public final class LeNet5 extends Module {
  private final Conv2d conv1, conv2;
  private final Linear fc1, fc2;

  public LeNet5(long seed) {
    Rng rng = new Rng(seed);
    conv1 = child("conv1", new Conv2d(1, 20, 5, 1, 0, rng));
    conv2 = child("conv2", new Conv2d(20, 50, 5, 1, 0, rng));
    fc1 = child("fc1", new Linear(800, 500, rng));
    fc2 = child("fc2", new Linear(500, 10, rng));
  }

  @Override
  public Var forward(Var x) { // [N, 1, 28, 28]
    if (x.shape().rank() != 4 || x.shape().dim(1) != 1 || x.shape().dim(2) != 28 || x.shape().dim(3) != 28) {
      throw new IllegalArgumentException("LeNet5 input must be [N, 1, 28, 28], got " + x.shape());
    }
    Var h = F.maxPool2d(F.relu(conv1.forward(x)), 2, 2); // [N, 20, 12, 12]
    h = F.maxPool2d(F.relu(conv2.forward(h)), 2, 2); // [N, 50, 4, 4]
    h = F.reshape(h, h.shape().dim(0), 800); // [N, 800]
    h = F.relu(fc1.forward(h)); // [N, 500]
    return fc2.forward(h); // [N, 10]
  }
}
