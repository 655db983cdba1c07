package dev.fivefold.control;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A PID controller on u = ln η holding a measured training signal at a set-point.
 *
 * <p>Signals ({@code signal}):
 * <ul>
 *   <li>{@code "update_ratio"}: r = ‖Δθ‖/‖θ‖ of the last update (the practitioners' ~1e-3 rule,
 *   Karpathy's CS231n notes). Since r ∝ η for SGD and Adam alike, the plant is ln r ≈ ln η + c,
 *   and the error is e = ln r* - ln r̄.</li>
 *   <li>{@code "loss_decrease"}: d = (L̄ₜ₋₁ - L̄ₜ)/L̄ₜ₋₁, the relative decrease of the smoothed loss per
 *   step; the error is e = clamp((d* - d̄)/d*, -2, 1), linear since d may be ≤ 0.</li>
 * </ul>
 * The measurement is smoothed by an EMA (β = {@code smoothing}) as m̄. The law, per step:
 * <pre>
 *   I ← clamp(I + e, ±iLimit/ki)        (skipped when η is saturated and e pushes further: anti-windup)
 *   ln η = ln η₀ + kp·e + ki·I + kd·(e - e_prev),  η clamped to [η_min, η_max]
 * </pre>
 * Default gains (kp 0.1, ki 0.05, kd 0, smoothing 0.9, iLimit ln 1e4): with the unit plant gain of
 * ln r in ln η, the integral alone closes the gap by ~5% per step, ~60 steps to settle, well
 * inside the stability margin left by the EMA's ~10-step lag. Before the first measurement η = η₀.
 * A NaN or non-positive measured ratio is ignored (the law holds its last output).
 */
public final class PidController implements Controller {
  /** The signals a PID controller can hold at a set-point. */
  public static final Set<String> SIGNALS = Set.of("update_ratio", "loss_decrease");

  private final String signal;
  private final double setPoint, lr0, kp, ki, kd, minLr, maxLr, iLimit, smoothing;
  private double integral, prevError = Double.NaN, measured = Double.NaN, lastSmoothedLoss = Double.NaN, lr;
  private long samples;

  /**
   * A PID controller (see the class comment for the law).
   *
   * @param signal "update_ratio" or "loss_decrease"
   * @param setPoint the target value of the signal, positive and finite
   * @param lr0 the initial rate η₀, in [minLr, maxLr]
   * @param kp the proportional gain, finite and non-negative
   * @param ki the integral gain, finite and non-negative
   * @param kd the derivative gain, finite and non-negative
   * @param minLr the lowest rate, positive
   * @param maxLr the highest rate, finite and at least {@code minLr}
   * @param iLimit the bound on ki·I, positive
   * @param smoothing the EMA factor of the measurement, in [0, 1)
   * @throws IllegalArgumentException if an argument is out of range
   */
  public PidController(String signal, double setPoint, double lr0, double kp, double ki, double kd,
      double minLr, double maxLr, double iLimit, double smoothing) {
    if (signal == null || !SIGNALS.contains(signal)) throw new IllegalArgumentException("signal (" + signal + ") cannot be measured: must be one of " + SIGNALS);
    if (!(setPoint > 0) || Double.isInfinite(setPoint)) throw new IllegalArgumentException("set-point of " + signal + " (" + setPoint + ") must be finite and > 0");
    Schedules.check("initial learning rate", lr0);
    for (var g : new double[][] {{kp, 0}, {ki, 1}, {kd, 2}}) {
      if (!(g[0] >= 0) || Double.isInfinite(g[0])) throw new IllegalArgumentException(new String[] {"kp", "ki", "kd"}[(int) g[1]] + " (" + g[0] + ") must be finite and >= 0");
    }
    Schedules.check("min learning rate", minLr);
    if (!(maxLr >= minLr) || Double.isInfinite(maxLr)) throw new IllegalArgumentException("max learning rate (" + maxLr + ") must be finite and >= min (" + minLr + ")");
    if (!(lr0 >= minLr && lr0 <= maxLr)) throw new IllegalArgumentException("initial learning rate (" + lr0 + ") must be in [" + minLr + ", " + maxLr + "]");
    if (!(iLimit > 0)) throw new IllegalArgumentException("integral limit (" + iLimit + ") must be > 0");
    if (!(smoothing >= 0 && smoothing < 1)) throw new IllegalArgumentException("smoothing (" + smoothing + ") must be in [0, 1)");
    this.signal = signal;
    this.setPoint = setPoint;
    this.lr0 = lr0;
    this.kp = kp;
    this.ki = ki;
    this.kd = kd;
    this.minLr = minLr;
    this.maxLr = maxLr;
    this.iLimit = iLimit;
    this.smoothing = smoothing;
    this.lr = lr0;
  }

  /**
   * Holds ‖Δθ‖/‖θ‖ at {@code setPoint} (1e-3 is customary), η within [η₀/1e4, η₀·1e2].
   *
   * @param setPoint the target ratio, e.g. 1e-3
   * @param lr0 the initial rate η₀
   * @return the controller
   */
  public static PidController updateRatio(double setPoint, double lr0) {
    return new PidController("update_ratio", setPoint, lr0, 0.1, 0.05, 0, lr0 * 1e-4, lr0 * 1e2, Math.log(1e4), 0.9);
  }

  /**
   * Holds the smoothed relative loss decrease per step at {@code setPoint}, η within [η₀/1e4, η₀·1e2].
   *
   * @param setPoint the target relative decrease per step
   * @param lr0 the initial rate η₀
   * @return the controller
   */
  public static PidController lossDecrease(double setPoint, double lr0) {
    return new PidController("loss_decrease", setPoint, lr0, 0.1, 0.02, 0, lr0 * 1e-4, lr0 * 1e2, Math.log(1e4), 0.98);
  }

  @Override
  public Set<Need> needs() {
    return signal.equals("update_ratio") ? Set.of(Need.UPDATE_RATIO) : Set.of();
  }

  /**
   * The smoothed measurement m̄ (NaN before the first).
   *
   * @return m̄, or NaN
   */
  public double measured() {
    return measured;
  }

  /** {@return the integral term I} */
  public double integral() {
    return integral;
  }

  @Override
  public double next(Signals s) {
    double e;
    if (signal.equals("update_ratio")) {
      double r = s.updateRatio();
      if (!(r > 0) || Double.isInfinite(r)) return lr;
      measured = ema(measured, r);
      e = Math.log(setPoint) - Math.log(measured);
    } else {
      double l = s.smoothedLoss(), before = lastSmoothedLoss;
      lastSmoothedLoss = l;
      if (!Double.isFinite(l) || !Double.isFinite(before) || before == 0) return lr;
      measured = ema(measured, (before - l) / Math.abs(before));
      e = Math.max(-2, Math.min(1, (setPoint - measured) / setPoint));
    }
    boolean high = lr >= maxLr, low = lr <= minLr;
    if (!(high && e > 0) && !(low && e < 0) && ki > 0) {
      integral = Math.max(-iLimit / ki, Math.min(iLimit / ki, integral + e));
    }
    double d = Double.isNaN(prevError) ? 0 : e - prevError;
    prevError = e;
    double u = Math.log(lr0) + kp * e + ki * integral + kd * d;
    lr = Math.max(minLr, Math.min(maxLr, Math.exp(u)));
    return lr;
  }

  private double ema(double m, double x) {
    samples++;
    return Double.isNaN(m) ? x : smoothing * m + (1 - smoothing) * x;
  }

  @Override
  public Map<String, String> saveState() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("pid.integral", Double.toString(integral));
    m.put("pid.prevError", Double.toString(prevError));
    m.put("pid.measured", Double.toString(measured));
    m.put("pid.lastSmoothedLoss", Double.toString(lastSmoothedLoss));
    m.put("pid.lr", Double.toString(lr));
    return m;
  }

  @Override
  public void loadState(Map<String, String> st, String source) {
    integral = Controller.read(st, "pid.integral", source);
    prevError = Controller.read(st, "pid.prevError", source);
    measured = Controller.read(st, "pid.measured", source);
    lastSmoothedLoss = Controller.read(st, "pid.lastSmoothedLoss", source);
    lr = Controller.read(st, "pid.lr", source);
  }
}
