package dev.fivefold.info;

import dev.fivefold.data.Dataset;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.VibClassifier;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A β sweep of the Deep Variational Information Bottleneck (Alemi et al. 2017) as one experiment
 * ({@code fivefold vib}): the in-H-VIB(K)-classes {@link VibClassifier} trained with CE + β·R for
 * each β, and first the same network without the bottleneck; each from {@code seed} (weights and
 * batch order), Adam at {@code lr}, on the first {@code trainSamples} training images.
 */
public final class VibExperiment {
  private VibExperiment() {}

  /**
   * The sweep and the training of each model.
   *
   * @param betas each &gt; 0, at least one (command default 1e-4, 1e-3, 1e-2, 1e-1)
   * @param epochs training epochs per model, &ge; 1
   * @param hidden encoder hidden units H &ge; 1 (the paper: 1024, 1024; default 256)
   * @param k bottleneck units K &ge; 1 (default 64)
   * @param trainSamples first N training images used, &ge; 1 (default 20,000)
   * @param batch mini-batch size, &ge; 1
   * @param lr Adam's learning rate, &gt; 0
   * @param seed the weights' and the batch order's seed
   */
  public record Config(List<Double> betas, int epochs, int hidden, int k, int trainSamples, int batch, double lr, long seed) {
    /**
     * Copies {@code betas} and validates every component.
     *
     * @throws IllegalArgumentException if {@code betas} is empty or has a value not &gt; 0, or another
     *     component is out
     *     of range
     */
    public Config {
      betas = List.copyOf(betas);
      if (betas.isEmpty()) throw new IllegalArgumentException("betas must list at least one value");
      for (double b : betas) if (!(b > 0)) throw new IllegalArgumentException("beta (" + b + ") must be > 0");
      if (epochs < 1) throw new IllegalArgumentException("epochs (" + epochs + ") must be >= 1");
      if (hidden < 1) throw new IllegalArgumentException("hidden (" + hidden + ") must be >= 1");
      if (k < 1) throw new IllegalArgumentException("k (" + k + ") must be >= 1");
      if (trainSamples < 1) throw new IllegalArgumentException("trainSamples (" + trainSamples + ") must be >= 1");
      if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
      if (!(lr > 0)) throw new IllegalArgumentException("lr (" + lr + ") must be > 0");
    }
  }

  /**
   * One model: its name, β (NaN without a bottleneck), test error, rate in bits, seconds.
   *
   * @param name {@code "no bottleneck"} or {@code "VIB"}
   * @param beta β, or NaN without a bottleneck
   * @param error test error, in [0, 1]
   * @param rateBits mean rate over the test set, bits (0 without a bottleneck)
   * @param seconds wall time of training and evaluation, seconds
   */
  public record Row(String name, double beta, double error, double rateBits, double seconds) {}

  /**
   * The rows: the network without a bottleneck first, then one per β.
   *
   * @param c the sweep
   * @param train the training set (its first {@code trainSamples} images are used)
   * @param test the test set
   * @param log receives one line per model
   * @return 1 + |betas| rows
   */
  public static List<Row> run(Config c, Dataset train, Dataset test, Consumer<String> log) {
    Dataset used = train.take(c.trainSamples());
    List<Row> rows = new ArrayList<>();
    rows.add(model(c, "no bottleneck", Double.NaN, false, used, test, log));
    for (double b : c.betas()) rows.add(model(c, "VIB", b, true, used, test, log));
    return rows;
  }

  private static Row model(Config c, String name, double beta, boolean bottleneck, Dataset train, Dataset test, Consumer<String> log) {
    long t0 = System.nanoTime();
    VibClassifier m = new VibClassifier(train.features(), c.hidden(), c.k(), train.classes(), bottleneck, c.seed());
    VibTask task = new VibTask(m, train, test, c.batch(), bottleneck ? beta : 0, c.seed());
    Map<String, Double> e = new Trainer(task, Optimizers.adam(m.parameters(), c.lr()), new TrainConfig(c.epochs(), 0, 0, Long.MAX_VALUE)).fit();
    double s = (System.nanoTime() - t0) / 1e9;
    log.accept(String.format(Locale.ROOT, "%s%s: test error %.4f, rate %.2f bits (%.1f s)", name, bottleneck ? " beta=" + beta : "", 1 - e.get("accuracy"),
        e.get("rate_bits"), s));
    return new Row(name, beta, 1 - e.get("accuracy"), e.get("rate_bits"), s);
  }
}
