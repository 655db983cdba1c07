package dev.fivefold.perception.fusion;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.data.Dataset;
import dev.fivefold.data.caption.CharVocabulary;
import dev.fivefold.nn.Module;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.explain.Heatmap;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.TrainObserver;
import dev.fivefold.train.Trainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * One fusion run ({@code fivefold fusion} runs several): an {@link EarlyFusion} or {@link LateFusion}
 * model trained with Adam to answer {@link Questions#fashionMnist()} about Fashion-MNIST images,
 * on a balanced or a biased split ({@link FusionTask}); per epoch the test accuracy (the split's and
 * the balanced one) and the throughput; at the end the {@link PerceptualScore} of each modality on
 * the split's test set and, for early fusion, the class token's cross-modal attention maps of the
 * first {@code pictured} test images in every layer.
 */
public final class FusionExperiment {
  private FusionExperiment() {}

  /** Where the modalities meet. */
  public enum Kind {
    /** One Transformer over question tokens and image patches together ({@link EarlyFusion}). */
    EARLY,
    /** Separate encoders, combined only at the head ({@link LateFusion}). */
    LATE;

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * The model, split, and training and evaluation sizes.
   *
   * @param kind early or late fusion
   * @param biased the biased split (the answer is a function of the question) instead of the balanced one
   * @param width C &ge; 4, divisible by 4 (the heads) (default 64)
   * @param layers Transformer blocks &ge; 1 (default 2)
   * @param epochs &ge; 1 (default 3)
   * @param batch &ge; 1 (default 128)
   * @param trainSamples first training images, &ge; batch (default 60,000)
   * @param testSamples first test images, &ge; 2 (default 10,000)
   * @param permutations permutations per modality for the perceptual score, &ge; 1 (default 5)
   * @param pictured test images whose attention maps are kept (early fusion), &ge; 0 (default 6)
   * @param lr Adam's learning rate (default 1e-3)
   * @param seed the weights', batches' and questions' seed
   */
  public record Config(Kind kind, boolean biased, int width, int layers, int epochs, int batch, int trainSamples, int testSamples, int permutations,
      int pictured, double lr, long seed) {
    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if {@code kind} is null or a size is out of range
     */
    public Config {
      if (kind == null) throw new IllegalArgumentException("kind must not be null");
      if (width < 4 || width % 4 != 0) throw new IllegalArgumentException("width (" + width + ") must be a positive multiple of 4 (the heads)");
      if (layers < 1) throw new IllegalArgumentException("layers (" + layers + ") must be >= 1");
      if (epochs < 1) throw new IllegalArgumentException("epochs (" + epochs + ") must be >= 1");
      if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
      if (trainSamples < batch) throw new IllegalArgumentException("trainSamples (" + trainSamples + ") must be >= batch (" + batch + ")");
      if (testSamples < 2) throw new IllegalArgumentException("testSamples (" + testSamples + ") must be >= 2");
      if (permutations < 1) throw new IllegalArgumentException("permutations (" + permutations + ") must be >= 1");
      if (pictured < 0 || pictured > testSamples) throw new IllegalArgumentException("pictured (" + pictured + ") must be in [0, testSamples (" + testSamples + ")]");
      if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("lr (" + lr + ") must be > 0");
    }
  }

  /**
   * One epoch: mean training loss, test accuracy (the split's, the balanced one), training samples per second.
   *
   * @param epoch the epoch, 1-based
   * @param trainLoss the mean training loss, nats
   * @param accuracy test accuracy on the split's questions, in [0, 1]
   * @param unbiasedAccuracy test accuracy on balanced questions, in [0, 1]
   * @param samplesPerSecond training throughput
   * @param seconds the epoch's wall time, seconds
   */
  public record Epoch(int epoch, double trainLoss, double accuracy, double unbiasedAccuracy, double samplesPerSecond, double seconds) {}

  /**
   * A test image with its question, the answer and the model's, and the class token's attention to
   * the patches in each layer (early fusion; empty for late).
   *
   * @param image the test image
   * @param question the question asked
   * @param answer the true answer
   * @param predicted the model's answer
   * @param attention per layer the class token's attention to the patches (empty for late fusion)
   */
  public record Example(Heatmap image, String question, boolean answer, boolean predicted, List<Heatmap> attention) {}

  /**
   * A finished run.
   *
   * @param config what ran
   * @param epochs one row per epoch
   * @param score the perceptual score on the split's test set
   * @param unbiasedAccuracy the final accuracy on the balanced test set
   * @param parameters the model's parameter count
   * @param tapeGrowthBytes bytes the training tape allocated after the second step (0: buffers reused)
   * @param examples the pictured test images
   */
  public record Result(Config config, List<Epoch> epochs, PerceptualScore score, double unbiasedAccuracy, long parameters, long tapeGrowthBytes,
      List<Example> examples) {}

  /**
   * Runs one model; {@code onEpoch} sees each row as it is measured.
   *
   * @param c the experiment
   * @param train the training images
   * @param test the test images
   * @param onEpoch told of each epoch's row
   * @return the rows, the perceptual score and the examples
   * @throws IllegalArgumentException if the sets are smaller than the config's sample counts
   */
  public static Result run(Config c, Dataset train, Dataset test, Consumer<Epoch> onEpoch) {
    if (train.size() < c.trainSamples()) throw new IllegalArgumentException("trainSamples (" + c.trainSamples() + ") must be <= training images (" + train.size() + ")");
    if (test.size() < c.testSamples()) throw new IllegalArgumentException("testSamples (" + c.testSamples() + ") must be <= test images (" + test.size() + ")");
    Questions qs = Questions.fashionMnist();
    CharVocabulary vocab = qs.vocabulary();
    int context = qs.longest() + 1;
    Dataset te = test.take(c.testSamples());
    Module model;
    FusionTask task;
    if (c.kind() == Kind.EARLY) {
      EarlyFusion m = new EarlyFusion(vocab.size(), context, c.width(), c.layers(), 4, c.seed());
      model = m;
      task = new FusionTask(m, qs, vocab, train.take(c.trainSamples()), te, c.batch(), c.biased(), c.seed());
    } else {
      LateFusion m = new LateFusion(vocab.size(), context, c.width(), c.layers(), 4, c.seed());
      model = m;
      task = new FusionTask(m, qs, vocab, train.take(c.trainSamples()), te, c.batch(), c.biased(), c.seed());
    }
    Trainer trainer = new Trainer(task, Optimizers.adam(model.parameters(), c.lr()), TrainConfig.epochs(c.epochs()));
    List<Epoch> rows = new ArrayList<>();
    long[] tape = new long[2];
    trainer.observe(new TrainObserver() {
      double sum;
      long count;

      @Override
      public void onStep(Step s) {
        sum += s.loss();
        count++;
        if (s.step() == 2) tape[0] = trainer.tapeAllocatedBytes();
        tape[1] = trainer.tapeAllocatedBytes();
      }

      @Override
      public void onEval(Eval e) {
        var m = e.metrics();
        Epoch row = new Epoch(e.epoch(), count == 0 ? Double.NaN : sum / count, m.get("accuracy"), m.get("unbiased_accuracy"),
            e.seconds() > 0 ? e.step() * (double) c.batch() / e.seconds() : Double.NaN, e.seconds());
        sum = 0;
        count = 0;
        rows.add(row);
        onEpoch.accept(row);
      }
    });
    var last = trainer.fit();
    PerceptualScore score = PerceptualScore.measure(task::accuracy, te.size(), c.permutations(), c.seed() + 1);
    List<Example> examples = examples(model, qs, task, te, c.pictured());
    return new Result(c, rows, score, last.get("unbiased_accuracy"), model.parameterCount(), tape[1] - tape[0], examples);
  }

  private static List<Example> examples(Module model, Questions qs, FusionTask task, Dataset te, int n) {
    List<Example> out = new ArrayList<>();
    if (n == 0) return out;
    FusionModel f = (FusionModel) model;
    int t = f.context();
    float[] x = Arrays.copyOf(te.x().data(), n * 784);
    int[] ids = new int[n * t];
    for (int i = 0; i < n; i++) System.arraycopy(task.questionIds(task.testQuestion(i)), 0, ids, i * t, t);
    model.eval();
    Tape tape = Tape.inference();
    float[] z = f.logits(tape.input(Tensor.of(x, n, 1, 28, 28)), ids, n).data();
    for (int i = 0; i < n; i++) {
      List<Heatmap> maps = new ArrayList<>();
      if (model instanceof EarlyFusion e) for (int l = 0; l < e.blocks().size(); l++) maps.add(e.crossModal(i, l, 0));
      int q = task.testQuestion(i);
      out.add(new Example(new Heatmap(28, 28, Arrays.copyOfRange(x, i * 784, (i + 1) * 784)), qs.get(q).text(), qs.answer(q, te.y()[i]), z[2 * i + 1] > z[2 * i],
          maps));
    }
    model.train();
    return out;
  }
}
