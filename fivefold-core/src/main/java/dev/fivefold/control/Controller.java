package dev.fivefold.control;

import java.util.Map;
import java.util.Set;

/**
 * A closed-loop learning-rate controller: before every step the trainer passes the
 * {@link Signals} of the last step and sets the learning rate to {@link #next}. Open-loop
 * schedules are controllers that only read the clock ({@link #open}). A controller measures
 * nothing it does not ask for in {@link #needs()}: the trainer computes the gradient norm, the
 * update-to-weight ratios and the gradient oracle only then.
 *
 * <p>Controllers with state save it as strings ({@link #saveState}) so a checkpoint or a
 * divergence rollback restores it exactly. A controller that must undo training (the
 * {@link LrRangeFinder}'s sweep) asks the loop to, through the {@link Rewinder} it is
 * {@link #attach}ed to; it never restores parameters itself.
 */
public interface Controller {
  /** Sensors a controller may ask the trainer for. */
  enum Need {
    /** The global gradient norm ‖g‖₂ ({@link Signals#gradNorm}). */
    GRAD_NORM,
    /** The update-to-weight ratios ‖Δθ‖/‖θ‖ ({@link Signals#updateRatio}, {@link Signals#updateRatios}). */
    UPDATE_RATIO,
    /** A gradient oracle on the last batch ({@link Signals#oracle}). */
    ORACLE,
    /** The product of successive gradients g_t·g_{t−1} ({@link Signals#gradDot}). */
    GRAD_DOT
  }

  /**
   * The learning rate for step {@code s.step()}; finite and ≥ 0.
   *
   * @param s the signals of the last step
   * @return the rate
   */
  double next(Signals s);

  /** {@return the sensors this controller reads beyond the loss (default none)} */
  default Set<Need> needs() {
    return Set.of();
  }

  /** {@return the controller's state as strings by key, for a checkpoint (default empty: stateless)} */
  default Map<String, String> saveState() {
    return Map.of();
  }

  /**
   * Restores {@link #saveState}; {@code source} names where it came from for errors.
   *
   * @param state the saved strings by key
   * @param source names the state in messages
   * @throws IllegalArgumentException if a field is missing or does not parse
   */
  default void loadState(Map<String, String> state, String source) {}

  /**
   * Called by the loop that runs this controller, before the first {@link #next}: where to send
   * keep/rewind requests. Wrappers pass it on to the controllers they wrap. Default: ignored.
   *
   * @param rewinder the loop's rewinder
   */
  default void attach(Rewinder rewinder) {}

  /**
   * The schedule as a controller: η = schedule.at(step, progress).
   *
   * @param schedule the schedule
   * @return the controller
   * @throws IllegalArgumentException if {@code schedule} is null
   */
  static Controller open(Schedule schedule) {
    if (schedule == null) throw new IllegalArgumentException("schedule (null) must be given");
    return s -> schedule.at(s.step(), s.progress());
  }

  /**
   * Reads a double saved under {@code key}, failing with the key and source named.
   *
   * @param st the saved state
   * @param key the field's key
   * @param source names the state in messages
   * @return the value
   * @throws IllegalArgumentException if the field is missing or not a number
   */
  static double read(Map<String, String> st, String key, String source) {
    String v = st.get(key);
    if (v == null) throw new IllegalArgumentException(source + ": controller state '" + key + "' missing");
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(source + ": controller state '" + key + "' (" + v + ") is not a number", e);
    }
  }
}
