package dev.fivefold.control;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A controller whose output is annealed to zero over what is left of the run: the feedback sets
 * the level, the budget sets the shape.
 *
 * <p>η(s) = inner(s) · ½·(1 + cos(π·u)), u = (p − p₀) / (1 − p₀) clamped to [0, 1], where p is the
 * run's progress and p₀ the progress at the first step this controller sees (after a
 * {@link LrRangeFinder}, the hand-over). This is cosine annealing (Loshchilov &amp; Hutter 2017) applied
 * to whatever the inner controller decides, so its reductions (a plateau, a stability cap) still
 * act. Why it is needed: on the GPT of {@code fivefold controllers} every constant rate stalls
 * above the loss the best schedule reaches (constant 3e-3 ends at 1.702, 6e-3 at 1.727, against
 * warm-up + cosine reaching 1.692 at 80% of the run); a controller that never lowers its rate
 * cannot cash in the noise it carries, and one that does not know the budget cannot know when to.
 * So this is not a pure feedback controller: it reads the clock as a schedule does.
 */
public final class Annealed implements Controller {
  private final Controller inner;
  private double p0 = Double.NaN;

  /**
   * Anneals {@code inner}'s rate over the rest of the run.
   *
   * @param inner the controller that sets the level
   * @throws IllegalArgumentException if {@code inner} is null
   */
  public Annealed(Controller inner) {
    if (inner == null) throw new IllegalArgumentException("inner controller (null) must be given");
    this.inner = inner;
  }

  /** The factor ½·(1 + cos(π·u)) at progress {@code p} for a start at {@code p0}. */
  static double factor(double p, double p0) {
    double u = p0 >= 1 ? 1 : Math.min(1, Math.max(0, (p - p0) / (1 - p0)));
    return 0.5 * (1 + Math.cos(Math.PI * u));
  }

  @Override
  public double next(Signals s) {
    if (Double.isNaN(p0)) p0 = s.progress();
    return inner.next(s) * factor(s.progress(), p0);
  }

  @Override
  public Set<Need> needs() {
    return inner.needs();
  }

  @Override
  public void attach(Rewinder rewinder) {
    inner.attach(rewinder);
  }

  @Override
  public Map<String, String> saveState() {
    Map<String, String> m = new LinkedHashMap<>(inner.saveState());
    m.put("annealed.p0", Double.toString(p0));
    return m;
  }

  @Override
  public void loadState(Map<String, String> st, String source) {
    p0 = Controller.read(st, "annealed.p0", source);
    inner.loadState(st, source);
  }
}
