package dev.fivefold.perception.experiment;

import dev.fivefold.control.Controller;
import dev.fivefold.control.Schedules;
import dev.fivefold.data.Dataset;
import dev.fivefold.data.augment.Augmentation;
import dev.fivefold.nn.Module;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Models;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An ablation grid: every model spec × every augmentation × seeds, each cell trained the way
 * {@code fivefold train} trains an image model (Adam, linear warm-up then cosine decay to 0 over
 * the run, {@link ClassificationTask} with the augmentation, evaluation never augmented), and
 * summarised as mean and spread of the final test accuracy. The question it answers: how much
 * does each augmentation (alone, and combined) change a model's accuracy, beyond the seed-to-seed
 * noise? With one augmentation ({@code none}) and several specs it compares architectures instead
 * (e.g. LeNet-5 with LRN, batch norm or no normalisation).
 *
 * <p>Cell (model, augmentation, seed s): weights {@code Models.create(model, s)}, batch order and
 * augmentation generator from s, so within a seed all augmentations of a model start from the
 * same weights and see the same batch order. Models are given as {@link Models} spec strings,
 * so new variants need no change here.
 */
public final class AugmentationAblation {
  private AugmentationAblation() {}

  /**
   * The grid of models and augmentations and the training of each cell.
   *
   * @param models model specs, at least one, each parsed by {@link Models#parse}
   * @param augmentations augmentation specs ({@link Augmentation#parse}; "none" is the baseline), at least one
   * @param epochs passes over the training set per cell, &gt; 0 (fractions allowed)
   * @param batch batch size, &ge; 1
   * @param lr peak Adam learning rate, &gt; 0
   * @param warmup warm-up steps of the cosine schedule, &ge; 0
   * @param seeds seeds per cell (s = seed, seed + 1, …), &ge; 1
   * @param seed the first seed
   * @param trainSize training images used, the first N; 0 = all
   * @param testSize test images used, the first N; 0 = all
   */
  public record Config(List<String> models, List<String> augmentations, double epochs, int batch, double lr, long warmup, int seeds, long seed,
      int trainSize, int testSize) {
    /**
     * Copies the lists and validates every component, parsing each spec.
     *
     * @throws IllegalArgumentException if a list is empty, a spec does not parse, or a number is out of range
     */
    public Config {
      if (models == null || models.isEmpty()) throw new IllegalArgumentException("models must list at least one spec");
      if (augmentations == null || augmentations.isEmpty()) throw new IllegalArgumentException("augmentations must list at least one spec (none for the baseline)");
      models = List.copyOf(models);
      augmentations = List.copyOf(augmentations);
      for (String m : models) Models.parse(m);
      for (String a : augmentations) Augmentation.parse(a);
      if (!(epochs > 0 && epochs < 1e6)) throw new IllegalArgumentException("epochs (" + epochs + ") must be > 0");
      if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
      if (!(lr > 0 && lr < Double.POSITIVE_INFINITY)) throw new IllegalArgumentException("lr (" + lr + ") must be > 0");
      if (warmup < 0) throw new IllegalArgumentException("warmup (" + warmup + ") must be >= 0");
      if (seeds < 1) throw new IllegalArgumentException("seeds (" + seeds + ") must be >= 1");
      if (trainSize < 0) throw new IllegalArgumentException("train size (" + trainSize + ") must be >= 0");
      if (testSize < 0) throw new IllegalArgumentException("test size (" + testSize + ") must be >= 0");
    }

    /**
     * The LeNet-5 study: no augmentation, each alone, and crop + flip + erase, 3 seeds of 5 epochs.
     *
     * @return the config
     */
    public static Config lenet5() {
      return new Config(List.of("lenet5"), DEFAULT_AUGMENTATIONS, 5, 128, 1e-3, 100, 3, 1, 0, 0);
    }
  }

  /** The default augmentations: none, each alone, and the combination. */
  public static final List<String> DEFAULT_AUGMENTATIONS =
      List.of("none", "crop:4", "flip", "erase:0.5", "cutout:8", "mixup:0.2", "cutmix:1", "crop:4,flip,erase:0.5");

  /**
   * One cell of one seed: final test accuracy and loss, training steps and wall seconds.
   *
   * @param model the model spec
   * @param augmentation the augmentation spec
   * @param seed the run's seed
   * @param accuracy final test accuracy, in [0, 1]
   * @param loss final test loss, nats
   * @param steps training steps taken
   * @param seconds wall time, seconds
   */
  public record Run(String model, String augmentation, long seed, double accuracy, double loss, long steps, double seconds) {}

  /**
   * One cell over its seeds: mean and sample standard deviation (0 for one seed) of the final test accuracy.
   *
   * @param model the model spec
   * @param augmentation the augmentation spec
   * @param seeds the runs summarised
   * @param mean mean final test accuracy
   * @param spread sample standard deviation of the accuracy (0 for one seed)
   * @param min lowest accuracy
   * @param max highest accuracy
   */
  public record Summary(String model, String augmentation, int seeds, double mean, double spread, double min, double max) {}

  /**
   * A finished ablation.
   *
   * @param config what ran
   * @param runs every run, model by model, augmentation by augmentation, seed by seed
   */
  public record Result(Config config, List<Run> runs) {
    /**
     * One summary per (model, augmentation), in config order.
     *
     * @return the summaries, models in the outer order
     */
    public List<Summary> summaries() {
      List<Summary> out = new ArrayList<>();
      for (String m : config.models()) {
        for (String a : config.augmentations()) {
          double[] acc = runs.stream().filter(r -> r.model().equals(m) && r.augmentation().equals(a)).mapToDouble(Run::accuracy).toArray();
          if (acc.length == 0) continue;
          double mean = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, ss = 0;
          for (double x : acc) {
            mean += x / acc.length;
            min = Math.min(min, x);
            max = Math.max(max, x);
          }
          for (double x : acc) ss += (x - mean) * (x - mean);
          out.add(new Summary(m, a, acc.length, mean, acc.length > 1 ? Math.sqrt(ss / (acc.length - 1)) : 0, min, max));
        }
      }
      return out;
    }
  }

  /**
   * Trains every cell; {@code listener} hears each run as it ends.
   *
   * @param train the training set
   * @param test the test set
   * @param cfg the grid
   * @param listener hears each run as it ends
   * @return every run
   * @throws IllegalArgumentException if the training set is empty
   */
  public static Result run(Dataset train, Dataset test, Config cfg, Consumer<Run> listener) {
    Dataset tr = cfg.trainSize() > 0 ? train.take(cfg.trainSize()) : train, te = cfg.testSize() > 0 ? test.take(cfg.testSize()) : test;
    if (tr.size() < 1) throw new IllegalArgumentException("the training set is empty");
    for (String a : cfg.augmentations()) Augmentation.parse(a).check(dev.fivefold.data.augment.ImageLayout.of(tr.x()));
    List<Run> runs = new ArrayList<>();
    for (String model : cfg.models()) {
      for (String aug : cfg.augmentations()) {
        for (int si = 0; si < cfg.seeds(); si++) {
          long seed = cfg.seed() + si;
          Module m = Models.create(model, seed);
          ClassificationTask task = new ClassificationTask(m, tr, te, cfg.batch(), seed, Augmentation.parse(aug));
          long steps = Math.max(1, Math.round(cfg.epochs() * task.stepsPerEpoch()));
          Trainer t = new Trainer(task, Optimizers.adam(m.parameters(), cfg.lr()),
              new TrainConfig((int) Math.ceil(cfg.epochs()), steps, 0, steps));
          t.controller(Controller.open(Schedules.warmupCosine(cfg.lr(), cfg.warmup(), 0)));
          long t0 = System.nanoTime();
          Map<String, Double> last = t.fit();
          Run r = new Run(model, aug, seed, last.get("accuracy"), last.get("loss"), t.step(), (System.nanoTime() - t0) / 1e9);
          runs.add(r);
          listener.accept(r);
        }
      }
    }
    return new Result(cfg, List.copyOf(runs));
  }
}
