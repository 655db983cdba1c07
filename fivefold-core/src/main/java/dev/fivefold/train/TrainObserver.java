package dev.fivefold.train;

import java.util.Map;

/** Receives the signals of a training run: every step, every evaluation, the end. */
public interface TrainObserver {
  /**
   * One optimizer step done.
   *
   * @param step the steps done, 1 after the first
   * @param totalSteps the planned steps
   * @param epoch the current epoch, 0-based
   * @param loss this step's training loss
   * @param lr the learning rate this step used
   * @param seconds the training seconds so far
   * @param units the examples (or tokens) seen so far: steps times {@link Task#unitsPerStep()}
   */
  record Step(long step, long totalSteps, int epoch, double loss, double lr, double seconds, long units) {}

  /**
   * An evaluation done after {@code step}.
   *
   * @param step the steps done
   * @param epoch the current epoch, 0-based
   * @param seconds the training seconds so far
   * @param trainLoss the last step's training loss (NaN before the first step)
   * @param metrics the task's evaluation metrics by name
   */
  record Eval(long step, int epoch, double seconds, double trainLoss, Map<String, Double> metrics) {}

  /**
   * The divergence guard rolled back from {@code atStep} to the snapshot of {@code toStep}; the learning rate is now scaled by {@code lrScale}.
   *
   * @param atStep the 1-based step whose loss was bad
   * @param toStep the step of the snapshot restored
   * @param loss the bad loss
   * @param reason why it was bad, e.g. "loss is NaN"
   * @param lrScale the learning-rate multiplier after the cut
   * @param rollbacks the rollbacks so far
   */
  record Rollback(long atStep, long toStep, double loss, String reason, double lrScale, int rollbacks) {}

  /**
   * Called once when a fit starts.
   *
   * @param totalSteps the planned steps
   * @param stepsPerEpoch the steps of one epoch
   */
  default void onStart(long totalSteps, long stepsPerEpoch) {}

  /**
   * Called after every step.
   *
   * @param s the step
   */
  default void onStep(Step s) {}

  /**
   * Called after every evaluation.
   *
   * @param e the evaluation
   */
  default void onEval(Eval e) {}

  /** Called once when a fit ends, at its planned end or on a stop request. */
  default void onEnd() {}

  /**
   * A divergence rollback (see {@link dev.fivefold.control.DivergenceGuard}).
   *
   * @param r the rollback
   */
  default void onRollback(Rollback r) {}
}
