package dev.fivefold.train;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.Batches;
import dev.fivefold.data.Dataset;
import dev.fivefold.data.augment.Augmenter;
import dev.fivefold.data.augment.TestTimeAugmentation;
import dev.fivefold.io.BadInputException;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Rng;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A mini-batch {@link Task} given by its loss: shuffled, seeded {@link Batches} of a training set,
 * the {@link Loss} of each batch on the training tape, evaluation as a classifier on a test set
 * (mean cross-entropy and accuracy, {@link ClassificationTask#evaluate}), throughput in samples,
 * and the batch position as checkpoint state (so a resumed run sees exactly the batches an
 * uninterrupted one would). A task that augments its batches passes its {@link Augmenter}, whose
 * state (the augmentation spec and the batches augmented) is saved beside the position, so the
 * resumed run also augments them exactly as the uninterrupted one. {@link ClassificationTask}, {@link MixupTask}, VIB and distillation are
 * this task with their losses.
 */
public class BatchedTask implements Task {
  /** The mean loss (nats) of one training batch, recorded on {@code tape}. */
  @FunctionalInterface
  public interface Loss {
    /**
     * Records the loss of {@code batch}.
     *
     * @param tape the training tape
     * @param batch the batch, valid until the next one is drawn
     * @return the scalar mean loss
     */
    Var of(Tape tape, Batches.Batch batch);
  }

  /** The shuffled training batches, drawn by {@link #trainLoss}. */
  protected final Batches batches;
  private final Module model;
  private final Dataset test;
  private final Loss loss;
  private final Augmenter augmenter;
  private long dataNanos;
  private TestTimeAugmentation tta = TestTimeAugmentation.NONE;

  /**
   * A task of {@code loss} without augmentation.
   *
   * @param model what the trainer updates (its parameters) and what is evaluated
   * @param train the training set, shuffled per epoch by {@code new Rng(seed)}
   * @param test the evaluation set
   * @param batchSize samples per batch, at least 1
   * @param seed the seed of the batch order
   * @param loss the loss of a batch
   * @throws IllegalArgumentException if {@code batchSize} is below 1 or the model or loss is null
   */
  public BatchedTask(Module model, Dataset train, Dataset test, int batchSize, long seed, Loss loss) {
    this(model, train, test, batchSize, seed, loss, null);
  }

  /**
   * A task of {@code loss}, with its augmenter's state checkpointed.
   *
   * @param model what the trainer updates and what is evaluated
   * @param train the training set
   * @param test the evaluation set
   * @param batchSize samples per batch, at least 1
   * @param seed the seed of the batch order
   * @param loss the loss of a batch
   * @param augmenter the augmenter the loss uses, whose state is checkpointed with the batch
   *     position; null if the batches are not augmented
   * @throws IllegalArgumentException if {@code batchSize} is below 1 or the model or loss is null
   */
  protected BatchedTask(Module model, Dataset train, Dataset test, int batchSize, long seed, Loss loss, Augmenter augmenter) {
    if (batchSize < 1) throw new IllegalArgumentException("batch (" + batchSize + ") must be >= 1");
    if (model == null || loss == null) throw new IllegalArgumentException("model and loss must not be null");
    this.batches = new Batches(train, batchSize, true, new Rng(seed));
    this.model = model;
    this.test = test;
    this.loss = loss;
    this.augmenter = augmenter;
  }

  @Override
  public Module model() {
    return model;
  }

  @Override
  public Var trainLoss(Tape tape) {
    long t0 = System.nanoTime();
    Batches.Batch b = batches.next();
    dataNanos += System.nanoTime() - t0;
    return loss.of(tape, b);
  }

  @Override
  public long dataNanos() {
    return dataNanos;
  }

  /**
   * Loss and accuracy of the model on the test set (eval mode, batches of {@link #evalBatch}),
   * with the test-time augmentation metrics too if {@link #tta} set an active one.
   */
  @Override
  public Map<String, Double> evaluate() {
    return ClassificationTask.evaluate(model, test, evalBatch(model), tta);
  }

  /**
   * The test-time augmentation under which {@link #evaluate} also reports "tta_loss" and
   * "tta_accuracy" ({@link ClassificationTask#evaluate(Module, Dataset, int, TestTimeAugmentation)}).
   * Evaluation only: training is unchanged. None by default.
   *
   * @param tta the views to average, {@link TestTimeAugmentation#NONE} for none
   * @return this task
   * @throws IllegalArgumentException if {@code tta} is active and the test set is not images
   */
  public BatchedTask tta(TestTimeAugmentation tta) {
    if (tta.active()) dev.fivefold.data.augment.ImageLayout.of(test.x());
    this.tta = tta;
    return this;
  }

  /**
   * Floats an evaluation batch may hold in activations: 512 MB. (2 GB was too much: a 60-minute
   * ResNet run on an 8 GB heap ran out of memory in its 17th evaluation, with the training step's
   * buffers, the data and the evaluation's batch of 455 all live; batches past ~100 images do not
   * evaluate faster.)
   */
  static final long EVAL_FLOATS = 1L << 27;

  /**
   * The evaluation batch for {@code model}: 1000, or fewer when a batch of 1000 would hold more
   * than {@link #EVAL_FLOATS} activations by the model's own estimate
   * ({@link dev.fivefold.perception.ModelSpec#activationsPerSample}); e.g. 1000 for the MLP,
   * LeNet-5, 404 for the default ViT, 113 for the default ResNet (whose im2col matrices are large).
   *
   * @param model the model
   * @return the evaluation batch size, 1 to 1000
   */
  public static int evalBatch(Module model) {
    if (!(model instanceof dev.fivefold.perception.Model m)) return 1000;
    long per = Math.max(1, m.spec().activationsPerSample());
    return (int) Math.max(1, Math.min(1000, EVAL_FLOATS / per));
  }

  @Override
  public int unitsPerStep() {
    return batches.batchSize();
  }

  @Override
  public String unit() {
    return "samples";
  }

  @Override
  public long stepsPerEpoch() {
    return batches.batchesPerEpoch();
  }

  @Override
  public Map<String, String> saveState() {
    Batches.State s = batches.state();
    Map<String, String> m = new LinkedHashMap<>();
    m.put("batches.epoch", Integer.toString(s.epoch()));
    m.put("batches.position", Integer.toString(s.position()));
    m.put("batches.rng", Long.toString(s.rngState()));
    if (augmenter != null) {
      m.put("augment", augmenter.augmentation().toString());
      m.put("augment.batches", Long.toString(augmenter.batches()));
    }
    return m;
  }

  @Override
  public void loadState(Map<String, String> st, String source) {
    try {
      batches.restore(new Batches.State(Integer.parseInt(st.get("batches.epoch")),
          Integer.parseInt(st.get("batches.position")), Long.parseLong(st.get("batches.rng"))));
    } catch (RuntimeException e) {
      throw new BadInputException(source + ": batch position in the checkpoint is missing or invalid (" + e.getMessage() + ")", e);
    }
    String saved = st.getOrDefault("augment", "none"), mine = augmenter == null ? "none" : augmenter.augmentation().toString();
    if (!saved.equals(mine)) {
      throw new BadInputException(source + ": the checkpoint was trained with augmentation '" + saved + "', this run has '" + mine + "'");
    }
    if (augmenter == null) return;
    try {
      augmenter.restore(Long.parseLong(st.get("augment.batches")));
    } catch (RuntimeException e) {
      throw new BadInputException(source + ": field 'task.augment.batches' (" + st.get("augment.batches") + ") is missing or invalid", e);
    }
  }
}
