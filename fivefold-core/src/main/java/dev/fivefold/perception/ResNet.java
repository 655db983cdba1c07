package dev.fivefold.perception;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.io.Heap;
import dev.fivefold.nn.BatchNorm2d;
import dev.fivefold.nn.Conv2d;
import dev.fivefold.nn.GlobalAvgPool2d;
import dev.fivefold.nn.Linear;
import dev.fivefold.nn.Module;
import dev.fivefold.nn.ResidualBlock;
import dev.fivefold.nn.Sequential;
import dev.fivefold.tensor.Rng;
import java.util.List;
import java.util.Map;

/**
 * A small residual network (He et al. 2016, the CIFAR variant of §4.2) for 28×28×1 images such as
 * Fashion-MNIST: a 3×3 stem convolution to W channels with batch norm and ReLU, then S stages of B
 * {@link ResidualBlock}s each, the channels doubling and the maps halving (stride 2 in the first
 * block) from the second stage on (28 → 14 → 7 → 4), global average pooling and a linear head to
 * 10 classes. Names follow torchvision ({@code conv1, bn1, layer1.0.conv1, …, fc}).
 *
 * <p>Spec {@code resnet:width=W,blocks=B,stages=S}, every key optional; the default
 * {@code resnet} is {@code resnet:width=32,blocks=1,stages=3} (see {@link Spec#standard}).
 * Input [N, 1, 28, 28] (or [N, 784]); output logits [N, 10]. Batch norm makes the forward depend
 * on the train/eval mode ({@link Module#train}, {@link Module#eval}); the running statistics are
 * saved with the weights.
 */
public final class ResNet extends Module implements ImageClassifier {
  /** The image side this family takes. */
  public static final int SIDE = 28;

  /**
   * A ResNet's shape.
   *
   * @param width W &ge; 1, the stem's and first stage's channels (stage i has W·2^i)
   * @param blocks B &ge; 1 residual blocks per stage
   * @param stages S in [1, 4]
   */
  public record Spec(int width, int blocks, int stages) implements ModelSpec {
    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if a component is out of range
     */
    public Spec {
      if (width < 1) throw new IllegalArgumentException("width (" + width + ") must be >= 1");
      if (blocks < 1) throw new IllegalArgumentException("blocks (" + blocks + ") must be >= 1");
      if (stages < 1 || stages > 4) throw new IllegalArgumentException("stages (" + stages + ") must be in [1, 4]");
      if ((long) width << (stages - 1) > 1 << 20) throw new IllegalArgumentException("width (" + width + ") · 2^(stages − 1) must be <= 2^20");
    }

    /**
     * The default, {@code resnet:width=32,blocks=1,stages=3}.
     *
     * @return W = 32, B = 1, S = 3
     */
    public static Spec standard() {
      return new Spec(32, 1, 3);
    }

    /**
     * Parses what follows {@code resnet:} (key=value pairs; null or empty: the defaults); {@code spec} names the whole string in errors.
     *
     * @param spec the whole spec string, for messages
     * @param args the key=value pairs after {@code resnet:}, or null
     * @return the architecture
     * @throws IllegalArgumentException if a key is unknown or a value is invalid
     */
    public static Spec parse(String spec, String args) {
      Map<String, String> kv = KeyValueSpec.pairs(spec, args, "resnet", List.of("width", "blocks", "stages"));
      Spec d = standard();
      try {
        return new Spec(KeyValueSpec.intOf(kv, "width", d.width(), spec), KeyValueSpec.intOf(kv, "blocks", d.blocks(), spec),
            KeyValueSpec.intOf(kv, "stages", d.stages(), spec));
      } catch (IllegalArgumentException e) {
        if (e.getMessage().startsWith("model spec")) throw e;
        throw new IllegalArgumentException("model spec (" + spec + "): " + e.getMessage());
      }
    }

    /**
     * Channels of stage i (0-based): W·2^i.
     *
     * @param stage the stage i, 0-based
     * @return W·2^i
     */
    public int channels(int stage) {
      return width << stage;
    }

    /**
     * Side of stage i's maps: 28, 14, 7, 4.
     *
     * @param stage the stage i, 0-based
     * @return the side after i stride-2 stages, {@code ⌈side/2⌉} each time
     */
    public static int side(int stage) {
      int s = SIDE;
      for (int i = 0; i < stage; i++) s = (s - 1) / 2 + 1;
      return s;
    }

    /**
     * Exactly: stem 9W + W + 2W; per block conv1 9·in·out + out, conv2 9·out² + out, two batch
     * norms 4·out, and a projection in·out + out + 2·out where the shape changes; head 10·C + 10.
     */
    @Override
    public long parameters() {
      long p = Heap.times(12, width);
      for (int s = 0; s < stages; s++) {
        long out = channels(s);
        for (int b = 0; b < blocks; b++) {
          long in = b == 0 && s > 0 ? channels(s - 1) : out;
          long blk = Heap.plus(Heap.plus(Heap.times(9, in, out), Heap.times(9, out, out)), Heap.times(6, out));
          if (in != out) blk = Heap.plus(blk, Heap.plus(Heap.times(in, out), Heap.times(3, out)));
          p = Heap.plus(p, blk);
        }
      }
      return Heap.plus(p, Heap.plus(Heap.times(10, channels(stages - 1)), 10));
    }

    /**
     * 3·W·28² for the stem, 7·C·side² per block (two convolutions, two batch norms, the ReLUs and
     * the sum), plus the im2col matrix of each 3×3 convolution (9·C·side² each, the larger part: an
     * evaluation batch of 1000 needs about 8 GB with them); it leaves out the shortcut.
     */
    @Override
    public long activationsPerSample() {
      long a = Heap.plus(Heap.times(3, width, SIDE * SIDE), Heap.times(9, SIDE * SIDE));
      for (int s = 0; s < stages; s++) a = Heap.plus(a, Heap.times((7L + 18) * blocks, channels(s), (long) side(s) * side(s)));
      return a;
    }

    @Override
    public String family() {
      return "resnet";
    }

    @Override
    public ResNet build(long seed) {
      return new ResNet(this, seed);
    }

    /** The spec string, every field spelled out. */
    @Override
    public String toString() {
      return "resnet:width=" + width + ",blocks=" + blocks + ",stages=" + stages;
    }
  }

  private final Spec spec;
  private final Conv2d conv1;
  private final BatchNorm2d bn1;
  private final Sequential[] layers;
  private final GlobalAvgPool2d pool;
  private final Linear fc;

  /**
   * A ResNet of shape {@code spec}, weights drawn from {@code new Rng(seed)}.
   *
   * @param spec the architecture
   * @param seed the weights' seed
   */
  public ResNet(Spec spec, long seed) {
    this.spec = spec;
    Rng rng = new Rng(seed);
    conv1 = child("conv1", new Conv2d(1, spec.width(), 3, 1, 1, rng)); // [N, W, 28, 28]
    bn1 = child("bn1", new BatchNorm2d(spec.width()));
    layers = new Sequential[spec.stages()];
    for (int s = 0; s < spec.stages(); s++) {
      Sequential stage = new Sequential();
      int out = spec.channels(s);
      for (int b = 0; b < spec.blocks(); b++) {
        boolean first = b == 0 && s > 0;
        stage.add(String.valueOf(b), new ResidualBlock(first ? spec.channels(s - 1) : out, out, first ? 2 : 1, rng)); // [N, W·2^s, side(s), side(s)]
      }
      layers[s] = child("layer" + (s + 1), stage);
    }
    pool = child("pool", new GlobalAvgPool2d()); // [N, C]
    fc = child("fc", new Linear(spec.channels(spec.stages() - 1), 10, rng)); // [N, 10]
  }

  @Override
  public Spec spec() {
    return spec;
  }

  @Override
  public int[] inputShape() {
    return new int[] {1, SIDE, SIDE};
  }

  @Override
  public int classes() {
    return 10;
  }

  @Override
  public Var forward(Var x) { // [N, 1, 28, 28] or [N, 784] -> [N, 10]
    var s = x.shape();
    if (s.size() == 0 || s.dim(0) * SIDE * SIDE != s.size() || (s.rank() != 2 && s.rank() != 4)) {
      throw new IllegalArgumentException("ResNet input must be [N, 1, 28, 28], got " + s);
    }
    Var h = s.rank() == 2 ? F.reshape(x, s.dim(0), 1, SIDE, SIDE) : x;
    h = F.relu(run(bn1, run(conv1, h)));
    for (Sequential stage : layers) h = run(stage, h);
    return run(fc, run(pool, h));
  }

  @Override
  protected Module blank() {
    return spec.build(0);
  }
}
