package dev.fivefold.control;

/**
 * Open-loop learning-rate schedules: η as a function of the step t (0-based, the step about to be
 * taken) and the progress p ∈ [0, 1]. Every argument is checked when the schedule is built; a bad
 * one fails with a message naming it and its value. NaN arguments are rejected.
 * <ul>
 *   <li>{@link #constant}: η(t) = η.</li>
 *   <li>{@link #step}: η(t) = η·γ^⌊t/s⌋ (PyTorch StepLR).</li>
 *   <li>{@link #multiStep}: η(t) = η·γ^(number of milestones ≤ t) (PyTorch MultiStepLR; He et al. 2016 divide by 10 at fixed epochs).</li>
 *   <li>{@link #exponential}: η(t) = η·γ^t.</li>
 *   <li>{@link #cosine}: η(t) = η_min + (η-η_min)·½(1 + cos(π·min(t,T)/T)) (Loshchilov &amp; Hutter 2017, SGDR without restarts).</li>
 *   <li>{@link #warmup}: η(t) = η_after(w)·(t+1)/w for t &lt; w, then η_after(t-w) — linear warm-up joined to any schedule (Goyal et al. 2017).</li>
 *   <li>{@link #noam}: η(t) = scale·d^-½·min((t+1)^-½, (t+1)·w^-1.5) (Vaswani et al. 2017, §5.3).</li>
 *   <li>{@link #oneCycle}: cosine from η_max/div up to η_max at step f·T - 1, then cosine down to
 *   η_max/(div·finalDiv) at step T - 1 (Smith &amp; Topin 2018; exactly PyTorch OneCycleLR's cos annealing).</li>
 *   <li>{@link #triangular}: η(t) = lo + (hi-lo)·(1 - |x - 1|), x = (t mod 2s)/s — a triangle wave of
 *   half-period s between lo and hi (Smith 2017, "Cyclical learning rates for training neural networks", triangular policy).</li>
 *   <li>{@link #warmupCosine}: linear warm-up, then a cosine from the end of warm-up over the rest of the run's
 *   progress (the GPT-2 / nanoGPT recipe; PyTorch SequentialLR(LinearLR, CosineAnnealingLR)).</li>
 * </ul>
 */
public final class Schedules {
  private Schedules() {}

  /**
   * A constant rate: η(t) = η.
   *
   * @param lr the rate η, positive and finite
   * @return the schedule
   * @throws IllegalArgumentException if an argument is out of range
   */
  public static Schedule constant(double lr) {
    check("learning rate", lr);
    return (step, progress) -> lr;
  }

  /**
   * η·γ^⌊t/every⌋.
   *
   * @param lr the initial rate η, positive and finite
   * @param every the steps between decays, at least 1
   * @param gamma the decay factor γ, in (0, 1]
   * @return the schedule
   * @throws IllegalArgumentException if an argument is out of range
   */
  public static Schedule step(double lr, long every, double gamma) {
    check("learning rate", lr);
    checkSteps("step size", every, 1);
    checkGamma(gamma);
    return (t, p) -> lr * Math.pow(gamma, (double) (t / every));
  }

  /**
   * η·γ^k, k = number of milestones ≤ t; milestones strictly increasing and ≥ 1.
   *
   * @param lr the initial rate η, positive and finite
   * @param milestones the steps at which the rate is multiplied by γ (copied)
   * @param gamma the decay factor γ, in (0, 1]
   * @return the schedule
   * @throws IllegalArgumentException if an argument is out of range
   */
  public static Schedule multiStep(double lr, long[] milestones, double gamma) {
    check("learning rate", lr);
    checkGamma(gamma);
    long[] m = milestones.clone();
    for (int i = 0; i < m.length; i++) {
      if (m[i] < 1 || (i > 0 && m[i] <= m[i - 1])) {
        throw new IllegalArgumentException("milestones[" + i + "] (" + m[i] + ") must be >= 1 and greater than the one before");
      }
    }
    return (t, p) -> {
      int k = 0;
      while (k < m.length && m[k] <= t) k++;
      return lr * Math.pow(gamma, k);
    };
  }

  /**
   * η·γ^t.
   *
   * @param lr the initial rate η, positive and finite
   * @param gamma the decay factor γ, in (0, 1]
   * @return the schedule
   * @throws IllegalArgumentException if an argument is out of range
   */
  public static Schedule exponential(double lr, double gamma) {
    check("learning rate", lr);
    checkGamma(gamma);
    return (t, p) -> lr * Math.pow(gamma, t);
  }

  /**
   * η_min + (η-η_min)·½(1+cos(π·min(t,T)/T)); constant η_min after T.
   *
   * @param lr the initial rate η, positive and finite
   * @param totalSteps the decay length T in steps, at least 1
   * @param minLr the floor η_min, in [0, η]
   * @return the schedule
   * @throws IllegalArgumentException if an argument is out of range
   */
  public static Schedule cosine(double lr, long totalSteps, double minLr) {
    check("learning rate", lr);
    checkSteps("total steps", totalSteps, 1);
    if (!(minLr >= 0 && minLr <= lr)) throw new IllegalArgumentException("min learning rate (" + minLr + ") must be in [0, " + lr + "]");
    return (t, p) -> minLr + (lr - minLr) * 0.5 * (1 + Math.cos(Math.PI * Math.min(t, totalSteps) / totalSteps));
  }

  /**
   * Linear warm-up over {@code warmup} steps to the value {@code after} has at its step 0, then
   * {@code after} shifted by the warm-up: η(t) = after(0)·(t+1)/w for t &lt; w, after(t-w) otherwise.
   * The progress is passed through unchanged.
   *
   * @param warmup the warm-up length w in steps; 0 for none
   * @param after the schedule after warm-up
   * @return the schedule
   * @throws IllegalArgumentException if {@code warmup} is negative or {@code after} is null
   */
  public static Schedule warmup(long warmup, Schedule after) {
    checkSteps("warmup", warmup, 0);
    if (after == null) throw new IllegalArgumentException("schedule after warm-up (null) must be given");
    return (t, p) -> t < warmup ? after.at(0, p) * (t + 1) / warmup : after.at(t - warmup, p);
  }

  /**
   * scale·d^-½·min((t+1)^-½, (t+1)·w^-1.5); peaks at t+1 = w with scale·(d·w)^-½.
   *
   * @param modelDim the model width d, at least 1
   * @param warmup the warm-up length w in steps, at least 1
   * @param scale the overall factor, positive and finite
   * @return the schedule
   * @throws IllegalArgumentException if an argument is out of range
   */
  public static Schedule noam(int modelDim, long warmup, double scale) {
    if (modelDim < 1) throw new IllegalArgumentException("model dimension (" + modelDim + ") must be >= 1");
    checkSteps("warmup", warmup, 1);
    check("scale", scale);
    return (t, p) -> {
      double s = t + 1;
      return scale / Math.sqrt(modelDim) * Math.min(1 / Math.sqrt(s), s * Math.pow(warmup, -1.5));
    };
  }

  /**
   * One-cycle exactly as PyTorch's {@code OneCycleLR} (anneal_strategy "cos", two phases): with
   * u = f·T - 1 (a real number, not rounded), η rises by a cosine from η_max/div at t = 0 to η_max
   * at t = u, then falls by a cosine to η_max/(div·finalDiv) at t = T - 1, the last step (clamped
   * after). Defaults in PyTorch: f = 0.3, div = 25, finalDiv = 1e4. Errors: f·T ≤ 1 (no rising
   * phase), besides the range checks of each argument.
   *
   * @param maxLr the peak rate η_max, positive and finite
   * @param totalSteps the run length T in steps, at least 2
   * @param pctStart the rising fraction f, in (0, 1)
   * @param div η_max over the starting rate, at least 1
   * @param finalDiv the starting rate over the final rate, at least 1
   * @return the schedule
   * @throws IllegalArgumentException if an argument is out of range
   */
  public static Schedule oneCycle(double maxLr, long totalSteps, double pctStart, double div, double finalDiv) {
    check("max learning rate", maxLr);
    checkSteps("total steps", totalSteps, 2);
    if (!(pctStart > 0 && pctStart < 1)) throw new IllegalArgumentException("pct start (" + pctStart + ") must be in (0, 1)");
    if (!(div >= 1) || Double.isInfinite(div)) throw new IllegalArgumentException("div factor (" + div + ") must be >= 1");
    if (!(finalDiv >= 1) || Double.isInfinite(finalDiv)) throw new IllegalArgumentException("final div factor (" + finalDiv + ") must be >= 1");
    double lo = maxLr / div, end = lo / finalDiv;
    double up = pctStart * totalSteps - 1, last = totalSteps - 1;
    if (!(up > 0)) throw new IllegalArgumentException("pct start × total steps (" + pctStart * totalSteps + ") must be > 1");
    return (t, p) -> {
      if (t <= up) return cos(lo, maxLr, t / up);
      return cos(maxLr, end, Math.min(1.0, (t - up) / (last - up)));
    };
  }

  /**
   * Triangular cyclical rate: from lo up to hi over {@code halfPeriod} steps, back down over as many, repeated.
   *
   * @param lo the lowest rate, positive and finite
   * @param hi the highest rate, finite and at least {@code lo}
   * @param halfPeriod the steps from lo to hi, at least 1
   * @return the schedule
   * @throws IllegalArgumentException if an argument is out of range
   */
  public static Schedule triangular(double lo, double hi, long halfPeriod) {
    check("base learning rate", lo);
    if (!(hi >= lo) || Double.isInfinite(hi)) throw new IllegalArgumentException("max learning rate (" + hi + ") must be finite and >= base (" + lo + ")");
    checkSteps("half period", halfPeriod, 1);
    return (t, p) -> {
      double x = (t % (2 * halfPeriod)) / (double) halfPeriod; // [0, 2)
      return lo + (hi - lo) * (1 - Math.abs(x - 1));
    };
  }

  /**
   * Linear warm-up then cosine decay over the run's progress, the GPT-2 / nanoGPT recipe and what
   * {@code fivefold train --schedule cosine} uses: η(t) = peak·(t+1)/w for t &lt; w, then
   * η = peak·(floor + (1-floor)·½(1 + cos(π q))) where q is the fraction of the post-warm-up part
   * of the run that is done. With step-based progress p = t/T this is q = (t-w)/(T-w), so the
   * schedule equals PyTorch's {@code SequentialLR([LinearLR(start_factor=1/w, total_iters=w-1),
   * CosineAnnealingLR(T_max=T-w, eta_min=floor·peak)], milestones=[w])}: the cosine starts at the
   * peak at the end of warm-up (before issue 20 it started at progress 0, so the rate dropped at
   * step w). Computed from (t, p) alone as q = p(t-w)/(t-p·w), which is exact for step-based
   * progress and estimates the progress at the end of warm-up as p·w/t for a run bounded by time.
   *
   * @param peak the rate at the end of warm-up, positive and finite
   * @param warmup the warm-up length w in steps; 0 for none
   * @param floor the final rate as a fraction of the peak, in [0, 1]
   * @return the schedule
   * @throws IllegalArgumentException if an argument is out of range
   */
  public static Schedule warmupCosine(double peak, long warmup, double floor) {
    check("peak learning rate", peak);
    checkSteps("warmup", warmup, 0);
    if (!(floor >= 0 && floor <= 1)) throw new IllegalArgumentException("floor (" + floor + ") must be in [0, 1]");
    return (step, progress) -> {
      if (step < warmup) return peak * (step + 1) / warmup;
      double p = Math.min(1.0, Math.max(0.0, progress));
      double den = step - p * warmup;
      double q = warmup == 0 ? p : den > 0 ? p * (step - warmup) / den : p >= 1 ? 1 : 0;
      q = Math.min(1.0, Math.max(0.0, q));
      return peak * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * q)));
    };
  }

  /**
   * By name: "constant" or "cosine" (warm-up over {@code warmup} steps, floor 0.1 of the peak for gpt-style runs).
   *
   * @param name "constant" or "cosine"
   * @param peak the (peak) rate
   * @param warmup the warm-up steps of "cosine"
   * @param floor the final fraction of the peak for "cosine"
   * @return the schedule
   * @throws IllegalArgumentException for an unknown name or an argument out of range
   */
  public static Schedule byName(String name, double peak, long warmup, double floor) {
    return switch (name) {
      case "constant" -> constant(peak);
      case "cosine" -> warmupCosine(peak, warmup, floor);
      default -> throw new IllegalArgumentException("schedule (" + name + ") must be one of constant, cosine");
    };
  }

  /** Cosine interpolation from a (x = 0) to b (x = 1). */
  static double cos(double a, double b, double x) {
    return b + (a - b) * 0.5 * (1 + Math.cos(Math.PI * x));
  }

  static void check(String what, double v) {
    if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException(what + " (" + v + ") must be > 0");
  }

  static void checkSteps(String what, long v, long min) {
    if (v < min) throw new IllegalArgumentException(what + " (" + v + ") must be >= " + min);
  }

  static void checkGamma(double g) {
    if (!(g > 0 && g <= 1)) throw new IllegalArgumentException("gamma (" + g + ") must be in (0, 1]");
  }
}
