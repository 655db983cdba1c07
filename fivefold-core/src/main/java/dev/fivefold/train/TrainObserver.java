package dev.fivefold.train;

import java.util.Map;

/** Receives the signals of a training run: every step, every evaluation, the end. */
public interface TrainObserver {
  /** One optimizer step done. */
  record Step(long step, long totalSteps, int epoch, double loss, double lr, double seconds, long units) {}

  /** An evaluation done after {@code step}. */
  record Eval(long step, int epoch, double seconds, double trainLoss, Map<String, Double> metrics) {}

  /** The divergence guard rolled back from {@code atStep} to the snapshot of {@code toStep}; the learning rate is now scaled by {@code lrScale}. */
  record Rollback(long atStep, long toStep, double loss, String reason, double lrScale, int rollbacks) {}

  default void onStart(long totalSteps, long stepsPerEpoch) {}

  default void onStep(Step s) {}

  default void onEval(Eval e) {}

  default void onEnd() {}

  /** A divergence rollback (see {@link dev.fivefold.control.DivergenceGuard}). */
  default void onRollback(Rollback r) {}
}
