package dev.fivefold.perception;

import dev.fivefold.io.Heap;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.Activation;
import dev.fivefold.nn.Conv2d;
import dev.fivefold.nn.Flatten;
import dev.fivefold.nn.Linear;
import dev.fivefold.nn.Module;
import dev.fivefold.nn.Pool2d;
import dev.fivefold.tensor.Rng;
import java.util.List;

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
 *
 * <p>The one forward runs its layers in order through {@link Module#run} (hooks see each output);
 * with the convolutions and fc layers held as CSR ({@link Conv2d#sparsify}, {@link Linear#sparsify})
 * the same forward runs from the non-zeros on an inference tape.
 */
public final class LeNet5 extends Module implements ImageClassifier {
  /**
   * {@code lenet5} (widths 20-50-500) or {@code lenet5:C1-C2-H}.
   *
   * @param conv1Channels C1 &ge; 1
   * @param conv2Channels C2 &ge; 1
   * @param hidden H &ge; 1
   */
  public record Spec(int conv1Channels, int conv2Channels, int hidden) implements ModelSpec {
    public Spec {
      if (conv1Channels < 1) throw new IllegalArgumentException("conv1Channels (" + conv1Channels + ") must be >= 1");
      if (conv2Channels < 1) throw new IllegalArgumentException("conv2Channels (" + conv2Channels + ") must be >= 1");
      if (hidden < 1) throw new IllegalArgumentException("hidden (" + hidden + ") must be >= 1");
    }

    /** Parses what follows {@code lenet5:} ({@code args} null: Caffe's widths); {@code spec} names the whole string in errors. */
    public static Spec parse(String spec, String args) {
      if (args == null) return new Spec(20, 50, 500);
      String[] w = args.split("-");
      if (w.length != 3) throw new IllegalArgumentException("model spec (" + spec + "): lenet5 widths must be C1-C2-H like lenet5:6-16-100");
      int[] v = new int[3];
      for (int i = 0; i < 3; i++) {
        try {
          v[i] = Integer.parseInt(w[i]);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("model spec (" + spec + "): lenet5 width (" + w[i] + ") is not an integer");
        }
        if (v[i] < 1) throw new IllegalArgumentException("model spec (" + spec + "): lenet5 width (" + v[i] + ") must be >= 1");
      }
      return new Spec(v[0], v[1], v[2]);
    }

    /** Caffe's widths 20, 50, 500? */
    public boolean isStandard() {
      return conv1Channels == 20 && conv2Channels == 50 && hidden == 500;
    }

    /** At least 26·C1 + 25·C1·C2 + 25·C2·H + 95·H (the convolutions, fc1 from the 5×5 maps, fc2 and the head); a lower bound. */
    @Override
    public long parameters() {
      return Heap.plus(Heap.plus(Heap.times(26, conv1Channels), Heap.times(25, conv1Channels, conv2Channels)),
          Heap.plus(Heap.times(25, conv2Channels, hidden), Heap.times(hidden, 95)));
    }

    /** 3·(784·C1 + 100·C2 + H): the feature maps before pooling and fc1's output, three copies each; a lower bound. */
    @Override
    public long activationsPerSample() {
      return Heap.plus(Heap.times(3 * 784, conv1Channels), Heap.plus(Heap.times(3 * 100, conv2Channels), Heap.times(3, hidden)));
    }

    @Override
    public String family() {
      return "lenet5";
    }

    @Override
    public LeNet5 build(long seed) {
      return new LeNet5(conv1Channels, conv2Channels, hidden, seed);
    }

    @Override
    public String toString() {
      return isStandard() ? "lenet5" : "lenet5:" + conv1Channels + "-" + conv2Channels + "-" + hidden;
    }
  }

  private final Spec spec;
  private final Conv2d conv1, conv2;
  private final Module relu1, pool1, relu2, pool2, relu3;
  private final Linear fc1, fc2;
  private final List<Module> head; // after the two conv stages, in order

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
    spec = new Spec(conv1Channels, conv2Channels, hidden);
    Rng rng = new Rng(seed);
    int c1 = conv1Channels, c2 = conv2Channels;
    conv1 = child("conv1", new Conv2d(1, c1, 5, 1, 0, rng)); // [N, C1, 24, 24]
    relu1 = child("relu1", Activation.relu());
    pool1 = child("pool1", Pool2d.max(2)); // [N, C1, 12, 12]
    conv2 = child("conv2", new Conv2d(c1, c2, 5, 1, 0, rng)); // [N, C2, 8, 8]
    relu2 = child("relu2", Activation.relu());
    pool2 = child("pool2", Pool2d.max(2)); // [N, C2, 4, 4]
    Module flatten = child("flatten", new Flatten()); // [N, 16·C2]
    fc1 = child("fc1", new Linear(16 * c2, hidden, rng)); // [N, H]
    relu3 = child("relu3", Activation.relu());
    fc2 = child("fc2", new Linear(hidden, 10, rng)); // [N, 10]
    head = List.of(flatten, fc1, relu3, fc2);
  }

  /** {C1, C2, H}. */
  public int[] widths() {
    return new int[] {spec.conv1Channels(), spec.conv2Channels(), spec.hidden()};
  }

  /** Caffe's widths 20, 50, 500? */
  public boolean isStandard() {
    return spec.isStandard();
  }

  @Override
  public Spec spec() {
    return spec;
  }

  @Override
  public int[] inputShape() {
    return new int[] {1, 28, 28};
  }

  @Override
  public int classes() {
    return 10;
  }

  @Override
  public Var forward(Var x) { // [N, 1, 28, 28] -> [N, 10]
    if (x.shape().rank() != 4 || x.shape().dim(1) != 1 || x.shape().dim(2) != 28 || x.shape().dim(3) != 28) {
      throw new IllegalArgumentException("LeNet5 input must be [N, 1, 28, 28], got " + x.shape());
    }
    Var h = batchInnermost(x);
    if (h != null) return h;
    h = stage(conv1, relu1, pool1, x);
    h = stage(conv2, relu2, pool2, h);
    for (Module m : head) h = run(m, h);
    return h;
  }

  /**
   * The CSR forward kept batch-innermost from the input to the logits, for an inference tape, every
   * weight layer held as CSR, a batch of at least {@link Conv2d#DIRECT_MIN_BATCH} and no hooks (they
   * would see transposed maps): x is transposed once to [1, 28, 28, N]; each conv stage runs fused
   * ({@link Conv2d#reluMaxPool2BatchInnermost}) and hands its pooled [C, H, W, N] map on as is; the
   * pooled [C2, 4, 4, N] is fc1's input as columns [16·C2, N] (the flatten of [N, C2, 4, 4] is the
   * same feature order), fc1's [H, N] goes through ReLU to fc2 ({@link Linear#forwardBatchInnermost}),
   * and only the logits are transposed back to [N, 10]. The same values as the layer-by-layer
   * forward (transposes only copy; flatten is a reshape), without its transposes between layers.
   * Null when it does not apply.
   */
  private Var batchInnermost(Var x) {
    if (x.tape().recording() || hooked() || x.shape().dim(0) < Conv2d.DIRECT_MIN_BATCH) return null;
    if (!conv1.isSparse() || !conv2.isSparse() || !fc1.isSparse() || !fc2.isSparse()) return null;
    Var h = conv1.reluMaxPool2BatchInnermost(x, false); // [C1, 12, 12, N]
    if (h == null) return null;
    h = conv2.reluMaxPool2BatchInnermost(h, true); // [C2, 4, 4, N]
    if (h == null) return null;
    h = relu3.forward(fc1.forwardBatchInnermost(h, true)); // ReLU on [H, N]
    return fc2.forwardBatchInnermost(h, false); // [N, 10]
  }

  /**
   * conv → ReLU → max-pool, each run (and hooked) in turn; a CSR convolution on an inference tape
   * runs the three fused on its batch-innermost output instead ({@link Conv2d#reluMaxPool2}), and
   * hooks then see the stage's output as the pool's.
   */
  private Var stage(Conv2d conv, Module relu, Module pool, Var x) {
    if (conv.isSparse() && !x.tape().recording()) {
      Var fused = conv.reluMaxPool2(x);
      if (fused != null) return runAs(pool, fused);
    }
    return run(pool, run(relu, run(conv, x)));
  }

  @Override
  protected Module blank() {
    return spec.build(0);
  }
}
