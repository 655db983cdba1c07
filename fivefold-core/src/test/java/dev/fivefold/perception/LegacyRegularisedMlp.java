package dev.fivefold.perception;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.RandomShift;
import dev.fivefold.nn.Activation;
import dev.fivefold.nn.Linear;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Rng;
import java.util.List;

/**
 * The former compress.RegularisedMlp, kept verbatim as a test oracle for {@link Mlp#regularised}. An {@link Mlp} trained the way Hinton, Vinyals &amp; Dean regularised their MNIST teacher
 * ("Distilling the Knowledge in a Neural Network", 2015, §3, after Srivastava et al. 2014): in
 * training mode each input image is jittered by up to {@code maxShift} pixels ({@link
 * RandomShift}), then inverted dropout with probability {@code inputDropout} on the pixels and
 * {@code hiddenDropout} after every hidden activation:
 * <pre>
 *   h_0 = drop_{p_in}(shift(x)),   h_l = drop_{p_h}(act(W_l h_{l−1} + b_l)),   logits = W_L h_{L−1} + b_L
 * </pre>
 * In eval mode (and on an inference tape) it is exactly the wrapped MLP, whose parameters it shares
 * (names {@code mlp.fc1.weight}, ...): save the {@link #mlp()} itself as the trained model. With
 * all three settings 0 it trains exactly like the plain MLP.
 */
final class LegacyRegularisedMlp extends Module {
  private final Mlp mlp;
  private final Activation act;
  private final float inputDropout, hiddenDropout;
  private final RandomShift shift;
  private final Rng rng;

  /**
   * @param inputDropout in [0, 1) (Hinton: 0.2)
   * @param hiddenDropout in [0, 1) (Hinton: 0.5)
   * @param maxShift jitter in pixels of 28 × 28 images, &ge; 0 (Hinton: 2)
   */
  LegacyRegularisedMlp(Mlp mlp, double inputDropout, double hiddenDropout, int maxShift, long seed) {
    if (!(inputDropout >= 0 && inputDropout < 1)) throw new IllegalArgumentException("inputDropout (" + inputDropout + ") must be in [0, 1)");
    if (!(hiddenDropout >= 0 && hiddenDropout < 1)) throw new IllegalArgumentException("hiddenDropout (" + hiddenDropout + ") must be in [0, 1)");
    if (maxShift < 0) throw new IllegalArgumentException("maxShift (" + maxShift + ") must be >= 0");
    this.mlp = child("mlp", mlp);
    this.act = Activation.of(mlp.activation());
    this.inputDropout = (float) inputDropout;
    this.hiddenDropout = (float) hiddenDropout;
    this.rng = new Rng(seed);
    this.shift = maxShift > 0 ? RandomShift.mnist(maxShift, rng.split()) : null;
  }

  /** The wrapped model (shared parameters). */
  public Mlp mlp() {
    return mlp;
  }

  @Override
  public Var forward(Var x) { // [N, ...] -> [N, classes]
    if (!isTraining() || !x.tape().recording()) return mlp.forward(x);
    if (shift != null) x = x.tape().input(shift.apply(x.value()));
    Var h = F.dropout(F.reshape(x, x.shape().dim(0), -1), inputDropout, rng); // [N, 784]
    List<Linear> layers = mlp.layers();
    for (int i = 0; i < layers.size(); i++) {
      h = layers.get(i).forward(h);
      if (i + 1 < layers.size()) h = F.dropout(act.forward(h), hiddenDropout, rng);
    }
    return h;
  }
}
