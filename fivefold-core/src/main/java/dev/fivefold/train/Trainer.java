package dev.fivefold.train;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import dev.fivefold.control.Controller;
import dev.fivefold.control.DivergenceGuard;
import dev.fivefold.control.GradientOracle;
import dev.fivefold.control.Signals;
import dev.fivefold.nn.Parameter;
import dev.fivefold.optim.GradientTransform;
import dev.fivefold.optim.OptState;

/**
 * The training loop: per step, record the loss on a reused tape, backpropagate, check that the
 * loss is finite, let the optimizer step, and tell the observers; evaluate on schedule.
 *
 * <p>A non-finite loss stops the run with a {@link DivergenceException} before the bad gradient
 * reaches the parameters — unless a {@link DivergenceGuard} is set, which rolls back to its last
 * snapshot, cuts the learning rate and continues (each rollback reported to the observers). A
 * {@link Controller} (or a schedule) sets the learning rate before each step; a clip rewrites the
 * gradients before the optimizer sees them. {@link #step()} and {@link #epoch()} continue from a restored
 * checkpoint ({@link Checkpoint}).
 */
public final class Trainer {
  private final Task task;
  private final Optimizer opt;
  private final TrainConfig cfg;
  private final List<TrainObserver> observers = new ArrayList<>();
  private final Tape tape = Tape.training();
  private long step;
  private double seconds;
  private double lastLoss = Double.NaN;
  private Map<String, Double> lastEval = Map.of();
  private dev.fivefold.control.Schedule schedule;
  private Controller controller;
  private Set<Controller.Need> needs = Set.of();
  private DivergenceGuard guard;
  private GradientTransform clip;
  private OptState clipState;
  private double lrScale = 1, smoothed, gradNorm = Double.NaN, updateRatio = Double.NaN;
  private double[] updateRatios = new double[0];
  private float[][] before, lastGrad;
  private double gradDot = Double.NaN;
  private Map<String, String> batchState;

  public Trainer(Task task, Optimizer opt, TrainConfig cfg) {
    this.task = task;
    this.opt = opt;
    this.cfg = cfg;
  }

  public Trainer observe(TrainObserver o) {
    observers.add(o);
    return this;
  }

  public long step() {
    return step;
  }

  /** Sets the learning rate from {@code s} before every step (null: leave it alone). */
  public Trainer schedule(dev.fivefold.control.Schedule s) {
    this.schedule = s;
    return this;
  }

  /**
   * Sets the learning rate from {@code c} before every step, in place of a schedule (null: none).
   * The trainer measures only the signals {@code c} needs: the gradient norm (one pass over the
   * gradients), the update-to-weight ratios (a copy of the parameters before each step) and a
   * gradient oracle on the last batch (the task's stream position is saved each step and replayed
   * when the oracle is called; the model stays in training mode, so dropout noise enters it).
   */
  public Trainer controller(Controller c) {
    this.controller = c;
    this.needs = c == null ? Set.of() : c.needs();
    return this;
  }

  /** Rolls back diverging steps instead of throwing (null: throw a {@link DivergenceException}). */
  public Trainer guard(DivergenceGuard g) {
    this.guard = g;
    return this;
  }

  /** Rewrites the gradients with {@code t} (a clip from {@link dev.fivefold.control.Clipping}) before every optimizer step. */
  public Trainer clip(GradientTransform t) {
    this.clip = t;
    this.clipState = t == null ? null : t.init(opt.parameters());
    return this;
  }

  /** Learning-rate multiplier left by the divergence guard's cuts (1 without rollbacks). */
  public double lrScale() {
    return lrScale;
  }

  /** Times every op of every following step into {@code p} (null stops). */
  public Trainer profile(dev.fivefold.autodiff.OpProfile p) {
    tape.profile(p);
    return this;
  }

  public int epoch() {
    return (int) (step / Math.max(1, task.stepsPerEpoch()));
  }

  /** Training seconds so far (restored with a checkpoint). */
  public double seconds() {
    return seconds;
  }

  public void restore(long step, double seconds) {
    this.step = step;
    this.seconds = seconds;
  }

  public Task task() {
    return task;
  }

  public Optimizer optimizer() {
    return opt;
  }

  public Map<String, Double> lastEval() {
    return lastEval;
  }

  /** Bytes of new arrays the tape has allocated (flat after the first step of a fixed shape). */
  public long tapeAllocatedBytes() {
    return tape.allocatedBytes();
  }

  /** Planned steps: epochs × steps per epoch, capped by max steps. */
  public long plannedSteps() {
    long total = task.stepsPerEpoch() * cfg.epochs();
    return cfg.maxSteps() > 0 ? Math.min(total, cfg.maxSteps()) : total;
  }

  /** Fraction of the run done: max(step / planned steps, seconds / time budget). */
  public double progress() {
    double p = step / (double) Math.max(1, plannedSteps());
    if (cfg.maxSeconds() > 0) p = Math.max(p, seconds / cfg.maxSeconds());
    return Math.min(1.0, p);
  }

  /** Runs to the configured end and returns the last evaluation. */
  public Map<String, Double> fit() {
    long perEpoch = task.stepsPerEpoch();
    long total = plannedSteps();
    for (TrainObserver o : observers) o.onStart(total, perEpoch);
    task.model().train();
    boolean evaluatedAtEnd = false;
    while (step < total) {
      if (cfg.maxSeconds() > 0 && seconds >= cfg.maxSeconds()) break;
      double loss = trainStep();
      evaluatedAtEnd = false;
      TrainObserver.Step s = new TrainObserver.Step(step, total, epoch(), loss, opt.learningRate().get(), seconds, step * (long) task.unitsPerStep());
      for (TrainObserver o : observers) o.onStep(s);
      boolean due = cfg.evalEvery() > 0 ? step % cfg.evalEvery() == 0 : step % perEpoch == 0;
      if (due) {
        evaluate();
        evaluatedAtEnd = true;
      }
    }
    if (!evaluatedAtEnd) evaluate();
    for (TrainObserver o : observers) o.onEnd();
    return lastEval;
  }

  /** One step; returns its loss. With a guard, a bad step is rolled back and retried on the next batch. */
  public double trainStep() {
    long t0 = System.nanoTime();
    while (true) {
      setLearningRate();
      if (guard != null && guard.snapshotDue(step)) guard.snapshot(step, opt, controller);
      if (needs.contains(Controller.Need.ORACLE)) batchState = task.saveState();
      tape.reset();
      Var loss = task.trainLoss(tape);
      double l = loss.item();
      String bad = guard != null ? guard.check(l) : Double.isFinite(l) ? null : "loss is " + l;
      if (bad != null) {
        opt.zeroGrad();
        if (guard == null || guard.exhausted()) throw new DivergenceException(step + 1, l);
        rollback(l, bad);
        continue;
      }
      tape.backward(loss);
      if (clip != null) clipGradients();
      measureBefore();
      opt.step();
      measureAfter();
      step++;
      if (guard != null) guard.accept(l);
      smoothed = 0.98 * smoothed + 0.02 * l;
      lastLoss = l;
      seconds += (System.nanoTime() - t0) / 1e9;
      return l;
    }
  }

  private void setLearningRate() {
    if (controller != null) opt.learningRate().set(controller.next(signals()) * lrScale);
    else if (schedule != null) opt.learningRate().set(schedule.at(step, progress()) * lrScale);
  }

  /** The signals the controller sees before the next step. */
  public Signals signals() {
    if (Double.isNaN(lastLoss)) return Signals.start(step, progress(), opt.learningRate().get());
    double sm = smoothed / (1 - Math.pow(0.98, Math.max(1, opt.steps())));
    GradientOracle oracle = needs.contains(Controller.Need.ORACLE) && batchState != null ? new BatchOracle(batchState) : null;
    return new Signals(step, progress(), lastLoss, sm, gradNorm, updateRatio, updateRatios, opt.learningRate().get(), oracle, gradDot);
  }

  private void rollback(double l, String reason) {
    long at = step + 1;
    step = guard.restore(opt, controller);
    lastGrad = null; // the next gradient's predecessor was undone
    lrScale *= guard.lrCut();
    if (controller == null && schedule == null) opt.learningRate().set(opt.learningRate().get() * guard.lrCut());
    TrainObserver.Rollback r = new TrainObserver.Rollback(at, step, l, reason, lrScale, guard.rollbacks());
    for (TrainObserver o : observers) o.onRollback(r);
  }

  private void clipGradients() {
    List<Parameter> ps = opt.parameters();
    float[][] g = new float[ps.size()][];
    for (int i = 0; i < g.length; i++) g[i] = ps.get(i).grad();
    clip.update(g, clipState, ps);
  }

  private void measureBefore() {
    List<Parameter> ps = opt.parameters();
    if (needs.contains(Controller.Need.GRAD_NORM) || needs.contains(Controller.Need.GRAD_DOT)) {
      double s = 0;
      for (Parameter p : ps) for (float x : p.grad()) s += (double) x * x;
      gradNorm = Math.sqrt(s);
    }
    if (needs.contains(Controller.Need.GRAD_DOT)) { // g_t·g_{t−1}; NaN on the first step (and the first after a resume or rollback)
      boolean have = lastGrad != null;
      if (!have) {
        lastGrad = new float[ps.size()][];
        for (int i = 0; i < lastGrad.length; i++) lastGrad[i] = new float[ps.get(i).size()];
      }
      double d = 0;
      for (int i = 0; i < lastGrad.length; i++) {
        float[] g = ps.get(i).grad(), h = lastGrad[i];
        for (int j = 0; j < g.length; j++) d += (double) g[j] * h[j];
        System.arraycopy(g, 0, h, 0, g.length);
      }
      gradDot = have ? d : Double.NaN;
    }
    if (needs.contains(Controller.Need.UPDATE_RATIO)) {
      if (before == null) {
        before = new float[ps.size()][];
        for (int i = 0; i < before.length; i++) before[i] = new float[ps.get(i).size()];
      }
      for (int i = 0; i < before.length; i++) System.arraycopy(ps.get(i).value().data(), 0, before[i], 0, before[i].length);
    }
  }

  private void measureAfter() {
    if (!needs.contains(Controller.Need.UPDATE_RATIO)) return;
    List<Parameter> ps = opt.parameters();
    if (updateRatios.length != ps.size()) updateRatios = new double[ps.size()];
    double dAll = 0, wAll = 0;
    for (int i = 0; i < before.length; i++) {
      float[] w = ps.get(i).value().data(), b = before[i];
      double d = 0, n = 0;
      for (int j = 0; j < w.length; j++) {
        double dj = w[j] - b[j];
        d += dj * dj;
        n += (double) w[j] * w[j];
      }
      updateRatios[i] = Math.sqrt(d) / Math.sqrt(n);
      dAll += d;
      wAll += n;
    }
    updateRatio = Math.sqrt(dAll) / Math.sqrt(wAll);
  }

  /** ∇L(θ + δ) on the batch of the last step, replayed from the task's saved stream position. */
  private final class BatchOracle implements GradientOracle {
    private final Map<String, String> batch;
    private final float[][] out, theta;
    private final int[] sizes;

    BatchOracle(Map<String, String> batch) {
      this.batch = batch;
      List<Parameter> ps = opt.parameters();
      sizes = new int[ps.size()];
      out = new float[ps.size()][];
      theta = new float[ps.size()][];
      for (int i = 0; i < sizes.length; i++) {
        sizes[i] = ps.get(i).size();
        out[i] = new float[sizes[i]];
        theta[i] = new float[sizes[i]];
      }
    }

    @Override
    public int[] sizes() {
      return sizes.clone();
    }

    @Override
    public float[][] gradient(float[][] delta) {
      List<Parameter> ps = opt.parameters();
      Map<String, String> now = task.saveState();
      task.loadState(batch, "the last batch");
      for (int i = 0; i < sizes.length; i++) {
        float[] w = ps.get(i).value().data();
        System.arraycopy(w, 0, theta[i], 0, w.length);
        for (int j = 0; j < w.length; j++) w[j] += delta[i][j];
      }
      try {
        opt.zeroGrad();
        tape.reset();
        tape.backward(task.trainLoss(tape));
        for (int i = 0; i < sizes.length; i++) System.arraycopy(ps.get(i).grad(), 0, out[i], 0, sizes[i]);
      } finally {
        opt.zeroGrad();
        for (int i = 0; i < sizes.length; i++) {
          System.arraycopy(theta[i], 0, ps.get(i).value().data(), 0, sizes[i]);
        }
        task.loadState(now, "the stream position");
      }
      return out;
    }
  }

  /** Evaluates now and tells the observers. */
  public Map<String, Double> evaluate() {
    lastEval = task.evaluate();
    TrainObserver.Eval e = new TrainObserver.Eval(step, epoch(), seconds, lastLoss, lastEval);
    for (TrainObserver o : observers) o.onEval(e);
    return lastEval;
  }
}
