package dev.fivefold.info;

import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.Trainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Description length of a labelled dataset under a model family, in bits (Blier &amp; Ollivier 2018,
 * "The description length of deep learning models", NeurIPS, section 2).
 *
 * <p><b>Prequential (online) code</b>, section 2.4: the labels are sent in blocks that end at
 * {@code t_1 < t_2 < ... < t_S = N} ({@code t_1 = first}, then doubling). Block 1 is sent with the
 * uniform code, {@code t_1 · log2 C} bits; block k+1 ({@code (t_k, t_{k+1}]}) is sent with the
 * predictive distribution of a model trained <em>from scratch</em> on the first {@code t_k} samples:
 * {@code Σ −log2 p(y_i | x_i)}. The receiver can rerun the same deterministic training, so no model
 * bits are sent. The inputs x are assumed known to both sides.
 *
 * <p><b>Two-part code</b>, section 2.2: the model's parameters at {@code bitsPerWeight} bits each
 * (or any model size the caller measured, e.g. a compressed archive) plus {@code Σ −log2 p(y|x)}
 * under the model trained on all N samples.
 *
 * <p>Both are compared with the uniform code {@code N · log2 C}. The dataset is used in its given
 * order; shuffle it first if it is sorted by class.
 */
public final class Prequential {
  private Prequential() {}

  /**
   * Training of each block's model: Adam at {@code lr}, {@code epochs} passes with mini-batches of
   * {@code batch}, seeds derived from {@code seed}; blocks start at {@code first} samples and double.
   */
  public record Config(int first, int epochs, int batch, double lr, long seed) {
    public Config {
      if (first < 1) throw new IllegalArgumentException("first (" + first + ") must be >= 1");
      if (epochs < 1) throw new IllegalArgumentException("epochs (" + epochs + ") must be >= 1");
      if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
      if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("lr (" + lr + ") must be > 0");
    }
  }

  /**
   * A prequential code: block ends {@code t_1..t_S}, bits of each block (block 0 uniform), their
   * sum, and the uniform code of all N labels for comparison.
   */
  public record Code(int[] ends, double[] blockBits, double totalBits, double uniformBits) {
    /** Bits per label. */
    public double bitsPerSample() {
      return totalBits / ends[ends.length - 1];
    }
  }

  /** A two-part code: model bits plus data bits under the trained model. */
  public record TwoPart(long parameters, double modelBits, double dataBits) {
    public double totalBits() {
      return modelBits + dataBits;
    }
  }

  /** Block ends {@code first, 2·first, 4·first, ..., n} (the last may be shorter). */
  public static int[] blockEnds(int first, int n) {
    if (first < 1 || n < 1) throw new IllegalArgumentException("first (" + first + ") and n (" + n + ") must be >= 1");
    List<Integer> ends = new ArrayList<>();
    for (long t = first; t < n; t *= 2) ends.add((int) t);
    ends.add(n);
    return ends.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * The prequential code length of {@code data} under the models {@code factory.apply(seed)} makes.
   *
   * @throws IllegalArgumentException if data is empty
   */
  public static Code code(Dataset data, LongFunction<Module> factory, Config cfg) {
    int n = data.size();
    if (n == 0) throw new IllegalArgumentException("data (0 samples) must not be empty");
    int[] ends = blockEnds(Math.min(cfg.first(), n), n);
    double[] bits = new double[ends.length];
    double log2c = Math.log(data.classes()) / Math.log(2);
    bits[0] = ends[0] * log2c;
    for (int k = 1; k < ends.length; k++) {
      Module m = train(range(data, 0, ends[k - 1]), factory, cfg, cfg.seed() + k);
      bits[k] = dataBits(m, range(data, ends[k - 1], ends[k]));
    }
    return new Code(ends, bits, Arrays.stream(bits).sum(), n * log2c);
  }

  /** Two-part code with {@code bitsPerWeight} bits per parameter and the model trained on all of data. */
  public static TwoPart twoPart(Dataset data, LongFunction<Module> factory, Config cfg, double bitsPerWeight) {
    if (!(bitsPerWeight >= 0) || Double.isInfinite(bitsPerWeight)) throw new IllegalArgumentException("bitsPerWeight (" + bitsPerWeight + ") must be finite and >= 0");
    Module m = train(data, factory, cfg, cfg.seed());
    return new TwoPart(m.parameterCount(), m.parameterCount() * bitsPerWeight, dataBits(m, data));
  }

  /** {@code Σ −log2 p(y_i|x_i)} over data under model (eval mode). */
  public static double dataBits(Module model, Dataset data) {
    if (data.size() == 0) return 0;
    return ClassificationTask.evaluate(model, data, 500).get("loss") * data.size() / Math.log(2);
  }

  /** A fresh model from factory trained on data as cfg says. */
  public static Module train(Dataset data, LongFunction<Module> factory, Config cfg, long seed) {
    Module m = factory.apply(seed);
    ClassificationTask task = new ClassificationTask(m, data, data.take(0), Math.min(cfg.batch(), data.size()), seed);
    new Trainer(task, Optimizers.adam(m.parameters(), cfg.lr()), new TrainConfig(cfg.epochs(), 0, 0, Long.MAX_VALUE)).fit();
    m.eval();
    return m;
  }

  private static Dataset range(Dataset d, int from, int to) {
    int[] idx = new int[to - from];
    Arrays.setAll(idx, i -> from + i);
    return d.subset(idx);
  }
}
