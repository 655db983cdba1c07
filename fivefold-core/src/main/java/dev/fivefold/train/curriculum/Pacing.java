package dev.fivefold.train.curriculum;

import java.util.Locale;

/**
 * A pacing function g(i) of curriculum learning (Hacohen &amp; Weinshall, "On The Power of
 * Curriculum Learning in Training Deep Networks", ICML 2019, §2): the fraction of the training
 * set, easiest first, that batch i is drawn from. Each kind starts at {@code start} and reaches the
 * whole set at step {@code ramp}:
 * <pre>
 *   EXPONENTIAL  g(i) = min(1, start · inc^⌊i / L⌋),  L = ramp / ⌈log(1/start) / log(inc)⌉   (H&amp;W's "fixed exponential pacing")
 *   LINEAR       g(i) = min(1, start + (1 − start) · i / ramp)
 *   STEP         g(i) = start for i &lt; ramp, then 1                                          (H&amp;W's "single step")
 * </pre>
 * H&amp;W give the exponential by (start, inc, step length L); here L is derived from the ramp so
 * that all three kinds expose the whole set from the same step and differ only in the path there.
 *
 * @param kind the shape
 * @param start fraction at step 0, in (0, 1]
 * @param inc growth factor of the exponential, &gt; 1 (unused by the others)
 * @param ramp the step from which g = 1, &ge; 1
 */
public record Pacing(Kind kind, double start, double inc, long ramp) {
  /** The three shapes. */
  public enum Kind {
    /** g(i) = min(1, start · inc^⌊i / L⌋), label "exp". */
    EXPONENTIAL("exp"),
    /** g(i) = min(1, start + (1 − start) · i / ramp), label "linear". */
    LINEAR("linear"),
    /** g(i) = start before the ramp, then 1, label "step". */
    STEP("step");

    /** The name on the command line. */
    public final String label;

    Kind(String label) {
      this.label = label;
    }

    /**
     * By label (exp, linear, step).
     *
     * @param label "exp", "linear" or "step"
     * @return the kind
     * @throws IllegalArgumentException for another label
     */
    public static Kind of(String label) {
      for (Kind k : values()) if (k.label.equals(label)) return k;
      throw new IllegalArgumentException("pacing (" + label + ") must be exp, linear or step");
    }
  }

  /**
   * Checks the fields.
   *
   * @throws IllegalArgumentException if {@code kind} is null or a number is out of range
   */
  public Pacing {
    if (kind == null) throw new IllegalArgumentException("kind must not be null");
    if (!(start > 0 && start <= 1)) throw new IllegalArgumentException("pacing start (" + start + ") must be in (0, 1]");
    if (!(inc > 1 && inc < Double.POSITIVE_INFINITY)) throw new IllegalArgumentException("pacing inc (" + inc + ") must be > 1 and finite");
    if (ramp < 1) throw new IllegalArgumentException("pacing ramp (" + ramp + ") must be >= 1");
  }

  /**
   * Exponential steps of the ramp: ⌈log(1/start) / log(inc)⌉ (0 when start = 1).
   *
   * @return the number of increments
   */
  public int increments() {
    return (int) Math.ceil(Math.log(1 / start) / Math.log(inc) - 1e-12);
  }

  /**
   * The exponential's step length L = ⌊ramp / increments⌋ (at least 1).
   *
   * @return L, in steps
   */
  public long stepLength() {
    int k = increments();
    return k == 0 ? ramp : Math.max(1, ramp / k);
  }

  /**
   * g(step), in (0, 1].
   *
   * @param step the 0-based batch index, non-negative
   * @return the fraction of the ordered set in the pool
   * @throws IllegalArgumentException if {@code step} is negative
   */
  public double fraction(long step) {
    if (step < 0) throw new IllegalArgumentException("step (" + step + ") must be >= 0");
    return switch (kind) {
      case EXPONENTIAL -> Math.min(1, start * Math.pow(inc, step / stepLength()));
      case LINEAR -> step >= ramp ? 1 : Math.min(1, start + (1 - start) * step / ramp);
      case STEP -> step < ramp ? start : 1;
    };
  }

  /**
   * The pool of batch {@code step}: the first {@code ⌈g(step) · n⌉} examples of the order, but never
   * fewer than {@code min(batch, n)} so a batch can always be drawn without repeats.
   *
   * @param step the 0-based batch index, non-negative
   * @param n the training set's size
   * @param batch the batch size
   * @return the pool size, in [min(batch, n), n]
   */
  public int poolSize(long step, int n, int batch) {
    int g = (int) Math.min(n, Math.ceil(fraction(step) * n - 1e-9));
    return Math.max(g, Math.min(batch, n));
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s(start %.3g%s, full at step %d)", kind.label, start,
        kind == Kind.EXPONENTIAL ? String.format(Locale.ROOT, ", x%.3g every %d steps", inc, stepLength()) : "", ramp);
  }
}
