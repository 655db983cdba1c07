package dev.fivefold.perception.clip;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.Batches;
import dev.fivefold.data.Dataset;
import dev.fivefold.data.caption.Captions;
import dev.fivefold.data.caption.CharVocabulary;
import dev.fivefold.io.BadInputException;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.Task;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Training a {@link Clip} on images paired with generated captions, as a {@link Task}.
 *
 * <p>Image i of the training set gets one caption of its class in the training wording, drawn once
 * from {@code new Rng(seed).split()} in image order; test image i one in the held-out wording,
 * from the next split. Batches are shuffled, seeded and resumable ({@link Batches}, the last partial
 * batch dropped so every step contrasts the same number of pairs and the tape reuses its buffers).
 *
 * <p>{@link #evaluate()} (model in eval mode, an inference tape) reports:
 * <ul>
 *   <li>{@code accuracy}: zero-shot classification of every test image — the class whose mean
 *       prompt embedding ({@link Captions#prompts}, renormalised) has the largest cosine;</li>
 *   <li>{@code i2t_r1}, {@code i2t_r5}, {@code t2i_r1}, {@code t2i_r5}: recall@k of the matching
 *       test caption among the first {@code pairs} test captions for each image, and of the
 *       matching image for each caption (ties broken against the match). Captions of one class are
 *       near-interchangeable, so instance recall is bounded by about 10/pairs at k = 1;</li>
 *   <li>{@code loss}: the InfoNCE loss of the test pairs in chunks of the training batch size N;
 *       {@code bound_bits} = log₂ N − loss / ln 2 and {@code ceiling_bits} = log₂ N
 *       ({@link InfoNce#boundBits});</li>
 *   <li>{@code scale}: exp(s) = 1/τ.</li>
 * </ul>
 */
public final class ClipTask implements Task {
  private static final int EVAL_BATCH = 500;

  private final Clip model;
  private final Captions captions;
  private final CharVocabulary vocab;
  private final Batches batches;
  private final Dataset test;
  private final int context, pairs, batch;
  private final int[] trainIds, testIds, batchIds;
  private final String[] testCaptions;

  /**
   * The contrastive task of {@code model}: one training-wording caption per training image, one held-out-wording
   * caption per test image.
   *
   * @param model the CLIP model
   * @param captions the caption generator
   * @param vocab the character vocabulary
   * @param train the training images
   * @param test the test images
   * @param batch pairs per step N, &ge; 2
   * @param pairs test pairs scored for recall and the bound, in [1, test size]
   * @param seed the batches' and captions' seed
   * @throws IllegalArgumentException if a caption does not fit the model's context or holds a
   *     character outside {@code vocab}, {@code batch < 2}, or a set is too small
   */
  public ClipTask(Clip model, Captions captions, CharVocabulary vocab, Dataset train, Dataset test, int batch, int pairs, long seed) {
    if (batch < 2) throw new IllegalArgumentException("batch (" + batch + ") must be >= 2 (InfoNCE contrasts pairs)");
    if (train.size() < batch) throw new IllegalArgumentException("training images (" + train.size() + ") must be >= batch (" + batch + ")");
    if (pairs < 1 || pairs > test.size()) throw new IllegalArgumentException("pairs (" + pairs + ") must be in [1, " + test.size() + "]");
    if (captions.classes() != train.classes()) throw new IllegalArgumentException("captions have " + captions.classes() + " classes, the images " + train.classes());
    this.model = model;
    this.captions = captions;
    this.vocab = vocab;
    this.context = model.spec().context();
    this.pairs = pairs;
    this.batch = batch;
    this.test = test;
    Rng rng = new Rng(seed);
    Rng trainWords = rng.split(), testWords = rng.split();
    trainIds = new int[train.size() * context];
    for (int i = 0; i < train.size(); i++) vocab.encode(captions.caption(train.y()[i], Captions.Split.TRAIN, trainWords), context, trainIds, i * context);
    testCaptions = new String[pairs];
    testIds = new int[pairs * context];
    for (int i = 0; i < pairs; i++) {
      testCaptions[i] = captions.caption(test.y()[i], Captions.Split.TEST, testWords);
      vocab.encode(testCaptions[i], context, testIds, i * context);
    }
    int[] index = new int[train.size()];
    for (int i = 0; i < index.length; i++) index[i] = i;
    Dataset indexed = new Dataset(train.x(), index, Math.max(1, train.size())); // y = the image's index, to find its caption
    this.batches = new Batches(indexed, batch, true, true, new Rng(seed));
    this.batchIds = new int[batch * context];
  }

  @Override
  public Module model() {
    return model;
  }

  /**
   * The held-out caption of test image i (i &lt; pairs).
   *
   * @param i the test image, in [0, pairs)
   * @return its caption
   */
  public String testCaption(int i) {
    return testCaptions[i];
  }

  @Override
  public Var trainLoss(Tape tape) {
    Batches.Batch b = batches.next();
    for (int i = 0; i < b.size(); i++) System.arraycopy(trainIds, b.y()[i] * context, batchIds, i * context, context);
    return model.loss(tape.input(b.x()), batchIds);
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

  /**
   * Unit-norm embeddings [n, E] of the first n test images.
   *
   * @param n the images
   * @return n·E floats, row-major
   */
  public float[] embedImages(int n) {
    int e = model.spec().embed();
    float[] out = new float[n * e];
    float[] px = test.x().data();
    for (int s = 0; s < n; s += EVAL_BATCH) {
      int m = Math.min(EVAL_BATCH, n - s);
      Tape t = Tape.inference();
      Tensor x = Tensor.of(Arrays.copyOfRange(px, s * 784, (s + m) * 784), m, 1, 28, 28);
      System.arraycopy(model.encodeImages(t.input(x)).data(), 0, out, s * e, m * e);
    }
    return out;
  }

  /**
   * Unit-norm embeddings [n, E] of the texts encoded in {@code ids} ([n, T]).
   *
   * @param ids the texts' ids, at least n·T
   * @param n the texts
   * @return n·E floats, row-major
   */
  public float[] embedTexts(int[] ids, int n) {
    int e = model.spec().embed();
    float[] out = new float[n * e];
    for (int s = 0; s < n; s += EVAL_BATCH) {
      int m = Math.min(EVAL_BATCH, n - s);
      Tape t = Tape.inference();
      System.arraycopy(model.encodeTexts(t, Arrays.copyOfRange(ids, s * context, (s + m) * context), m).data(), 0, out, s * e, m * e);
    }
    return out;
  }

  /**
   * Unit-norm embeddings of the first n held-out test captions (n ≤ pairs).
   *
   * @param n the captions, at most pairs
   * @return n·E floats, row-major
   */
  public float[] embedTestCaptions(int n) {
    return embedTexts(testIds, n);
  }

  /**
   * Per class, the renormalised mean embedding of its zero-shot prompts: [classes, E].
   *
   * @return classes·E floats, row-major
   */
  public float[] classEmbeddings() {
    int e = model.spec().embed(), k = captions.classes();
    float[] out = new float[k * e];
    for (int c = 0; c < k; c++) {
      List<String> ps = captions.prompts(c);
      int[] ids = new int[ps.size() * context];
      for (int i = 0; i < ps.size(); i++) vocab.encode(ps.get(i), context, ids, i * context);
      float[] z = embedTexts(ids, ps.size());
      double norm = 0;
      for (int j = 0; j < e; j++) {
        double s = 0;
        for (int i = 0; i < ps.size(); i++) s += z[i * e + j];
        out[c * e + j] = (float) s;
        norm += s * s;
      }
      for (int j = 0; j < e; j++) out[c * e + j] /= (float) Math.sqrt(norm);
    }
    return out;
  }

  @Override
  public Map<String, Double> evaluate() {
    model.eval();
    try {
      model.clampScale();
      int e = model.spec().embed(), n = test.size();
      float[] img = embedImages(n), cls = classEmbeddings();
      int correct = 0;
      for (int i = 0; i < n; i++) if (argmax(img, i, cls, captions.classes(), e) == test.y()[i]) correct++;
      float[] txt = embedTestCaptions(pairs);
      double[] sim = new double[pairs * pairs]; // sim[i·P + j] = <image i, caption j>
      for (int i = 0; i < pairs; i++) for (int j = 0; j < pairs; j++) sim[i * pairs + j] = dot(img, i, txt, j, e);
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("accuracy", correct / (double) n);
      m.put("i2t_r1", recall(sim, pairs, 1, false));
      m.put("i2t_r5", recall(sim, pairs, 5, false));
      m.put("t2i_r1", recall(sim, pairs, 1, true));
      m.put("t2i_r5", recall(sim, pairs, 5, true));
      int chunk = Math.min(batch, pairs), chunks = pairs / chunk;
      double loss = 0, scale = model.scale();
      for (int c = 0; c < chunks; c++) loss += symmetricLoss(sim, pairs, c * chunk, chunk, scale);
      loss /= chunks;
      m.put("loss", loss);
      m.put("bound_bits", InfoNce.boundBits(loss, chunk));
      m.put("ceiling_bits", InfoNce.ceilingBits(chunk));
      m.put("scale", scale);
      return m;
    } finally {
      model.train();
    }
  }

  private static int argmax(float[] a, int i, float[] b, int k, int e) {
    int best = 0;
    double bv = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < k; c++) {
      double v = dot(a, i, b, c, e);
      if (v > bv) {
        bv = v;
        best = c;
      }
    }
    return best;
  }

  static double dot(float[] a, int i, float[] b, int j, int e) {
    double s = 0;
    for (int d = 0; d < e; d++) s += (double) a[i * e + d] * b[j * e + d];
    return s;
  }

  /** Fraction of rows (or columns, {@code byText}) whose match (the diagonal) is among the k largest; ties count against it. */
  static double recall(double[] sim, int p, int k, boolean byText) {
    int hits = 0;
    for (int i = 0; i < p; i++) {
      double d = sim[i * p + i];
      int above = 0;
      for (int j = 0; j < p; j++) {
        if (j == i) continue;
        double v = byText ? sim[j * p + i] : sim[i * p + j];
        if (v >= d) above++;
      }
      if (above < k) hits++;
    }
    return hits / (double) p;
  }

  /** The symmetric InfoNCE loss (double) of the chunk [s, s + m) of the pairs at the given scale. */
  static double symmetricLoss(double[] sim, int p, int s, int m, double scale) {
    double total = 0;
    for (int i = 0; i < m; i++) {
      double rowMax = Double.NEGATIVE_INFINITY, colMax = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < m; j++) {
        rowMax = Math.max(rowMax, scale * sim[(s + i) * p + s + j]);
        colMax = Math.max(colMax, scale * sim[(s + j) * p + s + i]);
      }
      double rs = 0, cs = 0;
      for (int j = 0; j < m; j++) {
        rs += Math.exp(scale * sim[(s + i) * p + s + j] - rowMax);
        cs += Math.exp(scale * sim[(s + j) * p + s + i] - colMax);
      }
      double diag = scale * sim[(s + i) * p + s + i];
      total += (rowMax + Math.log(rs) - diag) + (colMax + Math.log(cs) - diag);
    }
    return total / (2.0 * m);
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
