package dev.fivefold.train;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.TextCorpus;
import dev.fivefold.io.BadInputException;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.NextTokenScore;
import dev.fivefold.tensor.Rng;
import java.util.Map;

/**
 * Next-token prediction on a {@link TextCorpus}: random windows of the training part; evaluation
 * walks the held-out part (the last 10% by default) and reports the mean loss in nats, bits per
 * character (bpc = loss / ln 2, one token = one byte) and perplexity e^loss.
 *
 * <p>{@code evalTokens} &gt; 0 limits evaluation to the first that many held-out predictions
 * (quick estimates during training); 0 scores all of them.
 */
public final class LanguageModelTask implements Task {
  private final Gpt model;
  private final TextCorpus corpus;
  private final int batch, context;
  private final Rng rng;
  private final int[] inputs, targets;
  private long evalTokens;

  /**
   * A task over {@code corpus} for {@code model}.
   *
   * @param model the GPT, its vocabulary at least the corpus's and its context at least {@code context}
   * @param corpus the text
   * @param batch windows per step, at least 1
   * @param context tokens per window, in [1, the model's context]
   * @param seed the seed of the window starts
   * @param evalTokens held-out predictions scored per evaluation; 0 for all
   * @throws IllegalArgumentException if an argument is out of range
   */
  public LanguageModelTask(Gpt model, TextCorpus corpus, int batch, int context, long seed, long evalTokens) {
    if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
    if (context < 1 || context > model.config().context()) {
      throw new IllegalArgumentException("context (" + context + ") must be in [1, " + model.config().context() + "]");
    }
    if (corpus.vocabSize() > model.config().vocab()) {
      throw new IllegalArgumentException("corpus vocabulary (" + corpus.vocabSize() + ") exceeds model vocab (" + model.config().vocab() + ")");
    }
    this.model = model;
    this.corpus = corpus;
    this.batch = batch;
    this.context = context;
    this.rng = new Rng(seed);
    this.inputs = new int[batch * context];
    this.targets = new int[batch * context];
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

  /** {@return the text} */
  public TextCorpus corpus() {
    return corpus;
  }

  @Override
  public Var trainLoss(Tape tape) {
    corpus.sampleBatch(rng, batch, context, inputs, targets);
    Var logits = model.forward(tape, inputs, batch, context); // [B, T, V]
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

  /** Tokens of the training part divided by tokens per step. */
  @Override
  public long stepsPerEpoch() {
    return Math.max(1, corpus.trainSize() / (long) (batch * context));
  }

  @Override
  public Map<String, Double> evaluate() {
    boolean was = model.isTraining();
    model.eval();
    Tape tape = Tape.inference();
    NextTokenScore score = new NextTokenScore();
    int v = model.config().vocab();
    try {
      for (TextCorpus.Window w : corpus.heldOutWindows(batch, context)) {
        tape.reset();
        Var logits = model.forward(tape, w.inputs(), w.rows(), context);
        float[] z = logits.data();
        for (int r = 0; r < w.rows(); r++) {
          for (int t = w.scoreFrom()[r]; t < context; t++) {
            int off = (r * context + t) * v;
            score.add(z, off, v, w.targets()[r * context + t]);
          }
        }
        if (evalTokens > 0 && score.tokens() >= evalTokens) break;
      }
    } finally {
      if (was) model.train();
    }
    return score.result();
  }

  /**
   * Generates {@code length} tokens after {@code prompt}, sampling at {@code temperature} (0 = greedy).
   *
   * @param model the GPT
   * @param prompt the prompt's tokens
   * @param length the tokens to generate
   * @param temperature the softmax temperature; 0 for greedy
   * @param topK sample among the k most likely tokens; 0 (or less) for all
   * @param rng the source of the samples
   * @return the prompt followed by the {@code length} generated tokens
   */
  public static int[] sample(Gpt model, int[] prompt, int length, double temperature, int topK, Rng rng) {
    int ctx = model.config().context(), v = model.config().vocab();
    int[] seq = new int[prompt.length + length];
    System.arraycopy(prompt, 0, seq, 0, prompt.length);
    int len = prompt.length;
    boolean was = model.isTraining();
    model.eval();
    Tape tape = Tape.inference();
    double[] p = new double[v];
    try {
      for (int k = 0; k < length; k++) {
        int from = Math.max(0, len - ctx), t = len - from;
        int[] window = new int[t];
        System.arraycopy(seq, from, window, 0, t);
        if (t == 0) {
          window = new int[] {0};
          t = 1;
        }
        tape.reset();
        float[] z = model.forward(tape, window, 1, t).data();
        int off = (t - 1) * v;
        int next;
        if (temperature <= 0) {
          next = 0;
          for (int j = 1; j < v; j++) if (z[off + j] > z[off + next]) next = j;
        } else {
          double kth = Double.NEGATIVE_INFINITY;
          if (topK > 0 && topK < v) {
            float[] sorted = new float[v];
            System.arraycopy(z, off, sorted, 0, v);
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
          next = v - 1;
          for (int j = 0; j < v; j++) {
            acc += p[j];
            if (u < acc) {
              next = j;
              break;
            }
          }
        }
        seq[len++] = next;
      }
    } finally {
      if (was) model.train();
    }
    return seq;
  }

  @Override
  public Map<String, String> saveState() {
    return Map.of("rng", Long.toString(rng.state()));
  }

  @Override
  public void loadState(Map<String, String> st, String source) {
    try {
      rng.setState(Long.parseLong(st.get("rng")));
    } catch (RuntimeException e) {
      throw new BadInputException(source + ": field 'task.rng' (" + st.get("rng") + ") is missing or invalid");
    }
  }
}
