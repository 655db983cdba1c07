package dev.fivefold.train;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The training loop: per step, record the loss on a reused tape, backpropagate, check that the
 * loss is finite, let the optimizer step, and tell the observers; evaluate on schedule.
 *
 * <p>A non-finite loss stops the run with a {@link DivergenceException} before the bad gradient
 * reaches the parameters. {@link #step()} and {@link #epoch()} continue from a restored
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

  /** One step; returns its loss. */
  public double trainStep() {
    long t0 = System.nanoTime();
    if (schedule != null) opt.learningRate().set(schedule.at(step, progress()));
    tape.reset();
    Var loss = task.trainLoss(tape);
    double l = loss.item();
    if (!Double.isFinite(l)) {
      opt.zeroGrad();
      throw new DivergenceException(step + 1, l);
    }
    tape.backward(loss);
    opt.step();
    step++;
    lastLoss = l;
    seconds += (System.nanoTime() - t0) / 1e9;
    return l;
  }

  /** Evaluates now and tells the observers. */
  public Map<String, Double> evaluate() {
    lastEval = task.evaluate();
    TrainObserver.Eval e = new TrainObserver.Eval(step, epoch(), seconds, lastLoss, lastEval);
    for (TrainObserver o : observers) o.onEval(e);
    return lastEval;
  }
}
