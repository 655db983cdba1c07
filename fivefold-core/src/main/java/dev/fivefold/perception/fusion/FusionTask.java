package dev.fivefold.perception.fusion;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.Batches;
import dev.fivefold.data.Dataset;
import dev.fivefold.data.caption.CharVocabulary;
import dev.fivefold.io.BadInputException;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.Task;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Training a {@link FusionModel} to answer {@link Questions} about images, as a {@link Task}.
 *
 * <p>Training image i gets one question, drawn once from {@code new Rng(seed).split()} (balanced,
 * or {@link Questions#drawBiased biased}); test image i one from the next split in the same way
 * (the "test set" of the split), and one balanced question from the next (the unbiased test set).
 * The answer is the question's answer for the image's class. Loss: cross-entropy of the two
 * logits. Batches shuffled, seeded, resumable, the last partial one dropped.
 *
 * <p>{@link #evaluate()}: {@code accuracy} and {@code loss} on the split's test set,
 * {@code unbiased_accuracy} on the balanced one. {@link #accuracy(int[], int[])} is the
 * {@link PerceptualScore.Scorer} of the split's test set.
 */
public final class FusionTask implements Task {
  private static final int EVAL_BATCH = 500;

  private final Module model;
  private final FusionModel fusion;
  private final Questions questions;
  private final Batches batches;
  private final Dataset test;
  private final int context, batch;
  private final int[] questionIds, trainQ, trainAnswer, testQ, unbiasedQ, batchIds, batchAnswers;

  /**
   * The question-answering task of {@code model}: each training image paired with a question drawn per batch.
   *
   * @param <M> the model's type: a module that answers questions
   * @param model the model
   * @param questions the question set
   * @param vocab the questions' character vocabulary
   * @param train the training images
   * @param test the test images
   * @param batch mini-batch size, &ge; 1
   * @param biased whether the split pairs each question with its shortcut answer
   * @param seed the batches' and questions' seed
   * @throws IllegalArgumentException if {@code batch < 1}, a set is too small, or the questions and images differ
   *     in class count
   */
  public <M extends Module & FusionModel> FusionTask(M model, Questions questions, CharVocabulary vocab, Dataset train, Dataset test, int batch, boolean biased,
      long seed) {
    if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
    if (train.size() < batch) throw new IllegalArgumentException("training images (" + train.size() + ") must be >= batch (" + batch + ")");
    if (test.size() < 2) throw new IllegalArgumentException("test images (" + test.size() + ") must be >= 2");
    if (questions.classes() != train.classes()) throw new IllegalArgumentException("questions answer " + questions.classes() + " classes, the images have " + train.classes());
    this.model = model;
    this.fusion = model;
    this.questions = questions;
    this.test = test;
    this.context = model.context();
    this.batch = batch;
    questionIds = new int[questions.size() * context];
    for (int q = 0; q < questions.size(); q++) vocab.encode(questions.get(q).text(), context, questionIds, q * context);
    Rng rng = new Rng(seed);
    Rng tr = rng.split(), te = rng.split(), ub = rng.split();
    trainQ = new int[train.size()];
    trainAnswer = new int[train.size()];
    for (int i = 0; i < train.size(); i++) {
      int y = train.y()[i];
      trainQ[i] = biased ? questions.drawBiased(y, tr) : questions.draw(y, tr);
      trainAnswer[i] = questions.answer(trainQ[i], y) ? 1 : 0;
    }
    testQ = new int[test.size()];
    unbiasedQ = new int[test.size()];
    for (int i = 0; i < test.size(); i++) {
      int y = test.y()[i];
      testQ[i] = biased ? questions.drawBiased(y, te) : questions.draw(y, te);
      unbiasedQ[i] = questions.draw(y, ub);
    }
    int[] index = new int[train.size()];
    for (int i = 0; i < index.length; i++) index[i] = i;
    batches = new Batches(new Dataset(train.x(), index, train.size()), batch, true, true, new Rng(seed));
    batchIds = new int[batch * context];
    batchAnswers = new int[batch];
  }

  @Override
  public Module model() {
    return model;
  }

  /**
   * The question (index into {@link Questions}) of test image i in the split's test set.
   *
   * @param i the test image
   * @return the question's index
   */
  public int testQuestion(int i) {
    return testQ[i];
  }

  /**
   * The encoded ids of question q.
   *
   * @param q the question's index
   * @return T ids (a copy)
   */
  public int[] questionIds(int q) {
    return Arrays.copyOfRange(questionIds, q * context, (q + 1) * context);
  }

  @Override
  public Var trainLoss(Tape tape) {
    Batches.Batch b = batches.next();
    for (int i = 0; i < b.size(); i++) {
      int j = b.y()[i];
      System.arraycopy(questionIds, trainQ[j] * context, batchIds, i * context, context);
      batchAnswers[i] = trainAnswer[j];
    }
    return F.crossEntropy(fusion.logits(tape.input(b.x()), batchIds, b.size()), batchAnswers);
  }

  /** {accuracy, mean loss} on the test images when sample i sees image imageOf[i] and question qs[questionOf[i]], answer that of (qs[i], class of i). */
  double[] score(int[] imageOf, int[] questionOf, int[] qs) {
    boolean was = model.isTraining();
    model.eval();
    try {
      int n = test.size(), correct = 0;
      double loss = 0;
      float[] px = test.x().data();
      for (int s = 0; s < n; s += EVAL_BATCH) {
        int m = Math.min(EVAL_BATCH, n - s);
        float[] x = new float[m * 784];
        int[] ids = new int[m * context], answers = new int[m];
        for (int i = 0; i < m; i++) {
          System.arraycopy(px, imageOf[s + i] * 784, x, i * 784, 784);
          System.arraycopy(questionIds, qs[questionOf[s + i]] * context, ids, i * context, context);
          answers[i] = questions.answer(qs[s + i], test.y()[s + i]) ? 1 : 0;
        }
        Tape t = Tape.inference();
        Var logits = fusion.logits(t.input(Tensor.of(x, m, 1, 28, 28)), ids, m);
        float[] z = logits.data();
        for (int i = 0; i < m; i++) {
          int pred = z[2 * i + 1] > z[2 * i] ? 1 : 0;
          if (pred == answers[i]) correct++;
          double max = Math.max(z[2 * i], z[2 * i + 1]);
          double lse = max + Math.log(Math.exp(z[2 * i] - max) + Math.exp(z[2 * i + 1] - max));
          loss += lse - z[2 * i + answers[i]];
        }
      }
      return new double[] {correct / (double) n, loss / n};
    } finally {
      if (was) model.train();
    }
  }

  /**
   * The split's test accuracy with image and question permutations (identity: the plain accuracy).
   *
   * @param imageOf the image each test sample is shown
   * @param questionOf the question each test sample is asked (by sample index)
   * @return the accuracy, in [0, 1]
   */
  public double accuracy(int[] imageOf, int[] questionOf) {
    return score(imageOf, questionOf, testQ)[0];
  }

  /**
   * Test images.
   *
   * @return the number of test images
   */
  public int testSize() {
    return test.size();
  }

  @Override
  public Map<String, Double> evaluate() {
    int[] id = new int[test.size()];
    for (int i = 0; i < id.length; i++) id[i] = i;
    double[] s = score(id, id, testQ), u = score(id, id, unbiasedQ);
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("loss", s[1]);
    m.put("accuracy", s[0]);
    m.put("unbiased_accuracy", u[0]);
    return m;
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
    return batches.batchesPerEpoch();
  }

  @Override
  public Map<String, String> saveState() {
    Batches.State s = batches.state();
    return Map.of("batches.epoch", Integer.toString(s.epoch()), "batches.position", Integer.toString(s.position()), "batches.rng", Long.toString(s.rngState()));
  }

  @Override
  public void loadState(Map<String, String> st, String source) {
    try {
      batches.restore(new Batches.State(Integer.parseInt(st.get("batches.epoch")), Integer.parseInt(st.get("batches.position")), Long.parseLong(st.get("batches.rng"))));
    } catch (RuntimeException e) {
      throw new BadInputException(source + ": batch position in the checkpoint is missing or invalid (" + e.getMessage() + ")", e);
    }
  }
}
