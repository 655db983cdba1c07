package dev.fivefold.perception;

import dev.fivefold.io.Heap;
import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.Activation;
import dev.fivefold.nn.Dropout;
import dev.fivefold.nn.Linear;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A multilayer perceptron classifier. {@link #lenet300100} is LeNet-300-100 (LeCun et al. 1998;
 * the model of Han et al.'s Deep Compression): 784-300-100-10 with ReLU, 266,610 parameters.
 * Layers are named fc1, fc2, ... as in the PyTorch reference (activations act1, act2, ...);
 * input [N, ...] is flattened. {@link #sizes} 12-10-7-5-4-3-2 is Shwartz-Ziv &amp; Tishby's
 * network of the information plane, whose layer outputs {@code info.InformationPlane} reads through
 * a forward hook.
 *
 * <p>The one forward: flatten, then fc1, act1, fc2, act2, ..., fc_L, each run through
 * {@link Module#run} (hooks see every output). With {@link #regularise} it also drops inputs and
 * hidden units in training (Hinton et al. 2015's teacher); with its layers held as CSR
 * ({@link Linear#sparsify}) the same forward runs from the non-zeros on an inference tape.
 */
public final class Mlp extends Module implements ImageClassifier {
  /**
   * {@code mlp} (LeNet-300-100) or {@code mlp:784-300-100-10[:activation]} (relu by default).
   *
   * @param sizes input, hidden..., output; at least two, each &ge; 1
   * @param activation relu, tanh, sigmoid, gelu or identity
   */
  public record Spec(int[] sizes, String activation) implements ModelSpec {
    /**
     * Copies {@code sizes} and validates both components.
     *
     * @throws IllegalArgumentException if there are fewer than two sizes, a size is below 1, or the activation
     *     is unknown
     */
    public Spec {
      if (sizes.length < 2) throw new IllegalArgumentException("an MLP needs at least input and output sizes, got " + sizes.length);
      for (int s : sizes) if (s < 1) throw new IllegalArgumentException("MLP size (" + s + ") must be >= 1");
      Activation.of(activation);
      sizes = sizes.clone();
    }

    /**
     * LeNet-300-100: 784-300-100-10, ReLU.
     *
     * @return the spec {@code mlp:784-300-100-10:relu}
     */
    public static Spec lenet300100() {
      return new Spec(new int[] {784, 300, 100, 10}, "relu");
    }

    /**
     * Parses what follows {@code mlp:} ({@code args} null: LeNet-300-100); {@code spec} names the whole string in errors.
     *
     * @param spec the whole spec string, for messages
     * @param args what follows {@code mlp:}, or null
     * @return the architecture
     * @throws IllegalArgumentException if the sizes or activation do not parse
     */
    public static Spec parse(String spec, String args) {
      if (args == null) return lenet300100();
      String[] p = args.split(":");
      String[] s = p[0].split("-");
      int[] sizes = new int[s.length];
      try {
        for (int i = 0; i < s.length; i++) sizes[i] = Integer.parseInt(s[i]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("model spec (" + spec + "): sizes must be integers like 784-300-100-10");
      }
      return new Spec(sizes, p.length > 1 ? p[1] : "relu");
    }

    /**
     * The layer widths, input first, output last.
     *
     * @return a fresh copy
     */
    @Override
    public int[] sizes() {
      return sizes.clone();
    }

    /** Σ (n_{i−1} + 1)·n_i: weights and biases. */
    @Override
    public long parameters() {
      long p = 0;
      for (int i = 1; i < sizes.length; i++) p = Heap.plus(p, Heap.times((long) sizes[i - 1] + 1, sizes[i]));
      return p;
    }

    /** 3·Σ n_i: each layer's output, its activation and its gradient. */
    @Override
    public long activationsPerSample() {
      long a = 0;
      for (int n : sizes) a = Heap.plus(a, Heap.times(3, n));
      return a;
    }

    @Override
    public String family() {
      return "mlp";
    }

    @Override
    public Mlp build(long seed) {
      return new Mlp(sizes, activation, seed);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Spec s && Arrays.equals(sizes, s.sizes) && activation.equals(s.activation);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(sizes) + activation.hashCode();
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("mlp:");
      for (int i = 0; i < sizes.length; i++) sb.append(i == 0 ? "" : "-").append(sizes[i]);
      return sb.append(":").append(activation).toString();
    }
  }

  private final Spec spec;
  private final List<Linear> layers = new ArrayList<>();
  private final List<Activation> acts = new ArrayList<>();
  private final List<Module> sequence = new ArrayList<>(); // what the forward runs, in order
  private Rng dropoutRng;
  private float inputDropout, hiddenDropout;

  /**
   * An MLP of fully connected layers {@code sizes[0] → sizes[1] → …}, {@code activation} between them, none
   * after the
   * last; weights drawn from {@code new Rng(seed)}.
   *
   * @param sizes layer widths, at least two, each &ge; 1
   * @param activation relu, tanh, sigmoid, gelu or identity
   * @param seed the weights' seed
   * @throws IllegalArgumentException if the spec is invalid
   */
  public Mlp(int[] sizes, String activation, long seed) {
    this.spec = new Spec(sizes, activation);
    Rng rng = new Rng(seed);
    for (int i = 0; i + 1 < sizes.length; i++) {
      Linear fc = child("fc" + (i + 1), new Linear(sizes[i], sizes[i + 1], rng));
      layers.add(fc);
      sequence.add(fc);
      if (i + 2 < sizes.length) {
        Activation act = child("act" + (i + 1), Activation.of(activation));
        acts.add(act);
        sequence.add(act);
      }
    }
  }

  /**
   * LeNet-300-100: 784-300-100-10 with ReLU.
   *
   * @param seed the weights' seed
   * @return the model
   */
  public static Mlp lenet300100(long seed) {
    return Spec.lenet300100().build(seed);
  }

  /**
   * Shwartz-Ziv &amp; Tishby's network for {@code info.SyntheticBits}: 12-10-7-5-4-3-2.
   *
   * @param activation tanh or relu (the paper: tanh)
   * @param seed the weights' seed
   * @return the model
   */
  public static Mlp shwartzZivTishby(String activation, long seed) {
    return new Mlp(new int[] {12, 10, 7, 5, 4, 3, 2}, activation, seed);
  }

  /**
   * Hinton, Vinyals &amp; Dean's regularisation of their MNIST teacher (2015, §3, after Srivastava
   * et al. 2014): in training, inverted dropout with probability {@code input} on the flattened
   * input and {@code hidden} after every hidden activation, all drawn from {@code rng} in forward
   * order,
   * <pre>
   *   h_0 = drop_{p_in}(x),   h_l = drop_{p_h}(act(W_l h_{l−1} + b_l)),   logits = W_L h_{L−1} + b_L
   * </pre>
   * Identity in eval mode and on an inference tape; the parameters and their names are unchanged
   * (the dropout layers have none), so the model saves and loads as the plain MLP. For the jitter
   * of the same recipe wrap the model in a {@link Jittered}. Once per model.
   *
   * @param input in [0, 1) (Hinton: 0.2)
   * @param hidden in [0, 1) (Hinton: 0.5)
   * @param rng the dropout masks' generator
   * @return this model
   */
  public Mlp regularise(double input, double hidden, Rng rng) {
    if (!(input >= 0 && input < 1)) throw new IllegalArgumentException("inputDropout (" + input + ") must be in [0, 1)");
    if (!(hidden >= 0 && hidden < 1)) throw new IllegalArgumentException("hiddenDropout (" + hidden + ") must be in [0, 1)");
    if (rng == null) throw new IllegalArgumentException("rng must not be null");
    if (dropoutRng != null) throw new IllegalStateException("this MLP is already regularised");
    dropoutRng = rng;
    inputDropout = (float) input;
    hiddenDropout = (float) hidden;
    if (input > 0) sequence.addFirst(child("drop0", new Dropout((float) input, rng)));
    if (hidden > 0) {
      for (int l = 0; l < acts.size(); l++) {
        sequence.add(sequence.indexOf(acts.get(l)) + 1, child("drop" + (l + 1), new Dropout((float) hidden, rng)));
      }
    }
    return this;
  }

  /**
   * This MLP trained with Hinton et al.'s dropout and jitter: {@code rng = new Rng(seed)}; with
   * {@code maxShift > 0} the jitter draws from {@code rng.split()} (taken first) and wraps the model
   * in a {@link Jittered}; the dropouts ({@link #regularise}) draw from {@code rng}.
   */
  @Override
  public Module regularised(double inputDropout, double hiddenDropout, int maxShift, long seed) {
    if (maxShift < 0) throw new IllegalArgumentException("maxShift (" + maxShift + ") must be >= 0");
    Rng rng = new Rng(seed);
    Rng shift = maxShift > 0 ? rng.split() : null;
    if (inputDropout != 0 || hiddenDropout != 0) regularise(inputDropout, hiddenDropout, rng);
    return shift == null ? this : new Jittered(this, maxShift, shift);
  }

  @Override
  public boolean takesDropout() {
    return true;
  }

  @Override
  public Spec spec() {
    return spec;
  }

  /**
   * The layer widths, input first, output last.
   *
   * @return a fresh copy
   */
  public int[] sizes() {
    return spec.sizes();
  }

  /**
   * The hidden layers' activation.
   *
   * @return its name: relu, tanh, sigmoid, gelu or identity
   */
  public String activation() {
    return spec.activation();
  }

  /**
   * The fully connected layers fc1 … fcL, in order.
   *
   * @return an unmodifiable view
   */
  public List<Linear> layers() {
    return Collections.unmodifiableList(layers);
  }

  @Override
  public int[] inputShape() {
    return new int[] {spec.sizes[0]};
  }

  @Override
  public int classes() {
    return spec.sizes[spec.sizes.length - 1];
  }

  @Override
  public Var forward(Var x) { // [N, ...] -> [N, classes]
    Var h = F.reshape(x, x.shape().dim(0), -1); // [N, in]
    for (Module m : sequence) h = run(m, h);
    return h;
  }

  /** The same architecture (with the same dropout settings on a copy of the dropout generator's state). */
  @Override
  protected Module blank() {
    Mlp m = spec.build(0);
    if (dropoutRng != null) {
      Rng r = new Rng(0);
      r.setState(dropoutRng.state());
      m.regularise(inputDropout, hiddenDropout, r);
    }
    return m;
  }
}
