package dev.fivefold.perception;

import dev.fivefold.io.Heap;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.Activation;
import dev.fivefold.nn.BatchNorm2d;
import dev.fivefold.nn.Conv2d;
import dev.fivefold.nn.LocalResponseNorm;
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
 * <p>Spec {@code norm=lrn|bn} ({@link Norm}) adds a normalisation to each conv stage, for the
 * ablation "LRN vs batch norm vs none"; the default, none, is the net above, bit for bit.
 *
 * <p>The one forward runs its layers in order through {@link Module#run} (hooks see each output);
 * with the convolutions and fc layers held as CSR ({@link Conv2d#sparsify}, {@link Linear#sparsify})
 * the same forward runs from the non-zeros on an inference tape.
 */
public final class LeNet5 extends Module implements ImageClassifier {
  /**
   * The normalisation after each convolution, for the ablation "LRN vs batch norm vs none":
   * {@code none} (Caffe's LeNet-5); {@code lrn}, AlexNet's local response normalisation
   * ({@link LocalResponseNorm#alexNet}: size 5, α 1e-4, β 0.75, k 2 in PyTorch's α/n form) after
   * each conv stage's ReLU, before its pooling (conv → ReLU → LRN → pool, as in AlexNet); {@code bn},
   * batch norm ({@link BatchNorm2d}) between each convolution and its ReLU (conv → BN → ReLU → pool,
   * as in Ioffe &amp; Szegedy 2015).
   */
  public enum Norm {
    /** No normalisation: Caffe's LeNet-5. */
    NONE,
    /** AlexNet's local response normalisation after each conv stage's ReLU. */
    LRN,
    /** Batch norm between each convolution and its ReLU. */
    BN;

    /** By its spec name: none, lrn, bn. */
    static Norm of(String name, String spec) {
      return switch (name) {
        case "none" -> NONE;
        case "lrn" -> LRN;
        case "bn" -> BN;
        default -> throw new IllegalArgumentException("model spec (" + spec + "): norm (" + name + ") must be one of none, lrn, bn");
      };
    }

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * {@code lenet5} (widths 20-50-500), {@code lenet5:C1-C2-H}, and either with {@code norm=lrn|bn|none}:
   * {@code lenet5:norm=bn}, {@code lenet5:6-16-100,norm=lrn}.
   *
   * @param conv1Channels C1 &ge; 1
   * @param conv2Channels C2 &ge; 1
   * @param hidden H &ge; 1
   * @param norm the normalisation after each convolution (not null)
   */
  public record Spec(int conv1Channels, int conv2Channels, int hidden, Norm norm) implements ModelSpec {
    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if a width is below 1 or {@code norm} is null
     */
    public Spec {
      if (conv1Channels < 1) throw new IllegalArgumentException("conv1Channels (" + conv1Channels + ") must be >= 1");
      if (conv2Channels < 1) throw new IllegalArgumentException("conv2Channels (" + conv2Channels + ") must be >= 1");
      if (hidden < 1) throw new IllegalArgumentException("hidden (" + hidden + ") must be >= 1");
      if (norm == null) throw new IllegalArgumentException("norm (null) must be given");
    }

    /**
     * Without normalisation.
     *
     * @param conv1Channels C1 &ge; 1
     * @param conv2Channels C2 &ge; 1
     * @param hidden H &ge; 1
     */
    public Spec(int conv1Channels, int conv2Channels, int hidden) {
      this(conv1Channels, conv2Channels, hidden, Norm.NONE);
    }

    /**
     * Parses what follows {@code lenet5:} ({@code args} null: Caffe's widths): optional widths
     * C1-C2-H first, then optional {@code key=value} pairs (the one key: norm); {@code spec} names
     * the whole string in errors.
     *
     * @param spec the whole spec string, for messages
     * @param args what follows {@code lenet5:}, or null for 20-50-500
     * @return the architecture
     * @throws IllegalArgumentException if the widths or the norm key do not parse
     */
    public static Spec parse(String spec, String args) {
      if (args == null) return new Spec(20, 50, 500);
      String[] parts = args.split(",", -1);
      int first = 0;
      int[] v = {20, 50, 500};
      if (!parts[0].contains("=")) {
        String[] w = parts[0].split("-");
        if (w.length != 3) throw new IllegalArgumentException("model spec (" + spec + "): lenet5 widths must be C1-C2-H like lenet5:6-16-100");
        for (int i = 0; i < 3; i++) {
          try {
            v[i] = Integer.parseInt(w[i]);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("model spec (" + spec + "): lenet5 width (" + w[i] + ") is not an integer");
          }
          if (v[i] < 1) throw new IllegalArgumentException("model spec (" + spec + "): lenet5 width (" + v[i] + ") must be >= 1");
        }
        first = 1;
      }
      String rest = String.join(",", java.util.Arrays.copyOfRange(parts, first, parts.length));
      java.util.Map<String, String> kv = KeyValueSpec.pairs(spec, rest, "lenet5", List.of("norm"));
      return new Spec(v[0], v[1], v[2], Norm.of(kv.getOrDefault("norm", "none"), spec));
    }

    /**
     * Caffe's widths 20, 50, 500? (With any normalisation.)
     *
     * @return true for widths 20, 50, 500
     */
    public boolean isStandard() {
      return conv1Channels == 20 && conv2Channels == 50 && hidden == 500;
    }

    /**
     * At least 26·C1 + 25·C1·C2 + 25·C2·H + 95·H (the convolutions, fc1 from the 5×5 maps, fc2 and
     * the head), + 2·(C1 + C2) with batch norm; a lower bound.
     */
    @Override
    public long parameters() {
      long p = Heap.plus(Heap.plus(Heap.times(26, conv1Channels), Heap.times(25, conv1Channels, conv2Channels)),
          Heap.plus(Heap.times(25, conv2Channels, hidden), Heap.times(hidden, 95)));
      return norm == Norm.BN ? Heap.plus(p, Heap.times(2, (long) conv1Channels + conv2Channels)) : p;
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
      return new LeNet5(this, seed);
    }

    /** {@code lenet5}, {@code lenet5:C1-C2-H}, with {@code norm=…} after a colon or comma unless none. */
    @Override
    public String toString() {
      String widths = isStandard() ? "" : conv1Channels + "-" + conv2Channels + "-" + hidden;
      String n = norm == Norm.NONE ? "" : "norm=" + norm;
      if (widths.isEmpty() && n.isEmpty()) return "lenet5";
      return "lenet5:" + widths + (widths.isEmpty() || n.isEmpty() ? "" : ",") + n;
    }
  }

  private final Spec spec;
  private final Conv2d conv1, conv2;
  private final Module relu1, pool1, relu2, pool2, relu3;
  private final Module norm1, norm2; // null without normalisation
  private final Linear fc1, fc2;
  private final List<Module> head; // after the two conv stages, in order

  /**
   * Caffe's LeNet-5: widths 20, 50, 500.
   *
   * @param seed the weights' seed
   */
  public LeNet5(long seed) {
    this(20, 50, 500, seed);
  }

  /**
   * A LeNet-5 of the given widths without normalisation.
   *
   * @param conv1Channels C1 &ge; 1
   * @param conv2Channels C2 &ge; 1
   * @param hidden H &ge; 1
   * @param seed the weights' seed
   */
  public LeNet5(int conv1Channels, int conv2Channels, int hidden, long seed) {
    this(new Spec(conv1Channels, conv2Channels, hidden), seed);
  }

  /**
   * The architecture {@code spec} names; the normalisation layers draw nothing from the generator, so weights are those of the plain net.
   *
   * @param spec the architecture
   * @param seed the weights' seed
   */
  public LeNet5(Spec spec, long seed) {
    this.spec = spec;
    Rng rng = new Rng(seed);
    int c1 = spec.conv1Channels(), c2 = spec.conv2Channels(), hidden = spec.hidden();
    Norm norm = spec.norm();
    conv1 = child("conv1", new Conv2d(1, c1, 5, 1, 0, rng)); // [N, C1, 24, 24]
    Module n1 = norm == Norm.BN ? child("bn1", new BatchNorm2d(c1)) : null;
    relu1 = child("relu1", Activation.relu());
    Module lrn1 = norm == Norm.LRN ? child("lrn1", LocalResponseNorm.alexNet()) : null;
    norm1 = n1 != null ? n1 : lrn1;
    pool1 = child("pool1", Pool2d.max(2)); // [N, C1, 12, 12]
    conv2 = child("conv2", new Conv2d(c1, c2, 5, 1, 0, rng)); // [N, C2, 8, 8]
    Module n2 = norm == Norm.BN ? child("bn2", new BatchNorm2d(c2)) : null;
    relu2 = child("relu2", Activation.relu());
    Module lrn2 = norm == Norm.LRN ? child("lrn2", LocalResponseNorm.alexNet()) : null;
    norm2 = n2 != null ? n2 : lrn2;
    pool2 = child("pool2", Pool2d.max(2)); // [N, C2, 4, 4]
    Module flatten = child("flatten", new Flatten()); // [N, 16·C2]
    fc1 = child("fc1", new Linear(16 * c2, hidden, rng)); // [N, H]
    relu3 = child("relu3", Activation.relu());
    fc2 = child("fc2", new Linear(hidden, 10, rng)); // [N, 10]
    head = List.of(flatten, fc1, relu3, fc2);
  }

  /**
   * {C1, C2, H}.
   *
   * @return a fresh array {C1, C2, H}
   */
  public int[] widths() {
    return new int[] {spec.conv1Channels(), spec.conv2Channels(), spec.hidden()};
  }

  /**
   * Caffe's widths 20, 50, 500?
   *
   * @return true for widths 20, 50, 500
   */
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
    h = stage(conv1, norm1, relu1, pool1, x);
    h = stage(conv2, norm2, relu2, pool2, h);
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
    if (!conv1.isSparse() || !conv2.isSparse() || !fc1.isSparse() || !fc2.isSparse() || spec.norm() != Norm.NONE) return null;
    Var h = conv1.reluMaxPool2BatchInnermost(x, false); // [C1, 12, 12, N]
    if (h == null) return null;
    h = conv2.reluMaxPool2BatchInnermost(h, true); // [C2, 4, 4, N]
    if (h == null) return null;
    h = relu3.forward(fc1.forwardBatchInnermost(h, true)); // ReLU on [H, N]
    return fc2.forwardBatchInnermost(h, false); // [N, 10]
  }

  /**
   * conv → ReLU → max-pool, each run (and hooked) in turn, with the normalisation {@code norm} (if
   * not null) before the ReLU (batch norm) or after it (LRN); without normalisation a CSR
   * convolution on an inference tape runs the three fused on its batch-innermost output instead
   * ({@link Conv2d#reluMaxPool2}), and hooks then see the stage's output as the pool's.
   */
  private Var stage(Conv2d conv, Module norm, Module relu, Module pool, Var x) {
    if (norm == null && conv.isSparse() && !x.tape().recording()) {
      Var fused = conv.reluMaxPool2(x);
      if (fused != null) return runAs(pool, fused);
    }
    Var h = run(conv, x);
    if (spec.norm() == Norm.BN) h = run(norm, h);
    h = run(relu, h);
    if (spec.norm() == Norm.LRN) h = run(norm, h);
    return run(pool, h);
  }

  @Override
  protected Module blank() {
    return spec.build(0);
  }
}
