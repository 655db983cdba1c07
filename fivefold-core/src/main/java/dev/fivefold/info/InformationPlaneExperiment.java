package dev.fivefold.info;

import dev.fivefold.data.Dataset;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Mlp;
import dev.fivefold.tensor.Rng;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.Trainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The information plane of Shwartz-Ziv &amp; Tishby (2017) as one experiment ({@code fivefold
 * infoplane}): their 12-10-7-5-4-3-2 network ({@link Mlp#shwartzZivTishby}) trained on a random
 * {@code trainFraction} of the 4096 12-bit inputs of {@link SyntheticBits} (Adam, shuffled
 * mini-batches), with {@link InformationPlane} measuring I(X;T), I(T;Y) of every layer on all 4096
 * inputs at about {@code points} log-spaced epochs; repeated for seeds {@code seed .. seed+seeds-1}
 * (each seed draws the split, the initialisation and the batch order) and averaged.
 */
public final class InformationPlaneExperiment {
  private InformationPlaneExperiment() {}

  /**
   * The network, the estimator, the training and the runs.
   *
   * @param activation tanh or relu
   * @param estimator BIN or KDE
   * @param epochs training epochs, &ge; 1 (the paper: 8000; command default 1000)
   * @param seeds runs, &ge; 1
   * @param points log-spaced epochs measured, &ge; 1
   * @param bins bins per unit for BIN, &ge; 2 (30)
   * @param noise noise variance σ² for KDE, &gt; 0 (0.1)
   * @param lr Adam's learning rate, &gt; 0
   * @param batch mini-batch size, &ge; 1
   * @param trainFraction in (0, 1] (0.85, as the paper)
   * @param seed the first run's seed
   */
  public record Config(String activation, InformationPlane.Estimator estimator, int epochs, int seeds, int points, int bins, double noise,
      double lr, int batch, double trainFraction, long seed) {
    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if a component is null or out of range
     */
    public Config {
      if (!"tanh".equals(activation) && !"relu".equals(activation)) throw new IllegalArgumentException("activation (" + activation + ") must be tanh or relu");
      if (estimator == null) throw new IllegalArgumentException("estimator must not be null");
      if (epochs < 1) throw new IllegalArgumentException("epochs (" + epochs + ") must be >= 1");
      if (seeds < 1) throw new IllegalArgumentException("seeds (" + seeds + ") must be >= 1");
      if (points < 1) throw new IllegalArgumentException("points (" + points + ") must be >= 1");
      if (bins < 2) throw new IllegalArgumentException("bins (" + bins + ") must be >= 2");
      if (!(noise > 0)) throw new IllegalArgumentException("noise (" + noise + ") must be > 0");
      if (!(lr > 0)) throw new IllegalArgumentException("lr (" + lr + ") must be > 0");
      if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
      if (!(trainFraction > 0 && trainFraction <= 1)) throw new IllegalArgumentException("trainFraction (" + trainFraction + ") must be in (0, 1]");
    }
  }

  /**
   * One seed's run: its points, the held-out accuracy at the end, seconds of training.
   *
   * @param seed the run's seed
   * @param points its information-plane points
   * @param accuracy held-out accuracy at the end, in [0, 1]
   * @param seconds wall time of training (measurements included), seconds
   */
  public record Run(long seed, List<InformationPlane.Point> points, double accuracy, double seconds) {}

  /**
   * Every run and the mean of their points ({@link InformationPlane#average}).
   *
   * @param runs one run per seed
   * @param mean the mean of the runs' points
   */
  public record Result(List<Run> runs, List<InformationPlane.Point> mean) {}

  /**
   * Trains and measures every seed's network and averages their points.
   *
   * @param c the experiment
   * @param log receives one line per run
   * @return the runs and their mean
   */
  public static Result run(Config c, Consumer<String> log) {
    Dataset all = SyntheticBits.dataset();
    int[] at = InformationPlane.logSpacedEpochs(c.epochs(), c.points());
    List<Run> runs = new ArrayList<>();
    for (int s = 0; s < c.seeds(); s++) {
      long seed = c.seed() + s;
      int[] idx = new int[all.size()];
      Arrays.setAll(idx, i -> i);
      new Rng(seed).shuffle(idx);
      int nTrain = Math.max(1, (int) Math.round(c.trainFraction() * all.size()));
      Dataset train = all.subset(Arrays.copyOf(idx, nTrain));
      Dataset test = all.subset(Arrays.copyOfRange(idx, nTrain == all.size() ? 0 : nTrain, all.size()));
      Mlp net = Mlp.shwartzZivTishby(c.activation(), seed);
      InformationPlane plane = new InformationPlane(net, all.x(), all.y(), c.estimator(), c.bins(), c.noise(), at);
      long t0 = System.nanoTime();
      Map<String, Double> e = new Trainer(new ClassificationTask(net, train, test, c.batch(), seed), Optimizers.adam(net.parameters(), c.lr()),
          new TrainConfig(c.epochs(), 0, 0, Long.MAX_VALUE)).observe(plane).fit();
      double seconds = (System.nanoTime() - t0) / 1e9;
      log.accept(String.format(Locale.ROOT, "seed %d: %d epochs in %.1f s, held-out accuracy %.3f", seed, c.epochs(), seconds, e.get("accuracy")));
      runs.add(new Run(seed, plane.points(), e.get("accuracy"), seconds));
    }
    return new Result(runs, InformationPlane.average(runs.stream().map(Run::points).toList()));
  }
}
