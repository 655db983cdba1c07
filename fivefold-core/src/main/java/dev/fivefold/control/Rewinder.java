package dev.fivefold.control;

/**
 * What a controller may ask of the training loop besides a learning rate: keep a copy of the
 * training state, and go back to one. The {@link dev.fivefold.train.Trainer} carries the requests
 * out with its {@link dev.fivefold.train.TrainState}s (the parameters and the optimizer's state —
 * buffers and step count, not the learning rate) and saves the kept copies in its checkpoints, so
 * a resumed run can still go back to a copy taken before the interruption.
 *
 * <p>Tags are the controller's own names; {@link LrRangeFinder} uses "range.&lt;step&gt;".
 */
public interface Rewinder {
  /**
   * Keeps a copy of the state as it is now (before the step about to be taken) under {@code tag}, replacing any.
   *
   * @param tag the copy's name
   */
  void keep(String tag);

  /**
   * Asks the loop to restore the copy kept under {@code tag} before the next step (gradients
   * zeroed; the step count, the learning rate and the data position are left as they are).
   *
   * @param tag the name a copy was kept under
   * @throws IllegalArgumentException when nothing is kept under {@code tag}
   */
  void rewind(String tag);

  /**
   * Drops every copy whose tag starts with {@code prefix}.
   *
   * @param prefix the tags' prefix
   */
  void forget(String prefix);
}
