package dev.fivefold.compress.mdl;

import dev.fivefold.compress.DeepCompression;
import dev.fivefold.compress.Masks;
import dev.fivefold.compress.SharedWeights;
import dev.fivefold.compress.WeightSharing;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.train.ClassificationTask;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Sparse variational dropout as a compressor (Molchanov, Ashukha &amp; Vetrov, ICML 2017): train the
 * weights' posterior ({@link VariationalTraining}), keep the weights whose log α ≤ threshold (the
 * paper's test-time rule, threshold 3: a weight whose multiplicative noise has α &gt; e³ ≈ 20 carries
 * no signal) at their posterior means θ and set the rest to 0, then k-means weight sharing of the kept
 * weights per layer ({@link WeightSharing#share}, {@code fcBits} / {@code convBits}) and optionally a
 * fine-tuning of the centroids and biases, as in Deep Compression. The result is a list of
 * {@link SharedWeights} for {@link dev.fivefold.compress.DeepCompression#archive}, so the archive,
 * its coders and {@code eval M.ffz} are those of {@code compress}.
 *
 * <p>A layer whose every weight is pruned is refused (IllegalArgumentException naming the layer):
 * its output would be its bias alone, which is almost never meant.
 */
public final class SparseVariationalDropout {
  private SparseVariationalDropout() {}

  /**
   * The compressor's settings, validated on construction.
   *
   * @param training the variational training
   * @param threshold prune weights with log α above it, in [−10, 10] (the KL's clip range; paper: 3)
   * @param fcBits k-means code bits of weight matrices, 1..16
   * @param convBits k-means code bits of conv kernels, 1..16
   * @param finetuneEpochs epochs of centroid fine-tuning (Adam, training lr / 10), ≥ 0
   * @param retrainEpochs epochs of retraining the kept weights with the pruning masks held, after
   *     pruning and before weight sharing (Adam at the training lr, cosine to 0), ≥ 0
   */
  public record Config(VariationalTraining.Config training, double threshold, int fcBits, int convBits, double finetuneEpochs, double retrainEpochs) {
    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if {@code training} is null, {@code threshold} is outside [−10, 10], a
     *     bit width outside 1..16, or {@code finetuneEpochs} is negative or not finite
     */
    public Config {
      if (training == null) throw new IllegalArgumentException("training (null) must be given");
      if (!(threshold >= KlApproximation.MIN_LOG_ALPHA && threshold <= KlApproximation.MAX_LOG_ALPHA)) {
        throw new IllegalArgumentException("threshold (" + threshold + ") must be in [-10, 10]");
      }
      for (int b : new int[] {fcBits, convBits}) if (b < 1 || b > 16) throw new IllegalArgumentException("bits (" + b + ") must be in 1..16");
      if (!(finetuneEpochs >= 0) || Double.isInfinite(finetuneEpochs)) throw new IllegalArgumentException("finetuneEpochs (" + finetuneEpochs + ") must be >= 0");
      if (!(retrainEpochs >= 0) || Double.isInfinite(retrainEpochs)) throw new IllegalArgumentException("retrainEpochs (" + retrainEpochs + ") must be >= 0");
    }

    /**
     * Settings without retraining after pruning.
     *
     * @param training the variational training
     * @param threshold prune weights with log α above it, in [−10, 10]
     * @param fcBits k-means code bits of weight matrices, 1..16
     * @param convBits k-means code bits of conv kernels, 1..16
     * @param finetuneEpochs epochs of centroid fine-tuning, ≥ 0
     */
    public Config(VariationalTraining.Config training, double threshold, int fcBits, int convBits, double finetuneEpochs) {
      this(training, threshold, fcBits, convBits, finetuneEpochs, 0);
    }
  }

  /**
   * What {@link #run} leaves; accuracies on the test set.
   *
   * @param masks the kept weights after pruning by log α
   * @param shared per weight layer its shared weights, in layer order
   * @param logAlpha per weight layer, each weight's log α at the end of training (for the histogram)
   * @param accuracyMeans the posterior means, nothing pruned
   * @param accuracyPruned after pruning by log α
   * @param accuracyRetrained after retraining with the masks held (= pruned without it)
   * @param accuracyShared after weight sharing
   * @param accuracyFinetuned after the centroid fine-tuning (= shared without it)
   */
  public record Result(Masks masks, List<SharedWeights> shared, Map<String, double[]> logAlpha, double accuracyMeans, double accuracyPruned,
      double accuracyRetrained, double accuracyShared, double accuracyFinetuned) {}

  /**
   * Trains, prunes, shares and fine-tunes {@code model} in place; {@code log} gets one line per stage and epoch.
   *
   * @param model the classifier (an mlp or a lenet5 without normalisation), compressed in place
   * @param train the training set
   * @param test the test set the accuracies are measured on
   * @param cfg the settings
   * @param log receives the progress lines
   * @return the masks, shared layers, log α and accuracies
   * @throws IllegalArgumentException if the model is not supported or a layer would be pruned whole
   */
  public static Result run(Module model, Dataset train, Dataset test, Config cfg, Consumer<String> log) {
    VariationalNet net = VariationalTraining.run(model, train, test, cfg.training(), log);
    double means = accuracy(model, test);
    Map<String, double[]> la = logAlpha(net);
    Masks masks = prune(net, cfg.threshold());
    double pruned = accuracy(model, test);
    log.accept(String.format(Locale.ROOT, "pruned log-alpha > %s: weights kept %.2f%%, test accuracy %.4f", cfg.threshold(), 100 * (1 - masks.sparsity()), pruned));
    double retrained = pruned;
    if (cfg.retrainEpochs() > 0) {
      DeepCompression.retrainMasked(model, train, test, masks, cfg.retrainEpochs(), cfg.training().lr(), cfg.training().batch(), cfg.training().seed() + 500);
      retrained = accuracy(model, test);
      log.accept(String.format(Locale.ROOT, "retrained with the masks held: test accuracy %.4f", retrained));
    }
    List<SharedWeights> shared = new ArrayList<>();
    for (VariationalLayer l : net.layers()) {
      int bits = l.kind() == VariationalLayer.Kind.CONV ? cfg.convBits() : cfg.fcBits();
      shared.add(WeightSharing.share(l.name(), l.theta(), masks.mask(l.name()), bits, 100));
    }
    double sharedAcc = accuracy(model, test);
    log.accept(String.format(Locale.ROOT, "weight sharing: test accuracy %.4f", sharedAcc));
    if (cfg.finetuneEpochs() > 0) {
      DeepCompression.finetuneCentroids(model, train, shared, cfg.finetuneEpochs(), cfg.training().lr() / 10, cfg.training().batch(), cfg.training().seed() + 1000);
      model.eval();
    }
    double fin = accuracy(model, test);
    if (cfg.finetuneEpochs() > 0) log.accept(String.format(Locale.ROOT, "centroid fine-tuning: test accuracy %.4f", fin));
    return new Result(masks, shared, la, means, pruned, retrained, sharedAcc, fin);
  }

  /** Each layer's log α per weight, by weight name, in layer order. */
  static Map<String, double[]> logAlpha(VariationalNet net) {
    Map<String, double[]> m = new LinkedHashMap<>();
    for (VariationalLayer l : net.layers()) m.put(l.name(), l.logAlpha());
    return m;
  }

  /** {@link VariationalNet#prune}, refusing a layer left with no weight. */
  static Masks prune(VariationalNet net, double threshold) {
    for (VariationalLayer l : net.layers()) {
      boolean any = false;
      for (boolean k : l.keep(threshold)) any |= k;
      if (!any) {
        throw new IllegalArgumentException(l.name() + ": every weight has log-alpha above the threshold (" + threshold
            + "), so the layer would be pruned whole; lower the KL weight or raise the threshold");
      }
    }
    return net.prune(threshold);
  }

  static double accuracy(Module model, Dataset test) {
    return ClassificationTask.evaluate(model, test, 1000).get("accuracy");
  }
}
