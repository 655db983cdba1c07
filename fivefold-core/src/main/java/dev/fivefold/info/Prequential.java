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
   *
   * @param first t_1, the samples in the first (uniformly coded) block, &ge; 1
   * @param epochs passes over each block's training prefix, &ge; 1
   * @param batch mini-batch size, &ge; 1 (capped at the prefix's size)
   * @param lr Adam's learning rate, &gt; 0
   * @param seed the base seed; block k's model is trained with {@code seed + k}
   */
  public record Config(int first, int epochs, int batch, double lr, long seed) {
    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if {@code first}, {@code epochs} or {@code batch} is below 1, or {@code
     *     lr} is not
     *     a finite positive number
     */
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
   *
   * @param ends the block ends t_1 &lt; ... &lt; t_S = N
   * @param blockBits the bits of each block, block 0 under the uniform code
   * @param totalBits the prequential code length, the sum of {@code blockBits}
   * @param uniformBits {@code N · log2 C}, the uniform code of all labels
   */
  public record Code(int[] ends, double[] blockBits, double totalBits, double uniformBits) {
    /**
     * Bits per label.
     *
     * @return {@code totalBits / N}
     */
    public double bitsPerSample() {
      return totalBits / ends[ends.length - 1];
    }
  }

  /**
   * A two-part code: model bits plus data bits under the trained model.
   *
   * @param parameters the model's parameter count
   * @param modelBits the bits to send the model
   * @param dataBits {@code Σ −log2 p(y|x)} of all N labels under the trained model
   */
  public record TwoPart(long parameters, double modelBits, double dataBits) {
    /**
     * The two-part code length.
     *
     * @return {@code modelBits + dataBits}
     */
    public double totalBits() {
      return modelBits + dataBits;
    }
  }

  /**
   * Block ends {@code first, 2·first, 4·first, ..., n} (the last may be shorter).
   *
   * @param first t_1, &ge; 1
   * @param n N, &ge; 1
   * @return the ascending ends, the last equal to {@code n}
   * @throws IllegalArgumentException if {@code first} or {@code n} is below 1
   */
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
   * @param data the labelled samples, in sending order
   * @param factory makes a fresh model from a seed
   * @param cfg the block sizes and the training of each block's model
   * @return the block ends, per-block bits and totals
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

  /**
   * Two-part code with {@code bitsPerWeight} bits per parameter and the model trained on all of data.
   *
   * @param data the labelled samples
   * @param factory makes a fresh model from a seed
   * @param cfg the training (its {@code first} is not used)
   * @param bitsPerWeight bits per parameter, finite and &ge; 0
   * @return the model bits, data bits and parameter count
   * @throws IllegalArgumentException if {@code bitsPerWeight} is negative or not finite
   */
  public static TwoPart twoPart(Dataset data, LongFunction<Module> factory, Config cfg, double bitsPerWeight) {
    if (!(bitsPerWeight >= 0) || Double.isInfinite(bitsPerWeight)) throw new IllegalArgumentException("bitsPerWeight (" + bitsPerWeight + ") must be finite and >= 0");
    Module m = train(data, factory, cfg, cfg.seed());
    return new TwoPart(m.parameterCount(), m.parameterCount() * bitsPerWeight, dataBits(m, data));
  }

  /**
   * {@code Σ −log2 p(y_i|x_i)} over data under model (eval mode).
   *
   * @param model the classifier, in evaluation mode
   * @param data the labelled samples (empty: 0 bits)
   * @return the code length of the labels, bits
   */
  public static double dataBits(Module model, Dataset data) {
    if (data.size() == 0) return 0;
    return ClassificationTask.evaluate(model, data, 500).get("loss") * data.size() / Math.log(2);
  }

  /**
   * A fresh model from factory trained on data as cfg says.
   *
   * @param data the training samples
   * @param factory makes a fresh model from a seed
   * @param cfg the epochs, batch size and learning rate (Adam)
   * @param seed the model's and the batches' seed
   * @return the trained model, in evaluation mode
   */
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
