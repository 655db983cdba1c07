package dev.fivefold.perception.fixation;

import dev.fivefold.data.Dataset;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Mlp;
import dev.fivefold.perception.explain.Heatmap;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.Task;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.TrainObserver;
import dev.fivefold.train.Trainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The study guide's perception exercise, "simulate the eye's fixation path over an image, scanning
 * salient regions, then let the network classify from those regions only, and observe how
 * performance changes" ({@code fivefold fixations}).
 *
 * <p>For each path policy (saliency-driven {@link WinnerTakeAll}, and the controls
 * {@link RandomFixations} and {@link CentreBiased}) every training and test image is scanned once
 * ({@link ScannedImages}, T = the largest fixation count); then for each glimpse size g a
 * {@link GlimpseClassifier} (retina of {@code scales} patches, GRU core) is trained with Adam for
 * {@code steps} steps of {@code batch} images on the mean loss of the read-outs ({@link GlimpseTask})
 * and scored on the test set after each fixation count. Beside them, the same budget trains a
 * full-image classifier (an MLP 784-256-10) — what seeing everything is worth. The result also
 * keeps, for {@code pictured} test images of different classes, the saliency map and every
 * policy's path, for pictures.
 *
 * <p>Deterministic: the weights, batches and random paths follow from {@code seed}; the saliency
 * paths from the images alone.
 */
public final class FixationExperiment {
  private FixationExperiment() {}

  /** The policies, in the order they are compared. */
  public static final List<String> PATHS = List.of("saliency", "random", "centre");

  /**
   * The data, the policies and glimpse sizes compared, and the training budget.
   *
   * @param train the training images, grey (Fashion-MNIST: [N, 1, 28, 28])
   * @param test the test images, of the same size
   * @param paths the path policies to compare, a non-empty subset of {@link #PATHS} (default all)
   * @param saliency the saliency model's name ({@link SaliencyMap#byName}; default centre-surround)
   * @param fixations the read-out counts, strictly increasing, ≥ 1 (default 1, 2, 4, 6, 8); the
   *     paths are as long as the last
   * @param glimpses the glimpse sizes g compared, each in [1, image side] (default 4, 8)
   * @param scales k patches per glimpse, in [1, 4] (default 2)
   * @param radius inhibition-of-return radius in pixels, &gt; 0 (default 3)
   * @param centreSigma the centre-biased paths' σ in pixels, &gt; 0 (default 4)
   * @param hidden the GRU's state size and the glimpse feature width, ≥ 1 (default 128)
   * @param steps training steps per model, ≥ 1 (default 3000: 3.2 epochs of 60,000 at batch 64)
   * @param batch ≥ 1 (default 64)
   * @param lr Adam's learning rate, &gt; 0 (default 1e-3)
   * @param trainSamples first training images used, in [batch, training images] (default 60,000)
   * @param testSamples first test images used, in [1, test images] (default 10,000)
   * @param pictured test images kept for pictures, in [0, testSamples] (default 6)
   * @param seed the paths', weights' and batch order's seed
   */
  public record Config(Dataset train, Dataset test, List<String> paths, String saliency, List<Integer> fixations, List<Integer> glimpses, int scales,
      double radius, double centreSigma, int hidden, int steps, int batch, double lr, int trainSamples, int testSamples, int pictured, long seed) {
    /**
     * Copies the lists and validates every component against the images.
     *
     * @throws IllegalArgumentException if a dataset is null or not grey images, a list is empty or out of
     *     order, or a
     *     number is out of range
     */
    public Config {
      if (train == null || test == null) throw new IllegalArgumentException("train and test must not be null");
      int[] hw = ScannedImages.side(train);
      ScannedImages.side(test);
      if (paths == null || paths.isEmpty()) throw new IllegalArgumentException("paths must name at least one of " + PATHS);
      for (String p : paths) if (!PATHS.contains(p)) throw new IllegalArgumentException("path (" + p + ") must be saliency, random or centre");
      paths = List.copyOf(paths);
      SaliencyMap.byName(saliency);
      if (fixations == null || fixations.isEmpty()) throw new IllegalArgumentException("fixations must name at least one count");
      fixations = List.copyOf(fixations);
      int[] f = fixations.stream().mapToInt(Integer::intValue).toArray();
      GlimpseTask.checkReadouts(f, f[f.length - 1]);
      if (glimpses == null || glimpses.isEmpty()) throw new IllegalArgumentException("glimpses must name at least one size");
      glimpses = List.copyOf(glimpses);
      for (int g : glimpses) new Retina(g, scales).checkFits(hw[0], hw[1]);
      new Retina(1, scales);
      if (!(radius > 0) || Double.isInfinite(radius)) throw new IllegalArgumentException("radius (" + radius + ") must be > 0");
      if (!(centreSigma > 0) || Double.isInfinite(centreSigma)) throw new IllegalArgumentException("centreSigma (" + centreSigma + ") must be > 0");
      if (hidden < 1) throw new IllegalArgumentException("hidden (" + hidden + ") must be >= 1");
      if (steps < 1) throw new IllegalArgumentException("steps (" + steps + ") must be >= 1");
      if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
      if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("lr (" + lr + ") must be > 0");
      if (trainSamples < batch || trainSamples > train.size()) {
        throw new IllegalArgumentException("trainSamples (" + trainSamples + ") must be in [batch (" + batch + "), training images (" + train.size() + ")]");
      }
      if (testSamples < 1 || testSamples > test.size()) throw new IllegalArgumentException("testSamples (" + testSamples + ") must be in [1, test images (" + test.size() + ")]");
      if (pictured < 0 || pictured > testSamples) throw new IllegalArgumentException("pictured (" + pictured + ") must be in [0, testSamples (" + testSamples + ")]");
    }

    /**
     * The path length T: the largest read-out.
     *
     * @return T, the last element of {@code fixations}
     */
    public int pathLength() {
      return fixations.getLast();
    }
  }

  /**
   * One glimpse model: its policy and glimpse size, the test accuracy after each read-out count
   * (in the order of {@link Config#fixations}), the mean training loss of the last tenth of the
   * steps, its size and its training time (seconds, evaluation excluded).
   *
   * @param path the path policy's name
   * @param glimpse g, the glimpse size
   * @param accuracy the test accuracy after each read-out count, in [0, 1]
   * @param trainLoss the mean training loss of the last tenth of the steps, nats
   * @param parameters the model's parameter count
   * @param steps training steps taken
   * @param seconds training time, seconds
   */
  public record Row(String path, int glimpse, List<Double> accuracy, double trainLoss, long parameters, long steps, double seconds) {}

  /**
   * The full-image classifier trained with the same budget.
   *
   * @param model the classifier's spec
   * @param accuracy its test accuracy, in [0, 1]
   * @param parameters its parameter count
   * @param steps training steps taken
   * @param seconds training time, seconds
   */
  public record Baseline(String model, double accuracy, long parameters, long steps, double seconds) {}

  /**
   * A pictured test image: its label, pixels, saliency map and the path of each policy.
   *
   * @param label the image's true class
   * @param image its pixels
   * @param saliency its saliency map
   * @param paths each policy's path over it, by policy name
   */
  public record Example(int label, Heatmap image, Heatmap saliency, Map<String, ScanPath> paths) {}

  /**
   * The whole comparison.
   *
   * @param config the run's configuration
   * @param rows one row per glimpse model, by policy and glimpse size
   * @param fullImage the full-image baseline
   * @param examples the pictured test images
   */
  public record Result(Config config, List<Row> rows, Baseline fullImage, List<Example> examples) {}

  /** What a run reports while it works. */
  public interface Listener {
    /**
     * A stage of the work starts or ends ("scanning ...", "model 2/7: ...").
     *
     * @param message the line to show
     */
    default void log(String message) {}

    /**
     * An observer for the next model's training (progress), or null.
     *
     * @param model names the model about to be trained
     * @return the observer, or null for none (the default)
     */
    default TrainObserver observer(String model) {
      return null;
    }

    /**
     * A glimpse model is measured.
     *
     * @param row the model's results
     */
    default void row(Row row) {}
  }

  /**
   * Builds the scanned datasets of each policy, trains one glimpse model per policy and glimpse size and the
   * full-image baseline, and measures them on the test images.
   *
   * @param c the experiment
   * @param listener told of progress and each row
   * @return the rows, the baseline and the pictured examples
   */
  public static Result run(Config c, Listener listener) {
    Dataset train = c.train().take(c.trainSamples()), test = c.test().take(c.testSamples());
    int[] hw = ScannedImages.side(train);
    int t = c.pathLength(), classes = train.classes();
    int[] readouts = c.fixations().stream().mapToInt(Integer::intValue).toArray();
    SaliencyMap saliency = SaliencyMap.byName(c.saliency());
    int[] pictured = pictured(test, c.pictured());
    List<Map<String, ScanPath>> shown = new ArrayList<>();
    for (int i = 0; i < pictured.length; i++) shown.add(new LinkedHashMap<>());
    List<Row> rows = new ArrayList<>();
    int total = c.paths().size() * c.glimpses().size() + 1, index = 0;
    for (String name : c.paths()) {
      ScanPolicy policy = ScanPolicy.byName(name, saliency, c.radius(), c.centreSigma());
      listener.log("scanning " + train.size() + " training and " + test.size() + " test images: " + name + " paths of " + t + " fixations");
      long t0 = System.nanoTime();
      Dataset scannedTrain = ScannedImages.of(train, policy, t, c.seed());
      Dataset scannedTest = ScannedImages.of(test, policy, t, c.seed() + 1);
      listener.log(String.format(java.util.Locale.ROOT, "scanned in %.1f s", (System.nanoTime() - t0) / 1e9));
      for (int i = 0; i < pictured.length; i++) shown.get(i).put(name, ScannedImages.path(scannedTest, pictured[i], hw[0] * hw[1]));
      for (int g : c.glimpses()) {
        index++;
        String model = name + " g=" + g;
        listener.log("model " + index + "/" + total + ": " + model);
        GlimpseClassifier m = new GlimpseClassifier(new GlimpseClassifier.Spec(hw[0], hw[1], t, new Retina(g, c.scales()), c.hidden(), Math.max(1, c.hidden() / 4),
            c.hidden(), c.hidden(), "gru", classes), c.seed());
        GlimpseTask task = new GlimpseTask(m, scannedTrain, scannedTest, c.batch(), c.seed(), readouts);
        Trained r = train(task, c, listener.observer(model));
        List<Double> acc = new ArrayList<>();
        for (int k : readouts) acc.add(r.eval().get("accuracy@" + k));
        Row row = new Row(name, g, List.copyOf(acc), r.trainLoss(), m.parameterCount(), r.steps(), r.seconds());
        rows.add(row);
        listener.row(row);
      }
    }
    index++;
    listener.log("model " + index + "/" + total + ": full image (mlp 784-256-" + classes + ")");
    Mlp mlp = new Mlp(new int[] {hw[0] * hw[1], 256, classes}, "relu", c.seed());
    Trained r = train(new ClassificationTask(mlp, train, test, c.batch(), c.seed()), c, listener.observer("full image"));
    Baseline full = new Baseline("mlp " + hw[0] * hw[1] + "-256-" + classes, r.eval().get("accuracy"), mlp.parameterCount(), r.steps(), r.seconds());
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < pictured.length; i++) {
      Heatmap img = ScannedImages.image(test, pictured[i]);
      examples.add(new Example(test.y()[pictured[i]], img, saliency.of(img), java.util.Collections.unmodifiableMap(shown.get(i))));
    }
    return new Result(c, rows, full, examples);
  }

  private record Trained(Map<String, Double> eval, double trainLoss, long steps, double seconds) {}

  private static Trained train(Task task, Config c, TrainObserver progress) {
    Trainer trainer = new Trainer(task, Optimizers.adam(task.model().parameters(), c.lr()), new TrainConfig(1_000_000, c.steps(), 0, c.steps()));
    double[] tail = new double[2]; // sum and count of the losses of the last tenth of the steps
    long from = c.steps() - Math.max(1, c.steps() / 10);
    trainer.observe(new TrainObserver() {
      @Override
      public void onStep(Step s) {
        if (s.step() > from) {
          tail[0] += s.loss();
          tail[1]++;
        }
      }
    });
    if (progress != null) trainer.observe(progress);
    Map<String, Double> eval = trainer.fit();
    return new Trained(eval, tail[1] == 0 ? Double.NaN : tail[0] / tail[1], trainer.step(), trainer.seconds());
  }

  /**
   * Indices of {@code n} test images to picture: the first image of each class in turn (classes
   * 0, 1, …), then, if n exceeds the classes present, the first images not yet taken.
   */
  static int[] pictured(Dataset test, int n) {
    List<Integer> out = new ArrayList<>();
    boolean[] taken = new boolean[test.size()];
    for (int k = 0; k < test.classes() && out.size() < n; k++) {
      for (int i = 0; i < test.size(); i++) {
        if (test.y()[i] == k) {
          out.add(i);
          taken[i] = true;
          break;
        }
      }
    }
    for (int i = 0; i < test.size() && out.size() < n; i++) if (!taken[i]) out.add(i);
    return out.stream().mapToInt(Integer::intValue).toArray();
  }
}
