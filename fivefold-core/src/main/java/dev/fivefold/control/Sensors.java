package dev.fivefold.control;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.Parameter;
import dev.fivefold.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sensors that build {@link Signals}: the loop calls {@link #beforeBatch}, then
 * {@link #gradients} with the gradients the optimizer's chain receives (after its clip), then
 * {@link #afterUpdate} with the step's loss; {@link #signals} is what the controller sees before
 * the next step. Only what the controller {@link Controller#needs()} is measured:
 * <ul>
 *   <li>always: the loss and its bias-corrected EMA L̄ = m/(1 − 0.98ⁿ), m ← 0.98·m + 0.02·L, with n
 *       its own count of losses (not the optimizer's step count, which a rollback or a rewind
 *       sets back);</li>
 *   <li>{@code GRAD_NORM}: ‖g‖₂ over all parameters (one pass);</li>
 *   <li>{@code GRAD_DOT}: g_t·g_{t−1} (a copy of the last gradient; NaN on the first step and the
 *       first after a rollback);</li>
 *   <li>{@code UPDATE_RATIO}: ‖Δθ‖/‖θ‖, global and per tensor (a copy of θ before the update);</li>
 *   <li>{@code ORACLE}: a {@link GradientOracle} on the last batch — the data position is saved
 *       before each batch and replayed when the oracle is called (the model stays in training
 *       mode, so dropout noise enters it).</li>
 * </ul>
 * Everything the next signals depend on — the EMA and its count, the last measurements, the last
 * gradient, the last batch's position — is in {@link #save}, so a resumed run's controller sees
 * what the uninterrupted run's saw.
 */
public final class Sensors {
  /** How the oracle replays the last batch: the data position and the loss on a tape. */
  public interface Replay {
    /**
     * The position in the data stream before the next batch.
     *
     * @return the position, as strings by name
     */
    Map<String, String> position();

    /**
     * Goes back to {@code position}; {@code source} names it for errors.
     *
     * @param position a position from {@link #position()}
     * @param source names the position in messages
     */
    void seek(Map<String, String> position, String source);

    /**
     * Records the mean loss of the next batch on {@code tape}.
     *
     * @param tape the tape to record on
     * @return the mean loss
     */
    Var loss(Tape tape);
  }

  /** β of the smoothed loss. */
  public static final double BETA = 0.98;

  private final Set<Controller.Need> needs;
  private final List<Parameter> params;
  private final Tape tape;
  private final Replay replay;
  private double smoothed, lastLoss = Double.NaN, gradNorm = Double.NaN, updateRatio = Double.NaN, gradDot = Double.NaN;
  private long count;
  private double[] updateRatios = new double[0];
  private float[][] before, lastGrad;
  private Map<String, String> batch;

  /**
   * Sensors measuring the loss and what {@code needs} names.
   *
   * @param needs what to measure beyond the loss
   * @param params the parameters, in the optimizer's order
   * @param tape the tape the oracle records on (the loop's)
   * @param replay the data stream, for the oracle (may be null when {@code needs} has no ORACLE)
   * @throws IllegalArgumentException if {@code needs} has ORACLE and {@code replay} is null
   */
  public Sensors(Set<Controller.Need> needs, List<Parameter> params, Tape tape, Replay replay) {
    if (needs.contains(Controller.Need.ORACLE) && replay == null) throw new IllegalArgumentException("replay (null) must be given for the ORACLE sensor");
    this.needs = Set.copyOf(needs);
    this.params = List.copyOf(params);
    this.tape = tape;
    this.replay = replay;
  }

  /**
   * Whether {@link #gradients} measures anything (else the loop need not call it).
   *
   * @return true if a gradient sensor is on
   */
  public boolean readsGradients() {
    return needs.contains(Controller.Need.GRAD_NORM) || needs.contains(Controller.Need.GRAD_DOT) || needs.contains(Controller.Need.UPDATE_RATIO);
  }

  /** Before the batch of a step is drawn. */
  public void beforeBatch() {
    if (needs.contains(Controller.Need.ORACLE)) batch = replay.position();
  }

  /**
   * The gradients {@code g} (per parameter) the update is computed from; the parameters not yet updated.
   *
   * @param g the gradients, one array per parameter in the optimizer's order
   */
  public void gradients(float[][] g) {
    if (needs.contains(Controller.Need.GRAD_NORM) || needs.contains(Controller.Need.GRAD_DOT)) {
      double s = 0;
      for (float[] gi : g) for (float x : gi) s += (double) x * x;
      gradNorm = Math.sqrt(s);
    }
    if (needs.contains(Controller.Need.GRAD_DOT)) { // g_t·g_{t−1}; NaN on the first step (and the first after a rollback)
      boolean have = lastGrad != null;
      if (!have) lastGrad = zeros();
      double d = 0;
      for (int i = 0; i < lastGrad.length; i++) {
        float[] gi = g[i], h = lastGrad[i];
        for (int j = 0; j < gi.length; j++) d += (double) gi[j] * h[j];
        System.arraycopy(gi, 0, h, 0, gi.length);
      }
      gradDot = have ? d : Double.NaN;
    }
    if (needs.contains(Controller.Need.UPDATE_RATIO)) {
      if (before == null) before = zeros();
      for (int i = 0; i < before.length; i++) System.arraycopy(params.get(i).value().data(), 0, before[i], 0, before[i].length);
    }
  }

  /**
   * After the update of a step whose loss was {@code loss}.
   *
   * @param loss the step's training loss
   */
  public void afterUpdate(double loss) {
    if (needs.contains(Controller.Need.UPDATE_RATIO)) {
      if (updateRatios.length != params.size()) updateRatios = new double[params.size()];
      double dAll = 0, wAll = 0;
      for (int i = 0; i < before.length; i++) {
        float[] w = params.get(i).value().data(), b = before[i];
        double d = 0, n = 0;
        for (int j = 0; j < w.length; j++) {
          double dj = w[j] - b[j];
          d += dj * dj;
          n += (double) w[j] * w[j];
        }
        updateRatios[i] = Math.sqrt(d) / Math.sqrt(n);
        dAll += d;
        wAll += n;
      }
      updateRatio = Math.sqrt(dAll) / Math.sqrt(wAll);
    }
    smoothed = BETA * smoothed + (1 - BETA) * loss;
    count++;
    lastLoss = loss;
  }

  /** The step that produced the last gradient was undone: the next gradient has no predecessor. */
  public void forgetGradient() {
    lastGrad = null;
  }

  /**
   * The signals before step {@code step} (0-based) at {@code progress}, the rate now {@code lr}.
   *
   * @param step the step about to be taken, 0-based
   * @param progress the fraction of the run done, in [0, 1]
   * @param lr the current learning rate
   * @return the signals (at the start, before any loss: {@link Signals#start})
   */
  public Signals signals(long step, double progress, double lr) {
    if (Double.isNaN(lastLoss)) return Signals.start(step, progress, lr);
    double sm = smoothed / (1 - Math.pow(BETA, Math.max(1, count)));
    GradientOracle oracle = needs.contains(Controller.Need.ORACLE) && batch != null ? new BatchOracle(params, tape, replay, batch) : null;
    return new Signals(step, progress, lastLoss, sm, gradNorm, updateRatio, updateRatios, lr, oracle, gradDot);
  }

  /**
   * The smoothed loss L̄ (NaN before the first loss).
   *
   * @return L̄, or NaN
   */
  public double smoothedLoss() {
    return count == 0 ? Double.NaN : smoothed / (1 - Math.pow(BETA, Math.max(1, count)));
  }

  /**
   * The last step's loss (NaN before the first).
   *
   * @return the loss, or NaN
   */
  public double lastLoss() {
    return lastLoss;
  }

  /**
   * Losses the EMA has seen.
   *
   * @return the count
   */
  public long count() {
    return count;
  }

  /**
   * Writes the sensors' memory: strings under "sensors.…" in {@code meta}, the last gradient as tensors "sensors.lastGrad.i".
   *
   * @param tensors receives the last gradient
   * @param meta receives the scalar state
   */
  public void save(Map<String, Tensor> tensors, Map<String, String> meta) {
    meta.put("sensors.smoothed", Double.toString(smoothed));
    meta.put("sensors.count", Long.toString(count));
    meta.put("sensors.lastLoss", Double.toString(lastLoss));
    meta.put("sensors.gradNorm", Double.toString(gradNorm));
    meta.put("sensors.updateRatio", Double.toString(updateRatio));
    meta.put("sensors.gradDot", Double.toString(gradDot));
    StringBuilder r = new StringBuilder();
    for (int i = 0; i < updateRatios.length; i++) r.append(i == 0 ? "" : ",").append(updateRatios[i]);
    meta.put("sensors.updateRatios", r.toString());
    if (batch != null) for (var e : batch.entrySet()) meta.put("sensors.batch." + e.getKey(), e.getValue());
    if (lastGrad != null) for (int i = 0; i < lastGrad.length; i++) tensors.put("sensors.lastGrad." + i, Tensor.of(lastGrad[i].clone(), lastGrad[i].length));
  }

  /**
   * Restores {@link #save}; without "sensors.count" (a checkpoint written before it existed) the sensors start fresh.
   *
   * @param tensors the saved tensors
   * @param meta the saved metadata
   * @param source names the state in messages
   * @throws IllegalArgumentException if a field does not parse or a gradient is missing or of another size
   */
  public void load(Map<String, Tensor> tensors, Map<String, String> meta, String source) {
    if (!meta.containsKey("sensors.count")) return;
    smoothed = Controller.read(meta, "sensors.smoothed", source);
    count = (long) Controller.read(meta, "sensors.count", source);
    lastLoss = Controller.read(meta, "sensors.lastLoss", source);
    gradNorm = Controller.read(meta, "sensors.gradNorm", source);
    updateRatio = Controller.read(meta, "sensors.updateRatio", source);
    gradDot = Controller.read(meta, "sensors.gradDot", source);
    String r = meta.getOrDefault("sensors.updateRatios", "");
    String[] p = r.isEmpty() ? new String[0] : r.split(",");
    updateRatios = new double[p.length];
    for (int i = 0; i < p.length; i++) updateRatios[i] = Controller.read(Map.of("sensors.updateRatios", p[i]), "sensors.updateRatios", source);
    Map<String, String> b = new LinkedHashMap<>();
    for (var e : meta.entrySet()) if (e.getKey().startsWith("sensors.batch.")) b.put(e.getKey().substring("sensors.batch.".length()), e.getValue());
    batch = b.isEmpty() ? null : b;
    lastGrad = null;
    if (tensors.containsKey("sensors.lastGrad.0")) {
      lastGrad = zeros();
      for (int i = 0; i < lastGrad.length; i++) {
        Tensor t = tensors.get("sensors.lastGrad." + i);
        if (t == null || t.size() != lastGrad[i].length) throw new IllegalArgumentException(source + ": sensor state 'sensors.lastGrad." + i + "' missing or of another size");
        System.arraycopy(t.data(), 0, lastGrad[i], 0, lastGrad[i].length);
      }
    }
  }

  private float[][] zeros() {
    float[][] z = new float[params.size()][];
    for (int i = 0; i < z.length; i++) z[i] = new float[params.get(i).size()];
    return z;
  }

  /** ∇L(θ + δ) on the last batch, replayed from its saved stream position. */
  private static final class BatchOracle implements GradientOracle {
    private final List<Parameter> ps;
    private final Tape tape;
    private final Replay replay;
    private final Map<String, String> batch;
    private final float[][] out, theta;
    private final int[] sizes;

    BatchOracle(List<Parameter> ps, Tape tape, Replay replay, Map<String, String> batch) {
      this.ps = ps;
      this.tape = tape;
      this.replay = replay;
      this.batch = batch;
      sizes = new int[ps.size()];
      out = new float[ps.size()][];
      theta = new float[ps.size()][];
      for (int i = 0; i < sizes.length; i++) {
        sizes[i] = ps.get(i).size();
        out[i] = new float[sizes[i]];
        theta[i] = new float[sizes[i]];
      }
    }

    @Override
    public int[] sizes() {
      return sizes.clone();
    }

    @Override
    public float[][] gradient(float[][] delta) {
      Map<String, String> now = replay.position();
      replay.seek(batch, "the last batch");
      for (int i = 0; i < sizes.length; i++) {
        float[] w = ps.get(i).value().data();
        System.arraycopy(w, 0, theta[i], 0, w.length);
        for (int j = 0; j < w.length; j++) w[j] += delta[i][j];
      }
      try {
        for (Parameter p : ps) p.zeroGrad();
        tape.reset();
        tape.backward(replay.loss(tape));
        for (int i = 0; i < sizes.length; i++) System.arraycopy(ps.get(i).grad(), 0, out[i], 0, sizes[i]);
      } finally {
        for (Parameter p : ps) p.zeroGrad();
        for (int i = 0; i < sizes.length; i++) System.arraycopy(theta[i], 0, ps.get(i).value().data(), 0, sizes[i]);
        replay.seek(now, "the stream position");
      }
      return out;
    }
  }
}
