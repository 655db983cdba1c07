package dev.fivefold.control;

import dev.fivefold.optim.Optimizer;
import java.util.List;

/**
 * The learning-rate controllers by name, each with the defaults the {@code controllers} experiment
 * compares (gains, set-points, patience), so that a name means the same controller everywhere.
 *
 * <ul>
 *   <li>{@code plateau}: {@link ReduceOnPlateau#defaults} (patience 200, ×0.5);
 *   <li>{@code plateau+warmup}: the same after a linear warm-up of {@code warmup} steps;
 *   <li>{@code pid-ratio}: PID holding ‖Δθ‖/‖θ‖ at 1e-3 ({@link PidController#updateRatio});
 *   <li>{@code pid-loss}: PID holding the relative loss decrease per step at 1e-3
 *       ({@link PidController#lossDecrease});
 *   <li>{@code stability-cap}: a constant rate capped at Adam's edge of stability
 *       ({@link StabilityCap#adam}; the optimizer must be Adam(W) with β₁ 0.9, β₂ 0.999, ε 1e-8);
 *   <li>{@code rt+<controller>}: {@link LrRangeFinder#defaults} first, then the controller from the
 *       chosen rate: plateau with patience 10% of the run ({@link ReduceOnPlateau#forRun}); pid-ratio
 *       holding the update ratio the test measured at that rate (1e-3 if it measured none); pid-loss
 *       as above; both PIDs capped at the chosen rate (gains 0.1/0.05 and 0.1/0.02, floor rate·1e-4,
 *       output range ln 1e4, filters 0.9 and 0.98); stability-cap from the chosen rate;
 *       plateau+cosine = rt+plateau annealed by {@link Annealed} (budget-aware); grad-corr =
 *       {@link GradientCorrelation#defaults}.
 * </ul>
 */
public final class Controllers {
  private Controllers() {}

  /** Every name {@link #byName} knows, in the experiment's order. */
  public static final List<String> NAMES = List.of("plateau", "plateau+warmup", "pid-ratio", "pid-loss", "stability-cap", "rt+plateau",
      "rt+pid-ratio", "rt+pid-loss", "rt+stability-cap", "rt+plateau+cosine", "rt+grad-corr");

  /**
   * A new controller {@code name} starting from {@code lr0}, for a run of {@code steps} steps
   * training with {@code opt}.
   *
   * @param name one of {@link #NAMES}
   * @param lr0 the starting rate
   * @param steps the planned steps of the run
   * @param warmup warm-up steps of {@code plateau+warmup} (the experiment uses 5% of the run)
   * @param opt the optimizer (the stability cap reads Adam's second moment from it)
   * @return the controller
   * @throws IllegalArgumentException naming {@code name} if it is not one of {@link #NAMES}
   */
  public static Controller byName(String name, double lr0, long steps, long warmup, Optimizer opt) {
    return switch (name) {
      case "plateau" -> ReduceOnPlateau.defaults(lr0);
      case "plateau+warmup" -> new ReduceOnPlateau(lr0, warmup, 200, 0.5, 1e-3, 50, lr0 / 1000);
      case "pid-ratio" -> PidController.updateRatio(1e-3, lr0);
      case "pid-loss" -> PidController.lossDecrease(1e-3, lr0);
      // both tasks train with Adam(W) (β₁ 0.9, β₂ 0.999, ε 1e-8): the cap is Adam's bound on λmax(P⁻¹H)
      case "stability-cap" -> StabilityCap.adam(Controller.open(Schedules.constant(lr0)), opt);
      case "rt+plateau" -> LrRangeFinder.defaults(steps, (lr, r) -> ReduceOnPlateau.forRun(lr, steps));
      // after a range test the PID may not exceed the chosen rate: with the lowest-loss rate (10×) as the limit both PIDs rode
      // it (under Adam the update ratio at a fixed rate falls as training proceeds, and the loss decrease falls below any fixed
      // set-point), and the loss-decrease PID collapsed to chance; so they can only lower the rate the test vouches for
      case "rt+pid-ratio" -> LrRangeFinder.defaults(steps, (lr, r) -> new PidController("update_ratio", r > 0 ? r : 1e-3, lr, 0.1, 0.05, 0,
          lr * 1e-4, lr, Math.log(1e4), 0.9));
      case "rt+pid-loss" -> LrRangeFinder.defaults(steps, (lr, r) -> new PidController("loss_decrease", 1e-3, lr, 0.1, 0.02, 0, lr * 1e-4, lr,
          Math.log(1e4), 0.98));
      case "rt+stability-cap" -> LrRangeFinder.defaults(steps, (lr, r) -> StabilityCap.adam(Controller.open(Schedules.constant(lr)), opt));
      case "rt+grad-corr" -> LrRangeFinder.defaults(steps, (lr, r) -> GradientCorrelation.defaults(lr));
      // budget-aware: the plateau controller's rate annealed by a cosine over what is left of the run
      case "rt+plateau+cosine" -> LrRangeFinder.defaults(steps, (lr, r) -> new Annealed(ReduceOnPlateau.forRun(lr, steps)));
      default -> throw new IllegalArgumentException("controller (" + name + ") must be one of " + NAMES);
    };
  }
}
