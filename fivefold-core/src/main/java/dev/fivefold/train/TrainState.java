package dev.fivefold.train;

import dev.fivefold.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything a run's future depends on, as one value: what {@link Trainer#state()} returns and
 * {@link Trainer#load} restores, what a {@link Checkpoint} file holds, what the divergence guard's
 * snapshot and a controller's rewind ({@link dev.fivefold.control.Rewinder}) go back to.
 *
 * <p>The step and the training seconds, then named tensors and strings, in the layout of the
 * checkpoint file:
 * <ul>
 *   <li>"model.&lt;name&gt;": the parameters; "optim.…" (and "optimizer", "lr"): the optimizer's
 *       state — buffers, step count, the state of a prepended clip;</li>
 *   <li>"rng.&lt;name&gt;": the position of each random generator the model draws from in training
 *       (dropout masks, stochastic depth; {@link dev.fivefold.nn.Module#namedGenerators});</li>
 *   <li>"task.…": the data position and random state; "controller.…": the controller's state;</li>
 *   <li>"sensors.…": the smoothed loss with its own count, the last step's measurements, the last
 *       gradient and batch position when a controller reads them ({@link dev.fivefold.control.Sensors});</li>
 *   <li>"trainer.lrScale": the learning-rate factor left by rollbacks; "guard.…": the divergence
 *       guard's window and rollback count;</li>
 *   <li>"kept.&lt;tag&gt;/…": the copies the trainer keeps (the guard's snapshot "guard", a range
 *       finder's "range.&lt;step&gt;"), each a TrainState of its own, listed in "kept".</li>
 * </ul>
 * A snapshot holds only the parts it restores (parameters, optimizer, controller). Maps are
 * unmodifiable; the tensors are copies the state owns (do not write into them).
 *
 * @param step the completed steps, non-negative
 * @param seconds the training seconds so far
 * @param tensors the tensors by name (copied into an unmodifiable map)
 * @param meta the strings by name (copied into an unmodifiable map)
 */
public record TrainState(long step, double seconds, Map<String, Tensor> tensors, Map<String, String> meta) {
  /**
   * Copies the maps.
   *
   * @throws IllegalArgumentException if {@code step} is negative or a map is null
   */
  public TrainState {
    if (step < 0) throw new IllegalArgumentException("step (" + step + ") must be >= 0");
    if (tensors == null || meta == null) throw new IllegalArgumentException("tensors and meta must be given");
    tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    meta = Collections.unmodifiableMap(new LinkedHashMap<>(meta));
  }

  /**
   * The strings under {@code prefix}, with the prefix removed.
   *
   * @param prefix the prefix, e.g. "controller."
   * @return the matching strings, a new map
   */
  public Map<String, String> meta(String prefix) {
    Map<String, String> m = new LinkedHashMap<>();
    for (var e : meta.entrySet()) if (e.getKey().startsWith(prefix)) m.put(e.getKey().substring(prefix.length()), e.getValue());
    return m;
  }

  /**
   * The tensors under {@code prefix}, with the prefix removed.
   *
   * @param prefix the prefix, e.g. "model."
   * @return the matching tensors, a new map
   */
  public Map<String, Tensor> tensors(String prefix) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (var e : tensors.entrySet()) if (e.getKey().startsWith(prefix)) m.put(e.getKey().substring(prefix.length()), e.getValue());
    return m;
  }

  /**
   * The kept copies by tag (empty when none, or in a checkpoint written before they existed).
   *
   * @return the kept states
   */
  public Map<String, TrainState> kept() {
    Map<String, TrainState> k = new LinkedHashMap<>();
    String tags = meta.getOrDefault("kept", "");
    if (tags.isEmpty()) return k;
    for (String tag : tags.split(",")) {
      String p = "kept." + tag + "/";
      Map<String, String> m = meta(p);
      long step;
      try {
        step = Long.parseLong(m.remove("step"));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("kept state '" + tag + "' has no step");
      }
      k.put(tag, new TrainState(step, 0, tensors(p), m));
    }
    return k;
  }

  /** Adds {@code kept} under their tags to {@code tensors} and {@code meta} (the layout {@link #kept()} reads). */
  static void embed(Map<String, TrainState> kept, Map<String, Tensor> tensors, Map<String, String> meta) {
    if (kept.isEmpty()) return;
    StringBuilder tags = new StringBuilder();
    for (var e : kept.entrySet()) {
      String tag = e.getKey();
      if (tag.contains(",") || tag.contains("/")) throw new IllegalArgumentException("tag (" + tag + ") must not contain ',' or '/'");
      tags.append(tags.isEmpty() ? "" : ",").append(tag);
      String p = "kept." + tag + "/";
      TrainState s = e.getValue();
      for (var t : s.tensors().entrySet()) tensors.put(p + t.getKey(), t.getValue());
      for (var m : s.meta().entrySet()) meta.put(p + m.getKey(), m.getValue());
      meta.put(p + "step", Long.toString(s.step()));
    }
    meta.put("kept", tags.toString());
  }
}
