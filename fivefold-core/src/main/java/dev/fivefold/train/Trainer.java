package dev.fivefold.train;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.control.Controller;
import dev.fivefold.control.DivergenceGuard;
import dev.fivefold.control.Rewinder;
import dev.fivefold.control.Sensors;
import dev.fivefold.control.Signals;
import dev.fivefold.nn.Parameter;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The training loop, with hooks at fixed points. Per step:
 * <ol>
 *   <li>the {@link Controller} (a schedule is {@link Controller#open}) sets the learning rate from
 *       the {@link Signals} of the last step, times the guard's {@link #lrScale()}; a rewind it
 *       asked for ({@link Rewinder}) is carried out;</li>
 *   <li>the {@link DivergenceGuard}, if any, gets its snapshot when due;</li>
 *   <li>the task records the loss of the next batch on a reused tape; a bad loss is rolled back
 *       (with a guard) or stops the run with a {@link DivergenceException} before the bad
 *       gradient reaches the parameters;</li>
 *   <li>backward; the optimizer's chain (a clip first, if {@link Optimizer#prepend}ed) updates
 *       the parameters, its input shown to the {@link Sensors};</li>
 *   <li>the sensors measure what the controller needs; the observers are told; evaluation on schedule.</li>
 * </ol>
 * {@link #state()} is everything the run's future depends on ({@link TrainState}); {@link #load}
 * restores it, so a run interrupted and resumed ends bit-identical to an uninterrupted one
 * ({@link Checkpoint} writes it to a file). {@link #requestStop()} (from any thread) ends
 * {@link #fit()} after the current step.
 */
public final class Trainer {
  /** Tag of the divergence guard's snapshot among the kept states. */
  static final String GUARD = "guard";

  private final Task task;
  private final Optimizer opt;
  private final TrainConfig cfg;
  private final List<TrainObserver> observers = new ArrayList<>();
  private final Tape tape = Tape.training().freeGradients(true);
  private final Sensors.Replay replay;
  private final Map<String, TrainState> kept = new LinkedHashMap<>();
  private final Consumer<float[][]> sense = g -> sensors().gradients(g);
  private long step;
  private double seconds;
  private Map<String, Double> lastEval = Map.of();
  private Controller controller;
  private Sensors sensors;
  private DivergenceGuard guard;
  private double lrScale = 1;
  private TrainState pendingRewind;
  private volatile boolean stopRequested;
  private boolean stopped;
  /** Nanoseconds per phase of this process's steps, see {@link #timeBreakdown}. */
  private final long[] phaseNanos = new long[PHASES.size()];
  private static final int DATA = 0, FORWARD = 1, BACKWARD = 2, UPDATE = 3, CONTROL = 4, OBSERVERS = 5, EVALUATION = 6;
  private static final List<String> PHASES = List.of("data", "forward", "backward", "update", "control", "observers", "evaluation");

  /**
   * A trainer at step 0, with no controller (the rate stays what {@code opt} has), no guard and no observers.
   *
   * @param task the model, its data and its loss
   * @param opt the optimizer of the model's parameters
   * @param cfg the run's length and evaluation cadence
   */
  public Trainer(Task task, Optimizer opt, TrainConfig cfg) {
    this.task = task;
    this.opt = opt;
    this.cfg = cfg;
    this.replay = new Sensors.Replay() {
      @Override
      public Map<String, String> position() {
        return task.saveState();
      }

      @Override
      public void seek(Map<String, String> position, String source) {
        task.loadState(position, source);
      }

      @Override
      public Var loss(Tape t) {
        return task.trainLoss(t);
      }
    };
    this.sensors = new Sensors(Set.of(), opt.parameters(), tape, replay);
  }

  /**
   * Adds an observer, told of every step, evaluation, rollback and of the run's start and end.
   *
   * @param o the observer
   * @return this trainer
   */
  public Trainer observe(TrainObserver o) {
    observers.add(o);
    return this;
  }

  /** {@return the number of completed steps} */
  public long step() {
    return step;
  }

  /**
   * Sets the learning rate from {@code c} before every step (null: leave the rate alone); a
   * schedule is {@code controller(Controller.open(schedule))}. The trainer's {@link Sensors}
   * measure only the signals {@code c} {@link Controller#needs() needs}, and {@code c} is attached
   * to the trainer's {@link Rewinder}. Set it (and the guard) before {@link #load}.
   *
   * @param c the controller, or null
   * @return this trainer
   */
  public Trainer controller(Controller c) {
    this.controller = c;
    this.sensors = new Sensors(c == null ? Set.of() : c.needs(), opt.parameters(), tape, replay);
    if (c != null) c.attach(rewinder);
    return this;
  }

  /**
   * Rolls back diverging steps instead of throwing (null: throw a {@link DivergenceException}).
   *
   * @param g the guard, or null
   * @return this trainer
   */
  public Trainer guard(DivergenceGuard g) {
    this.guard = g;
    if (g == null) kept.remove(GUARD);
    return this;
  }

  /**
   * Learning-rate multiplier left by the divergence guard's cuts (1 without rollbacks).
   *
   * @return the multiplier, in (0, 1]
   */
  public double lrScale() {
    return lrScale;
  }

  /**
   * Times every op of every following step into {@code p} (null stops).
   *
   * @param p the profile to add to, or null
   * @return this trainer
   */
  public Trainer profile(dev.fivefold.autodiff.OpProfile p) {
    tape.profile(p);
    return this;
  }

  /** {@return the current epoch, 0-based: completed steps over steps per epoch} */
  public int epoch() {
    return (int) (step / Math.max(1, task.stepsPerEpoch()));
  }

  /**
   * Training seconds so far (restored with a checkpoint).
   *
   * @return the seconds
   */
  public double seconds() {
    return seconds;
  }

  /** {@return the task being trained} */
  public Task task() {
    return task;
  }

  /** {@return the optimizer} */
  public Optimizer optimizer() {
    return opt;
  }

  /**
   * The sensors feeding the controller (their smoothed loss is the run's).
   *
   * @return the sensors
   */
  public Sensors sensors() {
    return sensors;
  }

  /** {@return the last evaluation's metrics by name, empty before the first} */
  public Map<String, Double> lastEval() {
    return lastEval;
  }

  /**
   * Bytes of new arrays the tape has allocated (flat after the first step of a fixed shape).
   *
   * @return the bytes
   */
  public long tapeAllocatedBytes() {
    return tape.allocatedBytes();
  }

  /**
   * Planned steps: epochs × steps per epoch, capped by max steps.
   *
   * @return the planned step count
   */
  public long plannedSteps() {
    long total = task.stepsPerEpoch() * cfg.epochs();
    return cfg.maxSteps() > 0 ? Math.min(total, cfg.maxSteps()) : total;
  }

  /**
   * Fraction of the run done: max(step / planned steps, seconds / time budget).
   *
   * @return the progress, in [0, 1]
   */
  public double progress() {
    double p = step / (double) Math.max(1, plannedSteps());
    if (cfg.maxSeconds() > 0) p = Math.max(p, seconds / cfg.maxSeconds());
    return Math.min(1.0, p);
  }

  /**
   * Asks {@link #fit()} to return after the step under way (thread-safe; e.g. from a shutdown
   * hook). The run ends as at its planned end — observers get {@code onEnd}, so a
   * {@link Checkpointing} observer writes its checkpoint — but without the final evaluation.
   * A request made before {@code fit()} starts ends it before its first step.
   */
  public void requestStop() {
    stopRequested = true;
  }

  /**
   * Whether the last {@link #fit()} ended on a {@link #requestStop()} rather than at its planned end.
   *
   * @return true if stopped early
   */
  public boolean stopped() {
    return stopped;
  }

  /**
   * Runs to the configured end (or a stop request) and returns the last evaluation.
   *
   * @return the metrics of the last evaluation
   * @throws DivergenceException if the loss is not finite (without a guard) or the guard's rollbacks run out
   */
  public Map<String, Double> fit() {
    stopped = false;
    long perEpoch = task.stepsPerEpoch();
    long total = plannedSteps();
    for (TrainObserver o : observers) o.onStart(total, perEpoch);
    task.model().train();
    boolean evaluatedAtEnd = false;
    while (step < total) {
      if (stopRequested) {
        stopped = true;
        stopRequested = false;
        break;
      }
      if (cfg.maxSeconds() > 0 && seconds >= cfg.maxSeconds()) break;
      double loss = trainStep();
      evaluatedAtEnd = false;
      long t0 = System.nanoTime();
      TrainObserver.Step s = new TrainObserver.Step(step, total, epoch(), loss, opt.learningRate().get(), seconds, step * (long) task.unitsPerStep());
      for (TrainObserver o : observers) o.onStep(s);
      phaseNanos[OBSERVERS] += System.nanoTime() - t0;
      boolean due = cfg.evalEvery() > 0 ? step % cfg.evalEvery() == 0 : step % perEpoch == 0;
      if (due) {
        timedEvaluate();
        evaluatedAtEnd = true;
      }
    }
    if (!stopped && !evaluatedAtEnd) timedEvaluate();
    for (TrainObserver o : observers) o.onEnd();
    return lastEval;
  }

  private void timedEvaluate() {
    long t0 = System.nanoTime();
    evaluate();
    phaseNanos[EVALUATION] += System.nanoTime() - t0;
  }

  /**
   * Wall seconds this trainer has spent, in this process, in each phase of its steps, in order:
   * "data" (the task assembling batches, {@link Task#dataNanos}), "forward" (the loss on the tape,
   * less data), "backward", "update" (the optimizer and the sensors after it), "control" (learning
   * rate, guard snapshot, sensors before the batch, tape reset), and in {@link #fit()} "observers"
   * (their {@code onStep}) and "evaluation" (with its observers). The first five make up
   * {@link #seconds()} (the training time throughput is measured by); the last two are outside it.
   * Timers only: measuring changes no result. Not part of the {@link #state()}.
   *
   * @return seconds by phase name
   */
  public Map<String, Double> timeBreakdown() {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < PHASES.size(); i++) m.put(PHASES.get(i), phaseNanos[i] / 1e9);
    return m;
  }

  private boolean midStep;

  /**
   * One step; returns its loss. With a guard, a bad step is rolled back and retried on the next batch.
   *
   * @return the step's training loss
   * @throws DivergenceException if the loss is not finite (without a guard) or the guard's rollbacks run out
   */
  public double trainStep() {
    long t0 = System.nanoTime();
    midStep = true; // until the step completes: a failure in between leaves a state worth nothing
    while (true) {
      long c0 = System.nanoTime();
      setLearningRate();
      if (guard != null && (!kept.containsKey(GUARD) || guard.snapshotDue(step))) kept.put(GUARD, snapshot(true));
      sensors.beforeBatch();
      tape.reset();
      long f0 = System.nanoTime(), d0 = task.dataNanos();
      phaseNanos[CONTROL] += f0 - c0;
      Var loss = task.trainLoss(tape);
      double l = loss.item();
      long b0 = System.nanoTime(), data = task.dataNanos() - d0;
      phaseNanos[DATA] += data;
      phaseNanos[FORWARD] += b0 - f0 - data;
      String bad = guard != null ? guard.check(l) : Double.isFinite(l) ? null : "loss is " + l;
      if (bad != null) {
        opt.zeroGrad();
        if (guard == null || guard.exhausted()) throw new DivergenceException(step + 1, l);
        rollback(l, bad);
        continue;
      }
      tape.backward(loss);
      long u0 = System.nanoTime();
      phaseNanos[BACKWARD] += u0 - b0;
      opt.step(sensors.readsGradients() ? sense : null);
      sensors.afterUpdate(l);
      phaseNanos[UPDATE] += System.nanoTime() - u0;
      step++;
      if (guard != null) guard.accept(l);
      seconds += (System.nanoTime() - t0) / 1e9;
      midStep = false;
      return l;
    }
  }

  /**
   * Whether the trainer is between steps: no step has started, or the last one completed. After a
   * failure inside a step (an exception or an out-of-memory error part-way through the batch, the
   * backward pass or the update) it is false, and {@link #state()} is not a state the run passed
   * through; after a failure elsewhere (in an evaluation, an observer) it is true and the state is
   * that of the last completed step, fit to save.
   *
   * @return true between steps
   */
  public boolean betweenSteps() {
    return !midStep;
  }

  private void setLearningRate() {
    if (controller == null) return;
    opt.learningRate().set(controller.next(signals()) * lrScale);
    if (pendingRewind != null) {
      TrainState r = pendingRewind;
      pendingRewind = null;
      restoreSnapshot(r, false);
    }
  }

  /**
   * The signals the controller sees before the next step.
   *
   * @return the signals
   */
  public Signals signals() {
    return sensors.signals(step, progress(), opt.learningRate().get());
  }

  private void rollback(double l, String reason) {
    long at = step + 1;
    TrainState snap = kept.get(GUARD);
    restoreSnapshot(snap, true);
    step = snap.step();
    guard.rolledBack();
    sensors.forgetGradient(); // the next gradient's predecessor was undone
    lrScale *= guard.lrCut();
    if (controller == null) opt.learningRate().set(opt.learningRate().get() * guard.lrCut());
    TrainObserver.Rollback r = new TrainObserver.Rollback(at, step, l, reason, lrScale, guard.rollbacks());
    for (TrainObserver o : observers) o.onRollback(r);
  }

  // ---- the state

  /**
   * A snapshot: the parameters ("params.&lt;i&gt;", in the optimizer's order), the model's buffers
   * ("buffers.&lt;name&gt;": running statistics) and the optimizer's state (buffers and step count, not the learning rate) as they are now; what {@link #rewind}
   * goes back to.
   *
   * @return the snapshot
   */
  public TrainState snapshot() {
    return snapshot(false);
  }

  /** With {@code full}: also the controller's state and the other kept copies (the guard's snapshot). */
  private TrainState snapshot(boolean full) {
    Map<String, Tensor> t = new LinkedHashMap<>();
    Map<String, String> m = new LinkedHashMap<>();
    List<Parameter> ps = opt.parameters();
    for (int i = 0; i < ps.size(); i++) t.put("params." + i, ps.get(i).value().copy());
    for (var e : task.model().namedBuffers().entrySet()) t.put("buffers." + e.getKey(), e.getValue().copy());
    opt.saveState(t, m);
    m.remove("lr");
    if (full) {
      if (controller != null) for (var e : controller.saveState().entrySet()) m.put("controller." + e.getKey(), e.getValue());
      Map<String, TrainState> others = new LinkedHashMap<>(kept);
      others.remove(GUARD);
      TrainState.embed(others, t, m);
    }
    return new TrainState(step, seconds, t, m);
  }

  /** Writes a {@link #snapshot} back (gradients zeroed); with {@code full} also the controller and the kept copies. */
  private void restoreSnapshot(TrainState s, boolean full) {
    String src = "snapshot of step " + s.step();
    List<Parameter> ps = opt.parameters();
    for (int i = 0; i < ps.size(); i++) {
      Tensor p = s.tensors().get("params." + i);
      if (p == null || p.size() != ps.get(i).size()) throw new IllegalArgumentException(src + ": parameter " + i + " missing or of another size");
      System.arraycopy(p.data(), 0, ps.get(i).value().data(), 0, p.size());
    }
    for (var e : task.model().namedBuffers().entrySet()) {
      Tensor b = s.tensors().get("buffers." + e.getKey());
      if (b != null && b.size() == e.getValue().size()) e.getValue().copyFrom(b);
    }
    opt.loadState(s.tensors(), s.meta(), src);
    opt.zeroGrad();
    if (full) {
      if (controller != null) controller.loadState(s.meta("controller."), src);
      kept.keySet().removeIf(k -> !k.equals(GUARD));
      kept.putAll(s.kept());
    }
  }

  /**
   * Asks the trainer to go back to {@code s} (a {@link #snapshot}) before the next step: its
   * parameters and optimizer state, gradients zeroed; the step count, learning rate, data
   * position and controller stay. Requests from the controller come through its {@link Rewinder}.
   *
   * @param s a snapshot from {@link #snapshot}
   * @throws IllegalArgumentException if {@code s} is null
   */
  public void rewind(TrainState s) {
    if (s == null) throw new IllegalArgumentException("state (null) must be given");
    if (controller == null) restoreSnapshot(s, false); // no controller call to wait for
    else pendingRewind = s;
  }

  private final Rewinder rewinder = new Rewinder() {
    @Override
    public void keep(String tag) {
      if (tag.equals(GUARD)) throw new IllegalArgumentException("tag (" + tag + ") is the guard's");
      kept.put(tag, snapshot(false));
    }

    @Override
    public void rewind(String tag) {
      TrainState s = kept.get(tag);
      if (s == null) throw new IllegalArgumentException("no state kept under '" + tag + "'");
      pendingRewind = s;
    }

    @Override
    public void forget(String prefix) {
      kept.keySet().removeIf(k -> k.startsWith(prefix) && !k.equals(GUARD));
    }
  };

  /**
   * Everything the run's future depends on (see {@link TrainState}); a copy, unaffected by later steps.
   *
   * @return the state
   */
  public TrainState state() {
    Map<String, Tensor> t = new LinkedHashMap<>();
    Map<String, String> m = new LinkedHashMap<>();
    for (var e : task.model().stateDict().entrySet()) t.put("model." + e.getKey(), e.getValue()); // parameters and buffers
    for (var e : task.model().namedGenerators().entrySet()) m.put("rng." + e.getKey(), Long.toString(e.getValue().state()));
    opt.saveState(t, m);
    for (var e : task.saveState().entrySet()) m.put("task." + e.getKey(), e.getValue());
    if (controller != null) for (var e : controller.saveState().entrySet()) m.put("controller." + e.getKey(), e.getValue());
    sensors.save(t, m);
    m.put("trainer.lrScale", Double.toString(lrScale));
    if (guard != null) m.putAll(guard.saveState());
    TrainState.embed(kept, t, m);
    return new TrainState(step, seconds, t, m);
  }

  /**
   * Restores {@link #state()} (the controller and guard set first: their state is restored into
   * them). Parts a state lacks (a checkpoint written before they were saved: format
   * fivefold-checkpoint-1) start fresh: no smoothed loss yet, lr scale 1, the controller and guard
   * as constructed, no kept copies. {@code source} names the state in errors.
   *
   * @param s a state from {@link #state()}, or read by {@link Checkpoint}
   * @param source names the state in messages
   * @throws IllegalArgumentException if a field is missing or invalid
   */
  public void load(TrainState s, String source) {
    task.model().loadStateDict(s.tensors("model."), source);
    loadGenerators(s.meta("rng."), source);
    opt.loadState(s.tensors(), s.meta(), source);
    task.loadState(s.meta("task."), source);
    step = s.step();
    seconds = s.seconds();
    Map<String, String> c = s.meta("controller.");
    if (controller != null && !c.isEmpty()) controller.loadState(c, source);
    sensors.load(s.tensors(), s.meta(), source);
    String scale = s.meta().get("trainer.lrScale");
    lrScale = scale == null ? 1 : Controller.read(s.meta(), "trainer.lrScale", source);
    if (!(lrScale > 0) || Double.isInfinite(lrScale)) {
      throw new IllegalArgumentException(source + ": field 'trainer.lrScale' (" + scale + ") must be finite and > 0");
    }
    if (guard != null) guard.loadState(s.meta(), source);
    kept.clear();
    kept.putAll(s.kept());
    pendingRewind = null;
    task.model().zeroGrad();
  }

  /**
   * Sets the model's generators ({@link Module#namedGenerators}) to the saved positions. A state
   * without them (a snapshot, or a checkpoint from before they were saved) leaves them where they are;
   * a saved name the model lacks, or a value that is not a number, is an error naming it.
   */
  private void loadGenerators(Map<String, String> saved, String source) {
    if (saved.isEmpty()) return;
    Map<String, dev.fivefold.tensor.Rng> live = task.model().namedGenerators();
    for (var e : saved.entrySet()) {
      dev.fivefold.tensor.Rng r = live.get(e.getKey());
      if (r == null) throw new IllegalArgumentException(source + ": generator 'rng." + e.getKey() + "' is not in this model");
      try {
        r.setState(Long.parseLong(e.getValue()));
      } catch (NumberFormatException x) {
        throw new IllegalArgumentException(source + ": field 'rng." + e.getKey() + "' (" + e.getValue() + ") is not a number");
      }
    }
  }

  /**
   * Evaluates now and tells the observers.
   *
   * @return the metrics by name
   */
  public Map<String, Double> evaluate() {
    lastEval = task.evaluate();
    TrainObserver.Eval e = new TrainObserver.Eval(step, epoch(), seconds, sensors.lastLoss(), lastEval);
    for (TrainObserver o : observers) o.onEval(e);
    return lastEval;
  }
}
