package dev.fivefold.perception.explain;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.Activation;
import dev.fivefold.nn.Conv2d;
import dev.fivefold.nn.Flatten;
import dev.fivefold.nn.Linear;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.ImageClassifier;
import dev.fivefold.perception.ModelSpec;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.util.function.LongFunction;

/** Small image classifiers whose maps can be worked out by hand. */
final class TinyModels {
  private TinyModels() {}

  /** A spec that builds with a function (for the sanity check's fresh weights). */
  record Spec(String family, LongFunction<Module> maker) implements ModelSpec {
    @Override
    public Module build(long seed) {
      return maker.apply(seed);
    }

    @Override
    public long parameters() {
      return 0;
    }

    @Override
    public long activationsPerSample() {
      return 0;
    }

    @Override
    public String toString() {
      return family;
    }
  }

  /** [N, 1, 6, 6] → conv 3×3 (2 channels) [N, 2, 4, 4] → ReLU → flatten → Linear(32, 3). */
  static final class Cnn extends Module implements ImageClassifier {
    final Conv2d conv;
    final Module relu, flatten;
    final Linear fc;
    private final long seed;

    Cnn(long seed) {
      this.seed = seed;
      Rng rng = new Rng(seed);
      conv = child("conv", new Conv2d(1, 2, 3, 1, 0, rng));
      relu = child("relu", Activation.relu());
      flatten = child("flatten", new Flatten());
      fc = child("fc", new Linear(32, 3, rng));
    }

    @Override
    public Var forward(Var x) {
      return run(fc, run(flatten, run(relu, run(conv, x))));
    }

    @Override
    public ModelSpec spec() {
      return new Spec("tinycnn", Cnn::new);
    }

    @Override
    public int[] inputShape() {
      return new int[] {1, 6, 6};
    }

    @Override
    public int classes() {
      return 3;
    }

    @Override
    protected Module blank() {
      return new Cnn(seed);
    }
  }

  /**
   * [N, 1, 8, 8] → logits (k·Σ_{region} x − k·threshold·|region|, 0): class 0 when the mean of the
   * region (rows r0..r1, columns c0..c1, inclusive) exceeds the threshold; nothing else matters.
   */
  static final class Region extends Module implements ImageClassifier {
    static final int SIDE = 8;
    final int r0, r1, c0, c1;
    final float k, threshold;

    Region(int r0, int r1, int c0, int c1, float k, float threshold) {
      this.r0 = r0;
      this.r1 = r1;
      this.c0 = c0;
      this.c1 = c1;
      this.k = k;
      this.threshold = threshold;
    }

    boolean inside(int pixel) {
      int r = pixel / SIDE, c = pixel % SIDE;
      return r >= r0 && r <= r1 && c >= c0 && c <= c1;
    }

    int size() {
      return (r1 - r0 + 1) * (c1 - c0 + 1);
    }

    @Override
    public Var forward(Var x) {
      int n = x.shape().dim(0);
      float[] w = new float[2 * SIDE * SIDE];
      for (int p = 0; p < SIDE * SIDE; p++) if (inside(p)) w[p] = k;
      Var wv = x.tape().input(Tensor.of(w, 2, SIDE * SIDE));
      Var b = x.tape().input(Tensor.of(new float[] {-k * threshold * size(), 0f}, 2));
      return F.linear(F.reshape(x, n, SIDE * SIDE), wv, b);
    }

    @Override
    public ModelSpec spec() {
      return new Spec("region", s -> new Region(r0, r1, c0, c1, k, threshold));
    }

    @Override
    public int[] inputShape() {
      return new int[] {1, SIDE, SIDE};
    }

    @Override
    public int classes() {
      return 2;
    }
  }
}
