package dev.fivefold.info;

import dev.fivefold.data.Dataset;
import dev.fivefold.info.NeuronScores.Criterion;
import dev.fivefold.perception.Mlp;
import dev.fivefold.tensor.Rng;
import dev.fivefold.train.ClassificationTask;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Information-guided structured pruning as one experiment ({@code fivefold infoprune}): the hidden
 * units of a trained {@link Mlp} are scored by every {@link Criterion} ({@link NeuronScores}) on a
 * random subset of {@code samples} training images (drawn from {@code seed}), and for each
 * fraction the lowest-scored units of every hidden layer are removed (no retraining) and the test
 * accuracy measured.
 */
public final class InfoPruneExperiment {
  private InfoPruneExperiment() {}

  /**
   * What to prune and how units are scored.
   *
   * @param fractions of each hidden layer's units removed, each in [0, 1), at least one
   * @param bins equal-width bins over each unit's observed range, &ge; 2 (default 30)
   * @param samples training images whose activations are scored, &ge; 1 (default 5000)
   * @param seed the subset and the random criterion
   */
  public record Config(List<Double> fractions, int bins, int samples, long seed) {
    /**
     * Copies {@code fractions} and validates every component.
     *
     * @throws IllegalArgumentException if {@code fractions} is empty or has a value outside [0, 1), {@code bins
     *     < 2} or
     *     {@code samples < 1}
     */
    public Config {
      fractions = List.copyOf(fractions);
      if (fractions.isEmpty()) throw new IllegalArgumentException("fractions must list at least one value");
      for (double f : fractions) if (!(f >= 0 && f < 1)) throw new IllegalArgumentException("fraction (" + f + ") must be in [0, 1)");
      if (bins < 2) throw new IllegalArgumentException("bins (" + bins + ") must be >= 2");
      if (samples < 1) throw new IllegalArgumentException("samples (" + samples + ") must be >= 1");
    }
  }

  /**
   * One fraction: the units kept per hidden layer and the test accuracy by criterion.
   *
   * @param fraction the share of each hidden layer's units removed
   * @param unitsKept the units kept per hidden layer
   * @param accuracy test accuracy of the pruned network, in [0, 1], by criterion
   */
  public record Row(double fraction, int[] unitsKept, Map<Criterion, Double> accuracy) {}

  /**
   * The images scored, the scores by criterion (per hidden layer, per unit) and one row per fraction.
   *
   * @param scored the number of training images whose activations were scored
   * @param scores per criterion, one score array per hidden layer
   * @param rows one row per fraction, in the config's order
   */
  public record Result(int scored, Map<Criterion, List<double[]>> scores, List<Row> rows) {}

  /**
   * Scores and prunes {@code m} (in eval mode; not changed).
   *
   * @param c the fractions, bins, sample size and seed
   * @param m the trained network, with at least one hidden layer
   * @param train the training set, from which the scored images are drawn
   * @param test the test set
   * @return the scores and one row per fraction
   * @throws IllegalArgumentException if {@code m} has no hidden layer or its input size differs from the
   *     images'
   */
  public static Result run(Config c, Mlp m, Dataset train, Dataset test) {
    if (m.sizes().length < 3) throw new IllegalArgumentException("model (" + m.spec() + ") has no hidden layer");
    if (m.sizes()[0] != train.features()) throw new IllegalArgumentException("model input (" + m.sizes()[0] + ") does not match the images (" + train.features() + ")");
    m.eval();
    int n = Math.min(c.samples(), train.size());
    int[] idx = new int[train.size()];
    Arrays.setAll(idx, i -> i);
    new Rng(c.seed()).shuffle(idx);
    Dataset scored = train.subset(Arrays.copyOf(idx, n));
    List<float[][]> acts = NeuronScores.hiddenActivations(m, scored.x());
    Map<Criterion, List<double[]>> scores = new EnumMap<>(Criterion.class);
    for (Criterion cr : Criterion.values()) scores.put(cr, NeuronScores.score(cr, m, acts, scored.y(), c.bins(), c.seed()));
    double base = ClassificationTask.evaluate(m, test, 1000).get("accuracy");
    List<Row> rows = new ArrayList<>();
    for (double f : c.fractions()) {
      int[][] kept = NeuronScores.keep(scores.get(Criterion.RANDOM), f);
      Map<Criterion, Double> acc = new EnumMap<>(Criterion.class);
      for (Criterion cr : Criterion.values()) {
        acc.put(cr, f == 0 ? base : ClassificationTask.evaluate(NeuronScores.prune(m, scores.get(cr), f), test, 1000).get("accuracy"));
      }
      rows.add(new Row(f, Arrays.stream(kept).mapToInt(k -> k.length).toArray(), acc));
    }
    return new Result(n, scores, rows);
  }
}
