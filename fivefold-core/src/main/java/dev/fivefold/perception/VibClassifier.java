package dev.fivefold.perception;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.Linear;
import dev.fivefold.nn.Module;
import dev.fivefold.nn.VariationalBottleneck;
import dev.fivefold.tensor.Rng;

/**
 * The classifier of Alemi et al. (2017, section 4.1) at a chosen size: input → Linear(in, hidden) →
 * ReLU → Linear(hidden, 2K) → {@link VariationalBottleneck} (K) → Linear(K, classes). With {@code
 * bottleneck = false} the same network without the stochastic layer: Linear(hidden, K) straight
 * into the decoder (the deterministic baseline; {@link #rate()} is then null). Input {@code [N, ...]}
 * is flattened. Layers: enc1, enc2, dec.
 */
public final class VibClassifier extends Module {
  private final Linear enc1, enc2, dec;
  private final VariationalBottleneck vib;

  /**
   * A classifier of the given sizes, weights drawn from {@code new Rng(seed)}.
   *
   * @param in input features per sample
   * @param hidden encoder hidden units
   * @param k bottleneck units K
   * @param classes output logits
   * @param bottleneck whether z is sampled through the variational bottleneck (else a deterministic layer)
   * @param seed the weights' (and the bottleneck noise's) seed
   */
  public VibClassifier(int in, int hidden, int k, int classes, boolean bottleneck, long seed) {
    Rng rng = new Rng(seed);
    enc1 = child("enc1", new Linear(in, hidden, rng));
    enc2 = child("enc2", new Linear(hidden, bottleneck ? 2 * k : k, rng));
    dec = child("dec", new Linear(k, classes, rng));
    vib = bottleneck ? child("vib", new VariationalBottleneck(k, rng.split())) : null;
  }

  @Override
  public Var forward(Var x) { // [N, ...] -> [N, classes]
    Var h = F.relu(enc1.forward(F.reshape(x, x.shape().dim(0), -1))); // [N, hidden]
    Var z = enc2.forward(h); // [N, 2K] or [N, K]
    if (vib != null) z = vib.forward(z); // [N, K]
    return dec.forward(z);
  }

  /**
   * The rate (nats, batch mean) of the last forward, or null without a bottleneck.
   *
   * @return the rate R, a scalar on the forward's tape, or null
   */
  public Var rate() {
    return vib == null ? null : vib.lastRate();
  }

  /**
   * Whether this classifier has the stochastic layer.
   *
   * @return true if built with {@code bottleneck}
   */
  public boolean hasBottleneck() {
    return vib != null;
  }
}
