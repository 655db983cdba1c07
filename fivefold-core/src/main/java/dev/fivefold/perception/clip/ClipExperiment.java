package dev.fivefold.perception.clip;

import dev.fivefold.data.Dataset;
import dev.fivefold.data.caption.Captions;
import dev.fivefold.data.caption.CharVocabulary;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.TrainObserver;
import dev.fivefold.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The small CLIP as one experiment ({@code fivefold clip}): a {@link Clip} trained with Adam on
 * Fashion-MNIST images paired with generated captions ({@link Captions#fashionMnist()}, training
 * wording), scored after every epoch on the test images with held-out wording ({@link ClipTask#evaluate}):
 * zero-shot accuracy from class-name prompts, recall@1/@5 both ways, the InfoNCE lower bound on
 * I(image; caption) in bits against its ceiling log₂ N, the temperature and the training throughput.
 * At the end, a PCA {@link Projection} of {@code pictured} test images and their captions.
 */
public final class ClipExperiment {
  private ClipExperiment() {}

  /**
   * The model, training and evaluation sizes.
   *
   * @param embed E, the shared dimension (default 64)
   * @param textWidth the text encoder's width (default 64)
   * @param textLayers its blocks (default 2)
   * @param context characters per caption + 1 (default 48)
   * @param epochs &ge; 1 (default 10)
   * @param batch pairs per step N &ge; 2 (default 256): the bound's ceiling is log₂ N
   * @param trainSamples first training images used, &ge; batch (default 60,000)
   * @param testSamples first test images scored for zero-shot accuracy (default 10,000)
   * @param pairs test pairs for recall and the bound, in [1, testSamples] (default 1,000)
   * @param pictured test images (and as many captions) in the PCA picture, in [2, pairs] (default 500)
   * @param lr Adam's learning rate &gt; 0 (default 1e-3)
   * @param seed the weights', batch order's and sampling's seed
   */
  public record Config(int embed, int textWidth, int textLayers, int context, int epochs, int batch, int trainSamples, int testSamples, int pairs,
      int pictured, double lr, long seed) {
    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if a component is out of range
     */
    public Config {
      if (epochs < 1) throw new IllegalArgumentException("epochs (" + epochs + ") must be >= 1");
      if (batch < 2) throw new IllegalArgumentException("batch (" + batch + ") must be >= 2");
      if (trainSamples < batch) throw new IllegalArgumentException("trainSamples (" + trainSamples + ") must be >= batch (" + batch + ")");
      if (testSamples < 1) throw new IllegalArgumentException("testSamples (" + testSamples + ") must be >= 1");
      if (pairs < 1 || pairs > testSamples) throw new IllegalArgumentException("pairs (" + pairs + ") must be in [1, testSamples (" + testSamples + ")]");
      if (pictured < 2 || pictured > pairs) throw new IllegalArgumentException("pictured (" + pictured + ") must be in [2, pairs (" + pairs + ")]");
      if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("lr (" + lr + ") must be > 0");
      new Clip.Spec(embed, 1, 1, 1, textWidth, textLayers, 4, context, 3); // validates the model's sizes
      int longest = Captions.fashionMnist().longest();
      if (longest > context - 1) {
        throw new IllegalArgumentException("context (" + context + ") must be >= " + (longest + 1) + ": the longest caption has " + longest + " characters");
      }
    }

    /**
     * The defaults.
     *
     * @param seed the run's seed
     * @return the config with every default
     */
    public static Config standard(long seed) {
      return new Config(64, 64, 2, 48, 10, 256, 60_000, 10_000, 1_000, 500, 1e-3, seed);
    }
  }

  /**
   * One epoch: mean training loss, the evaluation, throughput (training samples per second).
   *
   * @param epoch the epoch, 1-based
   * @param trainLoss the mean training loss, nats
   * @param zeroShot zero-shot test accuracy from the class prompts, in [0, 1]
   * @param i2t1 image-to-text recall@1 over the test pairs, in [0, 1]
   * @param i2t5 image-to-text recall@5
   * @param t2i1 text-to-image recall@1
   * @param t2i5 text-to-image recall@5
   * @param testLoss the InfoNCE loss of the test pairs in chunks of the batch size N, nats
   * @param boundBits the lower bound on I(image; text) the test loss certifies, bits
   * @param ceilingBits log₂ N, the most the bound can reach
   * @param scale the logit scale 1/τ at the end of the epoch
   * @param samplesPerSecond training throughput
   * @param seconds the epoch's wall time, seconds
   */
  public record Epoch(int epoch, double trainLoss, double zeroShot, double i2t1, double i2t5, double t2i1, double t2i5, double testLoss, double boundBits,
      double ceilingBits, double scale, double samplesPerSecond, double seconds) {}

  /**
   * A finished run.
   *
   * @param epochs one row per epoch
   * @param projection the PCA picture: {@code pictured} images then their captions
   * @param parameters the model's parameter count
   * @param tapeGrowthBytes bytes the training tape allocated after the second step (0: buffers reused)
   * @param exampleCaptions the first few held-out test captions
   */
  public record Result(List<Epoch> epochs, Projection projection, long parameters, long tapeGrowthBytes, List<String> exampleCaptions) {
    /**
     * The last epoch's row.
     *
     * @return the final epoch
     */
    public Epoch last() {
      return epochs.getLast();
    }
  }

  /**
   * Runs the experiment; {@code onEpoch} sees each row as it is measured.
   *
   * @throws IllegalArgumentException if the captions do not fit the context or the data are too small
   * @param c the experiment
   * @param train the training images
   * @param test the test images
   * @param onEpoch told of each epoch as it ends
   * @return the rows, the picture and the sizes
   */
  public static Result run(Config c, Dataset train, Dataset test, Consumer<Epoch> onEpoch) {
    if (train.size() < c.trainSamples()) throw new IllegalArgumentException("trainSamples (" + c.trainSamples() + ") must be <= training images (" + train.size() + ")");
    if (test.size() < c.testSamples()) throw new IllegalArgumentException("testSamples (" + c.testSamples() + ") must be <= test images (" + test.size() + ")");
    Captions captions = Captions.fashionMnist();
    CharVocabulary vocab = captions.vocabulary();
    Clip model = new Clip(new Clip.Spec(c.embed(), 16, 32, 128, c.textWidth(), c.textLayers(), 4, c.context(), vocab.size()), c.seed());
    Dataset te = test.take(c.testSamples());
    ClipTask task = new ClipTask(model, captions, vocab, train.take(c.trainSamples()), te, c.batch(), c.pairs(), c.seed());
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
        Epoch row = new Epoch(e.epoch(), count == 0 ? Double.NaN : sum / count, m.get("accuracy"), m.get("i2t_r1"), m.get("i2t_r5"), m.get("t2i_r1"),
            m.get("t2i_r5"), m.get("loss"), m.get("bound_bits"), m.get("ceiling_bits"), m.get("scale"),
            e.seconds() > 0 ? e.step() * (double) c.batch() / e.seconds() : Double.NaN, e.seconds());
        sum = 0;
        count = 0;
        rows.add(row);
        onEpoch.accept(row);
      }
    });
    trainer.fit();
    int p = c.pictured(), e = c.embed();
    float[] img = task.embedImages(p), txt = task.embedTestCaptions(p);
    float[] all = new float[2 * p * e];
    System.arraycopy(img, 0, all, 0, p * e);
    System.arraycopy(txt, 0, all, p * e, p * e);
    int[] label = new int[2 * p];
    boolean[] isCaption = new boolean[2 * p];
    for (int i = 0; i < p; i++) {
      label[i] = label[p + i] = te.y()[i];
      isCaption[p + i] = true;
    }
    List<String> examples = new ArrayList<>();
    for (int i = 0; i < Math.min(5, c.pairs()); i++) examples.add(task.testCaption(i));
    return new Result(rows, Projection.pca(all, 2 * p, e, label, isCaption), model.parameterCount(), tape[1] - tape[0], examples);
  }
}
