package dev.fivefold.compress.grad;

import dev.fivefold.io.BadInputException;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One worker's compressor state: everything its next payload depends on besides the gradient.
 * Named slots of one array per tensor — "residual" (error feedback: what was not sent yet),
 * "momentum" (DGC's local velocity u), "warm" (PowerSGD's Q, warm-started from the last step),
 * "basis" (PowerSGD's P̂ between its two rounds) — a random stream for the stochastic compressors,
 * the worker's index and the count of steps compressed. {@link #save}/{@link #load} write it into a
 * checkpoint's tensors and metadata, so a resumed run sends the same bytes as an uninterrupted one.
 * Not thread-safe: each worker owns its own.
 */
public final class WorkerState {
  private final Layout layout;
  private final int worker;
  private final int workers;
  private final Map<String, float[][]> slots = new LinkedHashMap<>();
  private final Rng rng;
  long step;
  private double rateScale = 1;

  /**
   * A fresh state: no slots, step 0.
   *
   * @param layout the parameter tensors' shapes
   * @param worker the worker's index, &ge; 0
   * @param rng the worker's own random stream (null for a deterministic compressor)
   * @throws IllegalArgumentException if {@code layout} is null or {@code worker} is negative
   */
  public WorkerState(Layout layout, int worker, Rng rng) {
    this(layout, worker, worker + 1, rng);
  }

  /**
   * A fresh state of worker {@code worker} of {@code workers}: no slots, step 0.
   *
   * @param layout the parameter tensors' shapes
   * @param worker the worker's index, in [0, workers)
   * @param workers the number of workers N
   * @param rng the worker's own random stream (null for a deterministic compressor)
   * @throws IllegalArgumentException if {@code layout} is null or {@code worker} is outside [0, workers)
   */
  public WorkerState(Layout layout, int worker, int workers, Rng rng) {
    if (layout == null) throw new IllegalArgumentException("layout must be given");
    if (worker < 0) throw new IllegalArgumentException("worker (" + worker + ") must be >= 0");
    if (worker >= workers) throw new IllegalArgumentException("worker (" + worker + ") must be < workers (" + workers + ")");
    this.layout = layout;
    this.worker = worker;
    this.workers = workers;
    this.rng = rng;
  }

  /**
   * The parameter tensors' shapes.
   *
   * @return the layout
   */
  public Layout layout() {
    return layout;
  }

  /**
   * The worker's index.
   *
   * @return the index, &ge; 0
   */
  public int worker() {
    return worker;
  }

  /**
   * The number of workers N this state was made for (at least {@link #worker()} + 1 when it was
   * not given).
   *
   * @return N, &ge; 1
   */
  public int workers() {
    return workers;
  }

  /**
   * Steps compressed so far (DGC's warm-up reads it).
   *
   * @return the step count
   */
  public long step() {
    return step;
  }

  /**
   * η_t/η_0, the rate of the step being compressed relative to the base rate, for compressors that
   * {@linkplain GradientCompressor#weightsByRate() weight by rate}; 1 unless the engine set it.
   *
   * @return the scale, in [0, ∞)
   */
  public double rateScale() {
    return rateScale;
  }

  /**
   * Sets {@link #rateScale()} for the next round 0 (not saved: the engine sets it every step).
   *
   * @param scale η_t/η_0, finite and &ge; 0
   * @throws IllegalArgumentException if {@code scale} is negative, NaN or infinite
   */
  public void rateScale(double scale) {
    if (!(scale >= 0) || Double.isInfinite(scale)) throw new IllegalArgumentException("rate scale (" + scale + ") must be finite and >= 0");
    this.rateScale = scale;
  }

  /**
   * The random stream (null if the compressor draws nothing).
   *
   * @return the stream, or null
   */
  public Rng rng() {
    return rng;
  }

  /**
   * Slot {@code name}, created as zeros of the layout's shapes on first use.
   *
   * @param name the slot's name, e.g. "residual"
   * @return the slot, one array per tensor, live
   */
  public float[][] slot(String name) {
    return slots.computeIfAbsent(name, k -> layout.zeros());
  }

  /** Slot {@code name} with arrays of the given lengths, zeros on first use. */
  float[][] slot(String name, int[] lengths) {
    return slots.computeIfAbsent(name, k -> {
      float[][] z = new float[lengths.length][];
      for (int i = 0; i < z.length; i++) z[i] = new float[lengths[i]];
      return z;
    });
  }

  /**
   * Slot {@code name} if it exists, else null (for tests and reports: the residual after a step).
   *
   * @param name the slot's name
   * @return the slot, live, or null
   */
  public float[][] find(String name) {
    return slots.get(name);
  }

  /**
   * Whether the slot {@code name} has been created.
   *
   * @param name the slot's name
   * @return true if it exists
   */
  public boolean has(String name) {
    return slots.containsKey(name);
  }

  /**
   * Writes the slots as tensors "{@code prefix}&lt;slot&gt;.&lt;i&gt;" and the step and random state into {@code meta}.
   *
   * @param prefix the names' prefix, e.g. "compressor.0."
   * @param tensors receives the slot arrays
   * @param meta receives the slot names, the step and the random state
   */
  public void save(String prefix, Map<String, Tensor> tensors, Map<String, String> meta) {
    for (var e : slots.entrySet()) {
      float[][] a = e.getValue();
      for (int i = 0; i < a.length; i++) tensors.put(prefix + e.getKey() + "." + i, Tensor.of(a[i].clone(), a[i].length));
    }
    meta.put(prefix + "slots", String.join(",", slots.keySet()));
    meta.put(prefix + "step", Long.toString(step));
    if (rng != null) meta.put(prefix + "rng", Long.toString(rng.state()));
  }

  /**
   * Restores what {@link #save} wrote under {@code prefix}; {@code source} names it in errors.
   *
   * @param prefix the names' prefix
   * @param tensors the checkpoint's tensors
   * @param meta the checkpoint's metadata
   * @param source the checkpoint's name in error messages
   * @throws BadInputException if the step or random state is missing or malformed
   */
  public void load(String prefix, Map<String, Tensor> tensors, Map<String, String> meta, String source) {
    try {
      step = Long.parseLong(meta.get(prefix + "step"));
      if (rng != null) rng.setState(Long.parseLong(meta.get(prefix + "rng")));
    } catch (RuntimeException e) {
      throw new BadInputException(source + ": compressor state '" + prefix + "' has no valid step or random state");
    }
    slots.clear();
    String names = meta.getOrDefault(prefix + "slots", "");
    if (names.isEmpty()) return;
    for (String name : names.split(",")) {
      int n = 0;
      while (tensors.containsKey(prefix + name + "." + n)) n++;
      float[][] a = new float[n][];
      for (int i = 0; i < n; i++) a[i] = tensors.get(prefix + name + "." + i).data().clone();
      slots.put(name, a);
    }
  }
}
