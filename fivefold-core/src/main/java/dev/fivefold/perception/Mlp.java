package dev.fivefold.perception;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.Activation;
import dev.fivefold.nn.Linear;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Rng;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A multilayer perceptron classifier. {@link #lenet300100} is LeNet-300-100 (LeCun et al. 1998;
 * the model of Han et al.'s Deep Compression): 784-300-100-10 with ReLU, 266,610 parameters.
 * Layers are named fc1, fc2, ... as in the PyTorch reference; input [N, ...] is flattened.
 */
public final class Mlp extends Module {
  private final List<Linear> layers = new ArrayList<>();
  private final Activation act;
  private final int[] sizes;
  private final String activation;

  public Mlp(int[] sizes, String activation, long seed) {
    if (sizes.length < 2) throw new IllegalArgumentException("an MLP needs at least input and output sizes, got " + sizes.length);
    this.sizes = sizes.clone();
    this.act = Activation.of(activation);
    this.activation = activation;
    Rng rng = new Rng(seed);
    for (int i = 0; i + 1 < sizes.length; i++) layers.add(child("fc" + (i + 1), new Linear(sizes[i], sizes[i + 1], rng)));
  }

  public static Mlp lenet300100(long seed) {
    return new Mlp(new int[] {784, 300, 100, 10}, "relu", seed);
  }

  public int[] sizes() {
    return sizes.clone();
  }

  public String activation() {
    return activation;
  }

  public List<Linear> layers() {
    return Collections.unmodifiableList(layers);
  }

  @Override
  public Var forward(Var x) { // [N, ...] -> [N, classes]
    Var h = F.reshape(x, x.shape().dim(0), -1);
    for (int i = 0; i < layers.size(); i++) {
      h = layers.get(i).forward(h);
      if (i + 1 < layers.size()) h = act.forward(h);
    }
    return h;
  }
}
