package dev.fivefold.perception.experiment;

import dev.fivefold.control.Controller;
import dev.fivefold.control.Schedules;
import dev.fivefold.data.TextCorpus;
import dev.fivefold.nn.Module;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.GptConfig;
import dev.fivefold.perception.ModelSpec;
import dev.fivefold.perception.Models;
import dev.fivefold.perception.RecurrentLm;
import dev.fivefold.train.LanguageModelTask;
import dev.fivefold.train.RecurrentLanguageModelTask;
import dev.fivefold.train.Task;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.TrainObserver;
import dev.fivefold.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Transformer against the LSTM (and the GRU) as character language models, at equal parameter
 * count and equal wall-clock: a GPT of the given shape, then a 2-layer LSTM and a 2-layer GRU whose
 * width is chosen so their parameter counts come closest to the GPT's; each trains for the same
 * training-time budget ({@code seconds}, or {@code maxSteps} steps if &gt; 0, whichever ends first)
 * with the same optimizer (AdamW, lr 2e-3, 100 warm-up steps, cosine to 0.1·lr as
 * {@code fivefold train}), batch and chunk length, and is scored on the same held-out text in bits
 * per character. The GPT reads random windows and sees at most {@code context} characters; the
 * recurrent models read consecutive chunks per batch row with their state carried (truncated BPTT),
 * so their memory is not bounded by the chunk. Throughput is training tokens per second of training
 * time (evaluation excluded).
 *
 * <p>The learning curve: each model is scored on the held-out text before its first step and
 * whenever its share of the budget done ({@link Trainer#progress()}: the larger of time and steps)
 * passes k/{@code curvePoints}, k = 1, …, {@code curvePoints} − 1, and at the end; each
 * {@link Point} has the training time (evaluation excluded) and the step. Evaluation reads no
 * training state, so the curve changes only the wall-clock, not what is trained.
 */
public final class RnnVsGpt {
  private RnnVsGpt() {}

  /**
   * The text, the budget and the GPT's shape.
   *
   * @param corpus the text (its held-out part scores every model)
   * @param seconds training time per model, &gt; 0
   * @param maxSteps also stop after this many steps (0: no limit)
   * @param batch batch rows, ≥ 1
   * @param context GPT context and recurrent chunk length, ≥ 1
   * @param gptLayers the GPT's Transformer blocks, ≥ 1 (the recurrent widths follow from its size)
   * @param gptHeads the GPT's attention heads, dividing its width
   * @param gptWidth the GPT's width C
   * @param evalTokens held-out predictions scored per model (0: all)
   * @param curvePoints evaluations per model for the learning curve besides the one before training, ≥ 1 (1: only at the end)
   * @param seed weights and batches
   */
  public record Config(TextCorpus corpus, double seconds, long maxSteps, int batch, int context, int gptLayers, int gptHeads, int gptWidth,
      long evalTokens, int curvePoints, long seed) {
    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if {@code corpus} is null or a number is out of range
     */
    public Config {
      if (corpus == null) throw new IllegalArgumentException("corpus must not be null");
      if (!(seconds > 0) || Double.isInfinite(seconds)) throw new IllegalArgumentException("seconds (" + seconds + ") must be > 0");
      if (maxSteps < 0) throw new IllegalArgumentException("maxSteps (" + maxSteps + ") must be >= 0");
      if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
      if (context < 1) throw new IllegalArgumentException("context (" + context + ") must be >= 1");
      if (evalTokens < 0) throw new IllegalArgumentException("evalTokens (" + evalTokens + ") must be >= 0");
      if (curvePoints < 1) throw new IllegalArgumentException("curvePoints (" + curvePoints + ") must be >= 1");
      new GptConfig(corpus.vocabSize(), context, gptLayers, gptHeads, gptWidth, 0f); // checks the GPT's shape
    }
  }

  /**
   * One point of a learning curve: held-out bits per character after {@code step} steps and {@code seconds} of training time.
   *
   * @param step training steps taken
   * @param seconds training time, seconds (evaluation excluded)
   * @param bpc held-out bits per character
   */
  public record Point(long step, double seconds, double bpc) {}

  /**
   * One model's run; {@code curve} starts at step 0 and ends with the final score ({@code bpc}).
   *
   * @param spec the model's spec string
   * @param parameters its parameter count
   * @param steps training steps taken
   * @param seconds training time, seconds
   * @param tokensPerSecond training tokens per second of training time
   * @param bpc final held-out bits per character
   * @param loss final held-out loss, nats per character
   * @param curve the learning curve
   */
  public record Row(String spec, long parameters, long steps, double seconds, double tokensPerSecond, double bpc, double loss, List<Point> curve) {
    /** Copies {@code curve} into an unmodifiable list. */
    public Row {
      curve = List.copyOf(curve);
    }
  }

  /**
   * The comparison's rows.
   *
   * @param rows the GPT, then the LSTM and the GRU
   */
  public record Result(List<Row> rows) {}

  /** Told as the experiment goes (all defaults do nothing). */
  public interface Listener {
    /**
     * Model {@code index} of {@code count} is about to train; the observer returned (or null) watches its trainer.
     *
     * @param index the model's index, 0-based
     * @param count the number of models
     * @param spec the model's architecture
     * @param trainer the trainer about to run
     * @return an observer, or null
     */
    default TrainObserver starting(int index, int count, ModelSpec spec, Trainer trainer) {
      return null;
    }

    /**
     * Model {@code index} is done.
     *
     * @param index the model's index
     * @param row its results
     */
    default void finished(int index, Row row) {}
  }

  /**
   * The recurrent spec of {@code cell} (2 layers) whose parameter count is closest to {@code target}.
   *
   * @param cell "lstm" or "gru"
   * @param vocab the alphabet size
   * @param context the chunk length
   * @param target the parameter count to match
   * @return the spec of width in [8, 2048] closest to {@code target}
   */
  public static RecurrentLm.Spec matched(String cell, int vocab, int context, long target) {
    RecurrentLm.Spec best = null;
    for (int w = 8; w <= 2048; w++) {
      RecurrentLm.Spec s = new RecurrentLm.Spec(cell, vocab, context, 2, w);
      if (best == null || Math.abs(s.parameters() - target) < Math.abs(best.parameters() - target)) best = s;
      if (s.parameters() > target) break;
    }
    return best;
  }

  /**
   * Runs the comparison with a listener that does nothing.
   *
   * @param cfg the experiment
   * @return the rows
   */
  public static Result run(Config cfg) {
    return run(cfg, new Listener() {});
  }

  /**
   * Trains and scores the GPT, then the matched LSTM and GRU.
   *
   * @param cfg the experiment
   * @param listener told as each model starts and finishes
   * @return the rows
   */
  public static Result run(Config cfg, Listener listener) {
    int v = cfg.corpus().vocabSize();
    GptConfig gpt = new GptConfig(v, cfg.context(), cfg.gptLayers(), cfg.gptHeads(), cfg.gptWidth(), 0f);
    List<ModelSpec> specs = List.of(gpt, matched("lstm", v, cfg.context(), gpt.parameters()), matched("gru", v, cfg.context(), gpt.parameters()));
    List<Row> rows = new ArrayList<>();
    for (ModelSpec s : specs) {
      Models.requireFits(s, cfg.batch(), "model " + s);
      Module m = s.build(cfg.seed());
      Task task = m instanceof RecurrentLm r ? new RecurrentLanguageModelTask(r, cfg.corpus(), cfg.batch(), cfg.context(), cfg.evalTokens())
          : new LanguageModelTask((dev.fivefold.perception.Gpt) m, cfg.corpus(), cfg.batch(), cfg.context(), cfg.seed(), cfg.evalTokens());
      double lr = 2e-3;
      // evaluations come from the curve observer only (never at the end of an epoch), and at the end
      Trainer t = new Trainer(task, Optimizers.byName("adamw", m.parameters(), lr), new TrainConfig(1_000_000, cfg.maxSteps(), cfg.seconds(), Long.MAX_VALUE));
      t.controller(Controller.open(Schedules.byName("cosine", lr, 100, 0.1)));
      List<Point> curve = new ArrayList<>();
      t.observe(new TrainObserver() {
        @Override
        public void onEval(Eval e) {
          curve.add(new Point(e.step(), e.seconds(), e.metrics().get("bpc")));
        }
      });
      TrainObserver watcher = listener.starting(rows.size(), specs.size(), s, t);
      if (watcher != null) t.observe(watcher);
      t.observe(new TrainObserver() {
        int next = 1;

        @Override
        public void onStep(Step st) {
          if (next < cfg.curvePoints() && t.progress() >= next / (double) cfg.curvePoints() && t.progress() < 1) {
            while (next < cfg.curvePoints() && t.progress() >= next / (double) cfg.curvePoints()) next++;
            t.evaluate();
          }
        }
      });
      t.evaluate(); // the untrained model: log2 of the vocabulary, roughly
      Map<String, Double> r = t.fit();
      double tps = t.step() * (double) task.unitsPerStep() / Math.max(1e-9, t.seconds());
      Row row = new Row(s.toString(), m.parameterCount(), t.step(), t.seconds(), tps, r.get("bpc"), r.get("loss"), curve);
      rows.add(row);
      listener.finished(rows.size() - 1, row);
    }
    return new Result(rows);
  }
}
