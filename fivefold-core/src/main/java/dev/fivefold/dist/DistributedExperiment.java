package dev.fivefold.dist;

import dev.fivefold.data.Dataset;
import dev.fivefold.data.TextCorpus;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.Gpt;
import dev.fivefold.train.LanguageModelTask;
import dev.fivefold.train.ClassificationTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Data-parallel training with compressed communication, as one library call (what {@code fivefold
 * distributed} runs): a {@link Simulator} run for a number of optimizer steps on image samples or a
 * text ({@link TrainingData}), scored by an {@link Evaluator} (test accuracy, or the GPT's
 * held-out bits per character) every few rounds and at the end, with the bytes every worker
 * sent and the time split into measured compute and simulated communication.
 *
 * <p>{@link #compare} runs several variants (compressor, local steps) of one base config — the
 * issue's table of dense, 1-bit, top-k, DGC, PowerSGD, local SGD, and the DGC ablation — with the
 * same seed, so they see the same shards, batches and initial weights.
 */
public final class DistributedExperiment {
  private DistributedExperiment() {}

  /**
   * A run: the simulated cluster, how long to train and how often to evaluate.
   *
   * @param sim the workers, model, compressor, optimizer and network
   * @param steps optimizer steps, &ge; 1 (local SGD: rounded up to whole rounds of H)
   * @param evalEvery evaluate every this many rounds, 0 for only at the end
   */
  public record Config(Simulator.Config sim, long steps, int evalEvery) {
    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if {@code sim} is null, {@code steps < 1} or {@code evalEvery < 0}
     */
    public Config {
      if (sim == null) throw new IllegalArgumentException("sim config must be given");
      if (steps < 1) throw new IllegalArgumentException("steps (" + steps + ") must be >= 1");
      if (evalEvery < 0) throw new IllegalArgumentException("evalEvery (" + evalEvery + ") must be >= 0");
    }

    /**
     * Rounds to run: ⌈steps / H⌉.
     *
     * @return the number of communication rounds, {@code ceil(steps / H)} with H the config's local steps
     */
    public long rounds() {
      return (steps + sim.localSteps() - 1) / sim.localSteps();
    }
  }

  /**
   * A test-set evaluation after {@code step} optimizer steps: the mean loss in nats and, for an
   * image classifier, the accuracy (NaN for a language model, whose score is {@link #bitsPerChar()}).
   *
   * @param step optimizer steps taken before the evaluation
   * @param loss mean cross-entropy on the held-out data, nats
   * @param accuracy fraction of test samples classified correctly, in [0, 1]; NaN for a language model
   */
  public record Eval(long step, double loss, double accuracy) {
    /** {@return the loss in bits: bits per character for a byte-level language model, loss / ln 2} */
    public double bitsPerChar() {
      return loss / Math.log(2);
    }
  }

  /** How a run's model is scored: test accuracy for images, held-out bits per character for text. */
  @FunctionalInterface
  public interface Evaluator {
    /**
     * Scores {@code model} after {@code step} steps (leaves it in training mode).
     *
     * @param model the model every worker holds
     * @param step optimizer steps taken
     * @return the evaluation
     */
    Eval evaluate(Module model, long step);

    /**
     * Loss and accuracy of an image classifier on {@code test}, in batches of 1000.
     *
     * @param test the test set
     * @return the evaluator
     */
    static Evaluator accuracy(Dataset test) {
      return (model, step) -> {
        Map<String, Double> e = ClassificationTask.evaluate(model, test, 1000);
        return new Eval(step, e.get("loss"), e.get("accuracy"));
      };
    }

    /**
     * Held-out loss of a GPT on the held-out part of {@code corpus} (the walk of {@link
     * TextCorpus#heldOutWindows}, batches of 32 windows of {@code context} tokens), accuracy NaN.
     *
     * @param corpus the text
     * @param context tokens per window, at most the model's context
     * @param tokens held-out predictions to score, 0 for all
     * @return the evaluator
     */
    static Evaluator bitsPerChar(TextCorpus corpus, int context, long tokens) {
      return (model, step) -> {
        if (!(model instanceof Gpt gpt)) throw new IllegalArgumentException("bits per character need a gpt, not " + model.getClass().getSimpleName());
        Map<String, Double> e = new LanguageModelTask(gpt, corpus, 32, context, 0, tokens).evaluate();
        return new Eval(step, e.get("loss"), Double.NaN);
      };
    }
  }

  /**
   * The outcome of one run.
   *
   * @param label what the run is ({@code compare}'s variant label, else the compressor's name)
   * @param rounds the rounds run by this call, in order (a resumed run's later ones)
   * @param evals the evaluations, the last at the end
   * @param bytesPerWorker payload bytes one worker sent in the whole run (mean over workers; a resumed run's
   *     from its start)
   * @param denseBytesPerWorker what dense float32 exchanges of the same rounds would have sent
   * @param computeSeconds measured compute seconds of the run (per round the slowest worker, aggregation and update)
   * @param commSeconds simulated communication time of the run on the config's network, seconds
   */
  public record Result(String label, List<Simulator.Round> rounds, List<Eval> evals, double bytesPerWorker, double denseBytesPerWorker,
      double computeSeconds, double commSeconds) {
    /** Copies {@code rounds} and {@code evals} into unmodifiable lists. */
    public Result {
      rounds = List.copyOf(rounds);
      evals = List.copyOf(evals);
    }

    /**
     * The final evaluation, at the end of the run.
     *
     * @return the last element of {@link #evals()}
     */
    public Eval last() {
      return evals.getLast();
    }

    /**
     * Dense bytes over bytes sent.
     *
     * @return the compression ratio, {@code denseBytesPerWorker / bytesPerWorker} (+∞ if nothing was sent)
     */
    public double ratio() {
      return denseBytesPerWorker / bytesPerWorker;
    }
  }

  /**
   * A variant of a comparison: a label, the compressor spec, the local steps.
   *
   * @param label the row's name in the table, e.g. {@code "DGC"}
   * @param compressor the compressor spec, e.g. {@code "topk:ratio=0.001"}
   * @param localSteps H, optimizer steps between synchronisations (1: every step)
   */
  public record Variant(String label, String compressor, int localSteps) {}

  /**
   * Runs {@code cfg} on {@code train}, evaluating on {@code test}; each round is shown to {@code onRound} (may be null).
   *
   * @param cfg the run
   * @param train the training set, sharded over the workers
   * @param test the evaluation set
   * @param onRound called after every round, or null
   * @return the run's rounds, evaluations, bytes and times
   */
  public static Result run(Config cfg, Dataset train, Dataset test, Consumer<Simulator.Round> onRound) {
    return run(cfg, new Simulator(cfg.sim(), train), test, null, onRound);
  }

  /**
   * {@link #run(Config, Simulator, Evaluator, String, Consumer)} scored by test accuracy.
   *
   * @param cfg the run; only its step count and evaluation period are used here
   * @param sim the simulator to advance, possibly already some rounds in
   * @param test the evaluation set
   * @param label the result's label, or null for the compressor's name
   * @param onRound called after every round, or null
   * @return the rounds run by this call and their evaluations, with the totals of {@code sim}
   */
  public static Result run(Config cfg, Simulator sim, Dataset test, String label, Consumer<Simulator.Round> onRound) {
    return run(cfg, sim, Evaluator.accuracy(test), label, onRound);
  }

  /**
   * Runs {@code sim} (fresh, or restored from a checkpoint) to the config's end, scored by
   * {@code test} every {@code evalEvery} rounds and at the end; {@code label} null names it by its
   * compressor. {@code onRound} may be null.
   *
   * @param cfg the run; only its step count and evaluation period are used here
   * @param sim the simulator to advance, possibly already some rounds in
   * @param test how the model is scored (accuracy, or bits per character)
   * @param label the result's label, or null for the compressor's name
   * @param onRound called after every round, or null
   * @return the rounds run by this call and their evaluations, with the totals of {@code sim}
   */
  public static Result run(Config cfg, Simulator sim, Evaluator test, String label, Consumer<Simulator.Round> onRound) {
    List<Simulator.Round> rounds = new ArrayList<>();
    List<Eval> evals = new ArrayList<>();
    long total = cfg.rounds();
    while (sim.rounds() < total) {
      Simulator.Round r = sim.round();
      rounds.add(r);
      if (onRound != null) onRound.accept(r);
      if (cfg.evalEvery() > 0 && sim.rounds() % cfg.evalEvery() == 0 && sim.rounds() < total) evals.add(evaluate(sim, test));
    }
    evals.add(evaluate(sim, test));
    return new Result(label != null ? label : sim.compressor().name(), rounds, evals, sim.bytesPerWorker(), sim.denseBytesPerWorker(),
        sim.computeSeconds(), sim.commSeconds());
  }

  private static Eval evaluate(Simulator sim, Evaluator test) {
    return test.evaluate(sim.model(), sim.step());
  }

  /**
   * Each variant of {@code base} (its compressor and local steps replaced), in order, same seed.
   * {@code onRun} sees each result as it completes (may be null).
   *
   * @param base the config whose compressor and local steps each variant replaces
   * @param variants the runs to make, in order
   * @param train the training set
   * @param test the evaluation set
   * @param onRun called with each result as it completes, or null
   * @return one result per variant, in the variants' order
   */
  public static List<Result> compare(Config base, List<Variant> variants, Dataset train, Dataset test, Consumer<Result> onRun) {
    return compare(base, variants, new TrainingData.Images(train), Evaluator.accuracy(test), onRun);
  }

  /**
   * {@link #compare(Config, List, Dataset, Dataset, Consumer)} on any training data and score (the
   * GPT on a text: bits per character).
   *
   * @param base the config whose compressor and local steps each variant replaces
   * @param variants the runs to make, in order
   * @param train the training data (images or a text's windows)
   * @param test how each run is scored
   * @param onRun called with each result as it completes, or null
   * @return one result per variant, in the variants' order
   */
  public static List<Result> compare(Config base, List<Variant> variants, TrainingData train, Evaluator test, Consumer<Result> onRun) {
    List<Result> out = new ArrayList<>();
    for (Variant v : variants) {
      Simulator.Config s = base.sim();
      Simulator.Config c = s.with(s.model(), s.workers(), s.batch(), s.accumulation(), v.compressor(), v.localSteps());
      Config cfg = new Config(c, base.steps(), base.evalEvery());
      Result r = run(cfg, new Simulator(c, train), test, v.label(), null);
      out.add(r);
      if (onRun != null) onRun.accept(r);
    }
    return out;
  }

  /**
   * The table for ratio ρ, rank r and H local steps: dense, 1-bit EF (per column), top-k
   * (EF), DGC (all four techniques: momentum m, local clip {@code clip}, masking, warm-up over
   * {@code warmup} steps), PowerSGD, local SGD (dense deltas every H steps).
   *
   * @param ratio ρ, the fraction of gradient entries top-k and DGC send, in (0, 1]
   * @param rank r, PowerSGD's rank
   * @param localSteps H, local SGD's steps per round
   * @param momentum the momentum m DGC and 1-bit EF carry in their error-feedback loops
   * @param clip DGC's local gradient-clipping threshold (0: off)
   * @param warmup DGC's warm-up, in steps (0: none)
   * @return the six variants, dense first
   */
  public static List<Variant> table(double ratio, int rank, int localSteps, double momentum, double clip, long warmup) {
    return table(ratio, rank, localSteps, momentum, clip, warmup, "column");
  }

  /**
   * {@link #table}, with 1-bit EF's reconstruction {@code scaling} ("column" as Seide et al., or "tensor": about 32×).
   *
   * @param ratio ρ, the fraction of gradient entries top-k and DGC send, in (0, 1]
   * @param rank r, PowerSGD's rank
   * @param localSteps H, local SGD's steps per round
   * @param momentum the momentum m DGC and 1-bit EF carry in their error-feedback loops
   * @param clip DGC's local gradient-clipping threshold (0: off)
   * @param warmup DGC's warm-up, in steps (0: none)
   * @param scaling 1-bit EF's scaling, {@code "column"} or {@code "tensor"}
   * @return the six variants, dense first
   */
  public static List<Variant> table(double ratio, int rank, int localSteps, double momentum, double clip, long warmup, String scaling) {
    return List.of(new Variant("dense", "dense", 1), new Variant("1-bit EF", onebit(scaling, momentum), 1),
        new Variant("top-k", "topk:ratio=" + ratio, 1), new Variant("DGC", dgc(ratio, momentum, true, clip, true, warmup), 1),
        new Variant("PowerSGD r=" + rank, "powersgd:rank=" + rank, 1), new Variant("local SGD H=" + localSteps, "dense", localSteps));
  }

  /**
   * DGC with all four techniques, then without each one in turn, then top-k (none of them), then
   * the variant that did best here (session 18): momentum correction and clipping only, with the
   * largest values of the whole model sent instead of each tensor's ({@code selection=global}), and
   * that variant with a residual of rate-weighted steps ({@code residual=step}, session 19; it
   * differs only under a decaying rate).
   *
   * @param ratio ρ, the fraction of gradient entries sent, in (0, 1]
   * @param momentum the momentum m
   * @param clip the local gradient-clipping threshold (0: off)
   * @param warmup the warm-up, in steps
   * @return eight variants: all four techniques, each one removed, none, global without masking and warm-up, and that with the step residual
   */
  public static List<Variant> dgcAblation(double ratio, double momentum, double clip, long warmup) {
    return List.of(new Variant("DGC (all four)", dgc(ratio, momentum, true, clip, true, warmup), 1),
        new Variant("- momentum correction", dgc(ratio, momentum, false, clip, false, warmup), 1),
        new Variant("- local clipping", dgc(ratio, momentum, true, 0, true, warmup), 1),
        new Variant("- factor masking", dgc(ratio, momentum, true, clip, false, warmup), 1),
        new Variant("- warm-up", dgc(ratio, momentum, true, clip, true, 0), 1),
        new Variant("top-k (none)", "topk:ratio=" + ratio, 1),
        new Variant("global, - masking, - warm-up", dgc(ratio, momentum, true, clip, false, 0) + ",selection=global", 1),
        new Variant("global, - masking, - warm-up, step residual", dgc(ratio, momentum, true, clip, false, 0) + ",selection=global,residual=step", 1));
  }

  /**
   * A 1-bit EF spec string: with {@code momentum} &gt; 0 the workers keep the velocity inside the
   * error-feedback loop (and the optimizer takes plain steps), as DGC's momentum correction does.
   *
   * @param scaling {@code "column"} or {@code "tensor"}
   * @param momentum m, in [0, 1) (0: none in the compressor)
   * @return a {@code onebit:scaling=...[,momentum=...]} spec
   */
  public static String onebit(String scaling, double momentum) {
    return "onebit:scaling=" + scaling + (momentum > 0 ? ",momentum=" + momentum : "");
  }

  /**
   * A DGC spec string. Without momentum correction, factor masking has nothing to mask and is off.
   *
   * @param ratio ρ, the fraction of gradient entries sent
   * @param momentum the momentum m (used only with {@code correction})
   * @param correction whether to apply momentum correction
   * @param clip the local gradient-clipping threshold (0: off)
   * @param masking whether to apply momentum factor masking
   * @param warmup the warm-up, in steps (0: none)
   * @return a {@code dgc:ratio=...,momentum=...,correction=...,clip=...,masking=...,warmup=...} spec
   */
  public static String dgc(double ratio, double momentum, boolean correction, double clip, boolean masking, long warmup) {
    return "dgc:ratio=" + ratio + ",momentum=" + (correction ? momentum : 0) + ",correction=" + (correction ? "on" : "off") + ",clip=" + clip
        + ",masking=" + (masking && correction ? "on" : "off") + ",warmup=" + warmup;
  }
}
