package dev.fivefold.train;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.TextCorpus;
import dev.fivefold.io.BadInputException;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.NextTokenScore;
import dev.fivefold.perception.RecurrentLm;
import dev.fivefold.tensor.Rng;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Next-token prediction for a {@link RecurrentLm} by truncated back-propagation through time
 * (Williams &amp; Peng 1990; as in Zaremba et al. 2014): the training text is cut into B contiguous
 * streams, row r reading [r·S, (r+1)·S] with S = (trainSize − 1) / B; each step feeds every row its
 * next chunk of T = context tokens, starting from the final state of the row's previous chunk
 * (carried, detached: the gradient stops at the chunk boundary, the memory does not). When the
 * streams run out (after S / T steps, one epoch) they restart from their beginnings with a zero state.
 *
 * <p>Evaluation reads the held-out part the same way (B streams from a zero state, every token but
 * the first of each stream predicted once, with all of its stream's past as context) and reports the
 * mean loss in nats, bits per character and perplexity like {@link LanguageModelTask};
 * {@code evalTokens} &gt; 0 stops after that many predictions (whole chunks).
 *
 * <p>The checkpoint state is the stream position and the carried state (base64 of its float bits),
 * so a resumed run continues bit for bit.
 */
public final class RecurrentLanguageModelTask implements Task {
  private final RecurrentLm model;
  private final TextCorpus corpus;
  private final int batch, context, segment;
  private final int[] inputs, targets;
  private final RecurrentLm.Carry carry;
  private int pos;
  private long evalTokens;

  /**
   * A task over {@code corpus} for {@code model}, the streams at their beginnings with a zero state.
   *
   * @param model the recurrent model, its vocabulary at least the corpus's
   * @param corpus the text
   * @param batch streams B, at least 1
   * @param context tokens per chunk T, at least 1
   * @param evalTokens held-out predictions scored per evaluation; 0 for all
   * @throws IllegalArgumentException if an argument is out of range or the training text is too short for B
   *   streams of more than T tokens
   */
  public RecurrentLanguageModelTask(RecurrentLm model, TextCorpus corpus, int batch, int context, long evalTokens) {
    if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
    if (context < 1) throw new IllegalArgumentException("context (" + context + ") must be >= 1");
    if (corpus.vocabSize() > model.vocab()) {
      throw new IllegalArgumentException("corpus vocabulary (" + corpus.vocabSize() + ") exceeds model vocab (" + model.vocab() + ")");
    }
    this.segment = (corpus.trainSize() - 1) / batch;
    if (segment < context) {
      throw new IllegalArgumentException("training text (" + corpus.trainSize() + " tokens) is too short for " + batch + " streams of at least context (" + context + ") + 1 tokens");
    }
    this.model = model;
    this.corpus = corpus;
    this.batch = batch;
    this.context = context;
    this.inputs = new int[batch * context];
    this.targets = new int[batch * context];
    this.carry = model.carry(batch);
    this.evalTokens = evalTokens;
  }

  /**
   * Sets how many held-out predictions an evaluation scores.
   *
   * @param n the number of predictions; 0 for all
   */
  public void setEvalTokens(long n) {
    this.evalTokens = n;
  }

  @Override
  public Module model() {
    return model;
  }

  @Override
  public Var trainLoss(Tape tape) {
    if (pos + context > segment) {
      pos = 0;
      carry.reset();
    }
    for (int r = 0; r < batch; r++) {
      int from = r * segment + pos;
      for (int t = 0; t < context; t++) {
        inputs[r * context + t] = corpus.token(from + t);
        targets[r * context + t] = corpus.token(from + t + 1);
      }
    }
    pos += context;
    Var logits = model.forward(tape, inputs, batch, context, carry); // [B, T, V]
    return F.crossEntropy(logits, targets);
  }

  @Override
  public int unitsPerStep() {
    return batch * context;
  }

  @Override
  public String unit() {
    return "tokens";
  }

  @Override
  public long stepsPerEpoch() {
    return Math.max(1, segment / context);
  }

  @Override
  public Map<String, Double> evaluate() {
    boolean was = model.isTraining();
    model.eval();
    Tape tape = Tape.inference();
    NextTokenScore score = new NextTokenScore();
    int v = model.vocab(), base = corpus.trainSize(), held = corpus.heldOutSize();
    int rows = Math.max(1, Math.min(batch, (held - 1) / Math.max(1, context)));
    int seg = (held - 1) / rows;
    RecurrentLm.Carry c = model.carry(rows);
    int[] in = new int[rows * context], tg = new int[rows * context];
    try {
      for (int p = 0; p < seg; p += context) {
        int t = Math.min(context, seg - p);
        for (int r = 0; r < rows; r++) {
          for (int k = 0; k < t; k++) {
            in[r * t + k] = corpus.token(base + r * seg + p + k);
            tg[r * t + k] = corpus.token(base + r * seg + p + k + 1);
          }
        }
        tape.reset();
        float[] z = model.forward(tape, in, rows, t, c).data();
        for (int i = 0; i < rows * t; i++) score.add(z, i * v, v, tg[i]);
        if (evalTokens > 0 && score.tokens() >= evalTokens) break;
      }
    } finally {
      if (was) model.train();
    }
    return score.result();
  }

  /**
   * Generates {@code length} tokens after {@code prompt}: the prompt read from a zero state, then
   * one token at a time carrying the state, sampling at {@code temperature} (0 = greedy) from the
   * {@code topK} most likely (0 = all), as {@link LanguageModelTask#sample} does for a GPT.
   *
   * @param model the recurrent model
   * @param prompt the prompt's tokens
   * @param length the tokens to generate
   * @param temperature the softmax temperature; 0 for greedy
   * @param topK sample among the k most likely tokens; 0 for all
   * @param rng the source of the samples
   * @return the prompt followed by the {@code length} generated tokens
   */
  public static int[] sample(RecurrentLm model, int[] prompt, int length, double temperature, int topK, Rng rng) {
    int v = model.vocab();
    int[] seq = new int[prompt.length + length];
    System.arraycopy(prompt, 0, seq, 0, prompt.length);
    int len = prompt.length;
    boolean was = model.isTraining();
    model.eval();
    Tape tape = Tape.inference();
    RecurrentLm.Carry c = model.carry(1);
    double[] p = new double[v];
    try {
      int[] window = prompt.length == 0 ? new int[] {0} : prompt;
      for (int k = 0; k < length; k++) {
        tape.reset();
        float[] z = model.forward(tape, window, 1, window.length, c).data();
        int next = pick(z, (window.length - 1) * v, v, temperature, topK, rng, p);
        seq[len++] = next;
        window = new int[] {next};
      }
    } finally {
      if (was) model.train();
    }
    return seq;
  }

  /** The next token from logits z[off, off + v): greedy at temperature 0, else softmax(z / temperature) over the top k. */
  private static int pick(float[] z, int off, int v, double temperature, int topK, Rng rng, double[] p) {
    if (temperature <= 0) {
      int next = 0;
      for (int j = 1; j < v; j++) if (z[off + j] > z[off + next]) next = j;
      return next;
    }
    double kth = Double.NEGATIVE_INFINITY;
    if (topK > 0 && topK < v) {
      float[] sorted = java.util.Arrays.copyOfRange(z, off, off + v);
      java.util.Arrays.sort(sorted);
      kth = sorted[v - topK];
    }
    double m = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < v; j++) m = Math.max(m, z[off + j]);
    double s = 0;
    for (int j = 0; j < v; j++) {
      p[j] = z[off + j] < kth ? 0 : Math.exp((z[off + j] - m) / temperature);
      s += p[j];
    }
    double u = rng.nextDouble() * s, acc = 0;
    for (int j = 0; j < v; j++) {
      acc += p[j];
      if (u < acc) return j;
    }
    return v - 1;
  }

  @Override
  public Map<String, String> saveState() {
    float[] s = carry.save();
    ByteBuffer bb = ByteBuffer.allocate(4 * s.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : s) bb.putFloat(f);
    Map<String, String> m = new LinkedHashMap<>();
    m.put("pos", Integer.toString(pos));
    m.put("carry", Base64.getEncoder().encodeToString(bb.array()));
    return m;
  }

  @Override
  public void loadState(Map<String, String> st, String source) {
    try {
      int p = Integer.parseInt(st.get("pos"));
      if (p < 0 || p > segment) throw new IllegalArgumentException("out of range");
      byte[] raw = Base64.getDecoder().decode(st.get("carry"));
      if (raw.length % 4 != 0) throw new IllegalArgumentException("length");
      float[] s = new float[raw.length / 4];
      ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(s);
      carry.load(s);
      pos = p;
    } catch (RuntimeException e) {
      throw new BadInputException(source + ": fields 'task.pos' (" + st.get("pos") + ") and 'task.carry' are missing or invalid for this model and batch");
    }
  }
}
