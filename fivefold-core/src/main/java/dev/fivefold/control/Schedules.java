package dev.fivefold.control;

/**
 * Learning-rate schedules.
 * <ul>
 *   <li>{@link #constant}: η(t) = η.</li>
 *   <li>{@link #warmupCosine}: linear warm-up from 0 to η over w steps, then half a cosine from η
 *   down to η·floor at step T (Loshchilov &amp; Hutter 2017, SGDR without restarts; the GPT-2 /
 *   nanoGPT recipe): η(t) = η·(t+1)/w for t &lt; w; else η·(floor + (1-floor)·½(1 + cos(π·p))),
 *   p = min(1, (t-w)/(T-w)).</li>
 * </ul>
 */
public final class Schedules {
  private Schedules() {}

  public static Schedule constant(double lr) {
    check("learning rate", lr);
    return (step, progress) -> lr;
  }

  public static Schedule warmupCosine(double peak, long warmup, double floor) {
    check("peak learning rate", peak);
    if (warmup < 0) throw new IllegalArgumentException("warmup (" + warmup + ") must be >= 0");
    if (!(floor >= 0 && floor <= 1)) throw new IllegalArgumentException("floor (" + floor + ") must be in [0, 1]");
    return (step, progress) -> {
      if (step < warmup) return peak * (step + 1) / warmup;
      double p = Math.min(1.0, Math.max(0.0, progress));
      return peak * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * p)));
    };
  }

  /** By name: "constant" or "cosine" (warm-up over {@code warmup} steps, floor 0.1 of the peak for gpt-style runs). */
  public static Schedule byName(String name, double peak, long warmup, double floor) {
    return switch (name) {
      case "constant" -> constant(peak);
      case "cosine" -> warmupCosine(peak, warmup, floor);
      default -> throw new IllegalArgumentException("schedule (" + name + ") must be one of constant, cosine");
    };
  }

  static void check(String what, double v) {
    if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException(what + " (" + v + ") must be > 0");
  }
}
