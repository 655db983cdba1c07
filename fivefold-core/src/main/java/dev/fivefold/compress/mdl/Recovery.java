package dev.fivefold.compress.mdl;

import dev.fivefold.compress.DeepCompression;
import dev.fivefold.compress.Masks;
import dev.fivefold.compress.SharedWeights;
import dev.fivefold.compress.WeightSharing;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Deep Compression's last two stages after another method's quantisation, keeping that method's
 * pruning and codebook sizes: (1) retrain the kept weights with the method's masks held
 * ({@link DeepCompression#retrainMasked}); (2) share each layer's kept weights again by k-means with
 * as many centroids as the method's codebook for that layer had (so soft weight-sharing keeps its
 * number of means per layer and Bayesian compression its per-layer bit widths); (3) fine-tune the
 * centroids ({@link DeepCompression#finetuneCentroids}, lr / 10).
 *
 * <p>Why: soft weight-sharing's final assignment and Bayesian compression's grid rounding move every
 * kept weight at once, and a network whose weights have not yet settled on the mixture (or the grid)
 * loses most of its accuracy there (LeNet-300-100 on Fashion-MNIST: 89.35% retrained with the prior,
 * 11.41% quantised). Retraining the survivors from the quantised state repairs that without changing
 * which weights survive or how many values each layer uses.
 */
public final class Recovery {
  private Recovery() {}

  /**
   * The recovery's settings.
   *
   * @param retrainEpochs epochs of retraining with the masks held, ≥ 0
   * @param finetuneEpochs epochs of centroid fine-tuning (Adam at lr / 10), ≥ 0
   * @param lr the Adam learning rate of retraining, &gt; 0
   * @param batch the batch size, ≥ 1
   * @param seed the shuffling seed
   */
  public record Config(double retrainEpochs, double finetuneEpochs, double lr, int batch, long seed) {
    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if an epoch count is negative or not finite, {@code lr} is not
     *     finite and &gt; 0, or {@code batch} &lt; 1
     */
    public Config {
      if (!(retrainEpochs >= 0) || Double.isInfinite(retrainEpochs)) throw new IllegalArgumentException("retrainEpochs (" + retrainEpochs + ") must be >= 0");
      if (!(finetuneEpochs >= 0) || Double.isInfinite(finetuneEpochs)) throw new IllegalArgumentException("finetuneEpochs (" + finetuneEpochs + ") must be >= 0");
      if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("lr (" + lr + ") must be > 0");
      if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
    }
  }

  /**
   * What {@link #run} leaves; accuracies on the test set.
   *
   * @param shared the re-shared layers, in the order given
   * @param accuracyRetrained after retraining with the masks held (the quantised model's without it)
   * @param accuracyShared after sharing again by k-means
   * @param accuracyFinetuned after the centroid fine-tuning (= shared without it)
   */
  public record Result(List<SharedWeights> shared, double accuracyRetrained, double accuracyShared, double accuracyFinetuned) {}

  /**
   * Retrains, re-shares and fine-tunes {@code model} in place.
   *
   * @param model the model, its weights on the method's codebooks (pruned weights 0)
   * @param train the training set
   * @param test the test set the accuracies are measured on
   * @param quantised the method's shared layers: their positions are the masks, their codebook sizes the k of k-means
   * @param cfg the settings
   * @param log receives one line per stage
   * @return the new shared layers and the accuracies
   */
  public static Result run(Module model, Dataset train, Dataset test, List<SharedWeights> quantised, Config cfg, Consumer<String> log) {
    Masks masks = new Masks();
    for (SharedWeights s : quantised) {
      boolean[] keep = new boolean[s.weight().value().size()];
      for (int p : s.positions()) keep[p] = true;
      masks.put(s.name(), s.weight(), keep);
    }
    double retrained = SparseVariationalDropout.accuracy(model, test);
    if (cfg.retrainEpochs() > 0) {
      DeepCompression.retrainMasked(model, train, test, masks, cfg.retrainEpochs(), cfg.lr(), cfg.batch(), cfg.seed() + 500);
      retrained = SparseVariationalDropout.accuracy(model, test);
      log.accept(String.format(Locale.ROOT, "recovery: retrained with the masks held: test accuracy %.4f", retrained));
    }
    List<SharedWeights> shared = new ArrayList<>();
    for (SharedWeights s : quantised) {
      float[] w = s.weight().value().data();
      int[] pos = s.positions();
      float[] kept = new float[pos.length];
      for (int i = 0; i < pos.length; i++) kept[i] = w[pos[i]];
      int k = s.codebook().value().size();
      WeightSharing.Clustering c = WeightSharing.kmeans(kept, Math.min(k, Math.max(1, pos.length)), 100);
      shared.add(SharedWeights.of(s.name(), s.weight(), s.toQuantized().bits(), c.centroids(), pos, c.assignment()));
    }
    double sharedAcc = SparseVariationalDropout.accuracy(model, test);
    log.accept(String.format(Locale.ROOT, "recovery: shared again (the method's codebook sizes): test accuracy %.4f", sharedAcc));
    double fin = sharedAcc;
    if (cfg.finetuneEpochs() > 0) {
      DeepCompression.finetuneCentroids(model, train, shared, cfg.finetuneEpochs(), cfg.lr() / 10, cfg.batch(), cfg.seed() + 1000);
      model.eval();
      fin = SparseVariationalDropout.accuracy(model, test);
      log.accept(String.format(Locale.ROOT, "recovery: centroid fine-tuning: test accuracy %.4f", fin));
    }
    return new Result(List.copyOf(shared), retrained, sharedAcc, fin);
  }
}
