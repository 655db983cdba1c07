package dev.fivefold.train.curriculum;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Rng;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.Task;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Classification trained in a curriculum (Hacohen &amp; Weinshall 2019, Algorithm 1): the training
 * examples are ranked by an order, and batch i is drawn uniformly without repeats from the first
 * {@code g(i) · N} of them ({@link Pacing#poolSize}). Without a pacing every batch is drawn from the
 * whole set — the vanilla control, identical in everything else (the same generator draws the
 * same kind of batches). Self-paced: every {@code rescoreEvery} steps (and before step 0) the order
 * is recomputed from the model's own per-example losses ({@link Difficulty}).
 *
 * <p>The loss is softmax cross-entropy; evaluation is {@link ClassificationTask#evaluate} on the
 * test set. The state saved is the step and the generator; the order of a self-paced run is not
 * saved but re-scored from the restored model at the first step after a restore (so a resumed
 * self-paced run is not bit-identical; the experiments here run to the end).
 */
public final class CurriculumTask implements Task {
  private final Module model;
  private final Dataset train, test;
  private final int batch;
  private final Pacing pacing;
  private final long rescoreEvery;
  private final boolean balanced;
  private final Rng rng;
  private int[] order;
  private final int[] pool;
  private long step;

  /**
   * A curriculum task; self-paced orders are not class-balanced.
   *
   * @param model the classifier being trained
   * @param train the training set, not empty
   * @param test the evaluation set
   * @param batch the batch size, at least 1
   * @param seed the seed of the batch draws
   * @param order the ranking (a permutation of the training indices, easiest first); ignored when self-paced
   * @param pacing g(i); null for the vanilla control (every batch from the whole set)
   * @param rescoreEvery self-paced re-scoring period in steps; 0 = the fixed {@code order}
   * @throws IllegalArgumentException if an argument is null or out of range, or {@code order} is not a
   *   permutation when it is used
   */
  public CurriculumTask(Module model, Dataset train, Dataset test, int batch, long seed, int[] order, Pacing pacing, long rescoreEvery) {
    this(model, train, test, batch, seed, order, pacing, rescoreEvery, false);
  }

  /**
   * A curriculum task.
   *
   * @param model the classifier being trained
   * @param train the training set, not empty
   * @param test the evaluation set
   * @param batch the batch size, at least 1
   * @param seed the seed of the batch draws
   * @param order the ranking (a permutation of the training indices, easiest first); ignored when self-paced
   * @param pacing g(i); null for the vanilla control
   * @param rescoreEvery self-paced re-scoring period in steps; 0 = the fixed {@code order}
   * @param balanced self-paced re-scoring orders by {@link Difficulty#balancedOrder} (else {@link Difficulty#order})
   * @throws IllegalArgumentException if an argument is null or out of range, or {@code order} is not a
   *   permutation when it is used
   */
  public CurriculumTask(Module model, Dataset train, Dataset test, int batch, long seed, int[] order, Pacing pacing, long rescoreEvery,
      boolean balanced) {
    if (model == null || train == null || test == null) throw new IllegalArgumentException("model, train and test must not be null");
    if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
    if (train.size() == 0) throw new IllegalArgumentException("the training set is empty");
    if (rescoreEvery < 0) throw new IllegalArgumentException("rescoreEvery (" + rescoreEvery + ") must be >= 0");
    if (rescoreEvery == 0) checkPermutation(order, train.size());
    this.model = model;
    this.train = train;
    this.test = test;
    this.batch = batch;
    this.pacing = pacing;
    this.rescoreEvery = rescoreEvery;
    this.rng = new Rng(seed);
    this.order = rescoreEvery == 0 ? order.clone() : null;
    this.pool = new int[train.size()];
    this.balanced = balanced;
  }

  private static void checkPermutation(int[] order, int n) {
    if (order == null || order.length != n) throw new IllegalArgumentException("order must be a permutation of the " + n + " training indices");
    boolean[] seen = new boolean[n];
    for (int i : order) {
      if (i < 0 || i >= n || seen[i]) throw new IllegalArgumentException("order must be a permutation of the " + n + " training indices (" + i + ")");
      seen[i] = true;
    }
  }

  /** The indices of the next batch: {@code min(batch, pool)} distinct draws from the first pool entries of the order. */
  int[] nextIndices() {
    int n = train.size();
    if (rescoreEvery > 0 && (order == null || step % rescoreEvery == 0)) {
      double[] scores = Difficulty.losses(model, train);
      order = balanced ? Difficulty.balancedOrder(scores, train.y(), train.classes(), false) : Difficulty.order(scores, false);
    }
    int size = pacing == null ? n : pacing.poolSize(step, n, batch);
    int m = Math.min(batch, size);
    for (int i = 0; i < size; i++) pool[i] = order == null ? i : order[i];
    int[] idx = new int[m];
    for (int i = 0; i < m; i++) { // partial Fisher-Yates: m distinct uniform draws
      int j = i + rng.nextInt(size - i);
      int t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
      idx[i] = pool[i];
    }
    step++;
    return idx;
  }

  /**
   * The pool size of the step about to be taken (for charts and tests).
   *
   * @return the pool size, at most the training set's size
   */
  public int poolSize() {
    return pacing == null ? train.size() : pacing.poolSize(step, train.size(), batch);
  }

  @Override
  public Module model() {
    return model;
  }

  @Override
  public Var trainLoss(Tape tape) {
    Dataset b = train.subset(nextIndices());
    return F.crossEntropy(model.forward(tape.input(b.x())), b.y());
  }

  @Override
  public int unitsPerStep() {
    return batch;
  }

  @Override
  public String unit() {
    return "samples";
  }

  @Override
  public long stepsPerEpoch() {
    return (train.size() + batch - 1) / batch;
  }

  @Override
  public Map<String, Double> evaluate() {
    return ClassificationTask.evaluate(model, test, 1000);
  }

  @Override
  public Map<String, String> saveState() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("curriculum.step", Long.toString(step));
    m.put("curriculum.rng", Long.toString(rng.state()));
    return m;
  }

  /** Restores the step and the generator (see the class comment: a self-paced order is re-scored at the next period). */
  @Override
  public void loadState(Map<String, String> state, String source) {
    try {
      step = Long.parseLong(state.get("curriculum.step"));
      rng.setState(Long.parseLong(state.get("curriculum.rng")));
    } catch (RuntimeException e) {
      throw new dev.fivefold.io.BadInputException(source + ": curriculum state in the checkpoint is missing or invalid (" + e.getMessage() + ")", e);
    }
  }
}
