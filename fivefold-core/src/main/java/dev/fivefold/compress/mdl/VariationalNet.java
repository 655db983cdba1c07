package dev.fivefold.compress.mdl;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.compress.Masks;
import dev.fivefold.nn.Activation;
import dev.fivefold.nn.Module;
import dev.fivefold.nn.Parameter;
import dev.fivefold.nn.Pool2d;
import dev.fivefold.perception.LeNet5;
import dev.fivefold.perception.Mlp;
import dev.fivefold.tensor.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The variational forward of a classifier from its own parameters: every weight matrix and kernel a
 * {@link VariationalLayer} sampled by the local reparameterisation trick, everything else the
 * model's forward. Two families:
 * <ul>
 *   <li>{@code mlp} (any sizes and activation): flatten, then fc1, act, …, fc_L;
 *   <li>{@code lenet5} without normalisation: conv1 → ReLU → max-pool 2 → conv2 → ReLU → max-pool 2 →
 *       flatten → fc1 → ReLU → fc2.
 * </ul>
 * Others (gpt, lenet5 with LRN or batch norm, regularised or jittered wrappers) are refused with an
 * {@link IllegalArgumentException} naming the model. With no generator the forward is the model's own
 * (the posterior means), bit for bit.
 */
public final class VariationalNet {
  private final Module model;
  private final String family;
  private final List<VariationalLayer> layers;
  private final Activation act;

  private VariationalNet(Module model, String family, List<VariationalLayer> layers, Activation act) {
    this.model = model;
    this.family = family;
    this.layers = layers;
    this.act = act;
  }

  /**
   * The variational view of {@code model} (an mlp or a plain lenet5), structured or per weight.
   *
   * @param model an {@link Mlp} or a {@link LeNet5} without normalisation; its parameters are used in place
   * @param structured one log α per output neuron / filter when true, else one log σ² per weight
   * @return the variational view
   * @throws IllegalArgumentException for any other model
   */
  public static VariationalNet of(Module model, boolean structured) {
    Map<String, Parameter> ps = model.namedParameters();
    List<VariationalLayer> ls = new ArrayList<>();
    switch (model) {
      case Mlp m -> {
        for (int i = 1; i < m.sizes().length; i++) {
          ls.add(new VariationalLayer("fc" + i + ".weight", VariationalLayer.Kind.LINEAR, ps.get("fc" + i + ".weight"), ps.get("fc" + i + ".bias"),
              structured));
        }
        return new VariationalNet(model, "mlp", List.copyOf(ls), Activation.of(m.activation()));
      }
      case LeNet5 l when l.spec().norm() == LeNet5.Norm.NONE -> {
        for (String c : List.of("conv1", "conv2")) {
          ls.add(new VariationalLayer(c + ".weight", VariationalLayer.Kind.CONV, ps.get(c + ".weight"), ps.get(c + ".bias"), structured));
        }
        for (String c : List.of("fc1", "fc2")) {
          ls.add(new VariationalLayer(c + ".weight", VariationalLayer.Kind.LINEAR, ps.get(c + ".weight"), ps.get(c + ".bias"), structured));
        }
        return new VariationalNet(model, "lenet5", List.copyOf(ls), Activation.relu());
      }
      default -> {
        String what = model instanceof dev.fivefold.perception.Model pm ? pm.spec().toString() : model.getClass().getSimpleName();
        throw new IllegalArgumentException("model (" + what + ") is not supported by variational compression: it takes mlp or lenet5 without norm");
      }
    }
  }

  /**
   * The model whose parameters this view uses.
   *
   * @return the model
   */
  public Module model() {
    return model;
  }

  /**
   * The weight layers, in forward order.
   *
   * @return an unmodifiable list
   */
  public List<VariationalLayer> layers() {
    return layers;
  }

  /**
   * The model's parameters and every layer's log σ² / log α, for one optimizer.
   *
   * @return a new list: the model's parameters, then the variance parameters
   */
  public List<Parameter> parameters() {
    List<Parameter> ps = new ArrayList<>(model.parameters());
    for (VariationalLayer l : layers) ps.addAll(l.variationalParameters());
    return ps;
  }

  /**
   * Logits [N, classes] of {@code x}: each weight layer sampled from {@code rng} in layer order
   * ({@link VariationalLayer#sample}), or its mean when {@code rng} is null.
   *
   * @param x the input batch, [N, ...] as the model takes it
   * @param rng the noise generator, or null for the posterior means
   * @return the logits [N, classes]
   */
  public Var forward(Var x, Rng rng) {
    if (family.equals("mlp")) {
      Var h = F.reshape(x, x.shape().dim(0), -1); // [N, in]
      for (int i = 0; i < layers.size(); i++) {
        h = layer(i, h, rng);
        if (i + 1 < layers.size()) h = act.forward(h);
      }
      return h;
    }
    Pool2d pool = Pool2d.max(2);
    Var h = pool.forward(act.forward(layer(0, x, rng))); // [N, C1, 12, 12]
    h = pool.forward(act.forward(layer(1, h, rng))); // [N, C2, 4, 4]
    h = F.reshape(h, h.shape().dim(0), -1); // [N, 16·C2]
    h = act.forward(layer(2, h, rng)); // [N, H]
    return layer(3, h, rng); // [N, 10]
  }

  private Var layer(int i, Var h, Rng rng) {
    return rng == null ? layers.get(i).mean(h) : layers.get(i).sample(h, rng);
  }

  /**
   * Σ KL over all layers, in nats.
   *
   * @return the KL divergence to the log-uniform prior, in nats
   */
  public double kl() {
    double s = 0;
    for (VariationalLayer l : layers) s += l.kl();
    return s;
  }

  /**
   * Adds {@code scale}·∇KL to every layer's gradients ({@link VariationalLayer#addKlGradient}); returns the KL.
   *
   * @param scale the factor on the gradients added
   * @return the unscaled KL, in nats
   */
  public double addKlGradient(double scale) {
    double s = 0;
    for (VariationalLayer l : layers) s += l.addKlGradient(scale);
    return s;
  }

  /**
   * Weights with log α ≤ threshold kept, the rest of each layer's weights set to 0 (applied).
   *
   * @param threshold the largest log α kept
   * @return the masks, applied
   */
  public Masks prune(double threshold) {
    Masks m = new Masks();
    for (VariationalLayer l : layers) m.put(l.name(), l.theta(), l.keep(threshold));
    m.apply();
    return m;
  }
}
