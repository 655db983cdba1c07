package dev.fivefold.compress;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.Parameter;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Quantization-aware training with the straight-through estimator (Bengio et al. 2013; Jacob et
 * al. 2018 §3): the forward pass sees fake-quantized weights Q(w) = dequantize(quantize(w)), the
 * backward pass treats Q as the identity, ∂L/∂w := ∂L/∂Q(w), and the update goes to the float
 * "master" weights.
 *
 * <p>Module form (no change to the layers): {@link #beginStep()} saves the master weights and
 * writes Q(w ⊙ m) into the parameters; forward and backward run as usual (the gradients are
 * therefore taken at Q(w)); {@link #endStep(Optimizer)} restores the masters, masks the gradients,
 * steps, and re-applies the masks — so pruned weights stay exactly 0 in both copies (0 is exactly
 * representable, see {@link AffineQuantized}). After training, {@link #finish()} leaves Q(w) in place.
 *
 * <p>Functional form: {@link #ste(Var, int, boolean)} returns w + const(Q(w) − w), whose value is
 * Q(w) and whose gradient flows to w unchanged.
 */
public final class QuantAwareTraining {
  private final Map<String, Parameter> params;
  private final Masks masks;
  private final int bits;
  private final boolean perChannel;
  private final Map<String, float[]> master = new LinkedHashMap<>();

  /**
   * Quantization-aware training of {@code params} with {@code bits}-bit fake quantization; the parameter map
   * is copied.
   *
   * @param params the parameters to quantize, by name
   * @param masks sparsity masks to keep, or null
   * @param bits the bit width, 2..16
   * @param perChannel per slice of axis 0 when true, else per tensor
   */
  public QuantAwareTraining(Map<String, Parameter> params, Masks masks, int bits, boolean perChannel) {
    this.params = new LinkedHashMap<>(params);
    this.masks = masks;
    this.bits = bits;
    this.perChannel = perChannel;
  }

  /** Saves masters and writes fake-quantized weights into the parameters. */
  public void beginStep() {
    if (masks != null) masks.apply();
    for (var e : params.entrySet()) {
      Tensor v = e.getValue().value();
      master.put(e.getKey(), v.data().clone());
      AffineQuantized.fakeQuantize(v, bits, perChannel);
    }
  }

  /**
   * Restores the masters and applies the straight-through gradients with {@code opt}.
   *
   * @param opt the optimizer over the parameters
   */
  public void endStep(Optimizer opt) {
    restore();
    if (masks != null) masks.step(opt);
    else opt.step();
  }

  /** Restores the master weights (e.g. to evaluate in float). */
  public void restore() {
    for (var e : master.entrySet()) System.arraycopy(e.getValue(), 0, params.get(e.getKey()).value().data(), 0, e.getValue().length);
    master.clear();
  }

  /** Leaves the weights fake-quantized (masks kept) for export. */
  public void finish() {
    if (!master.isEmpty()) restore();
    beginStep();
    master.clear();
  }

  /**
   * Straight-through fake quantization of a differentiable weight.
   *
   * @param w the weight
   * @param bits the bit width, 2..16
   * @param perChannel per slice of axis 0 when true, else per tensor
   * @return a variable of value Q(w) whose gradient passes to {@code w} unchanged
   */
  public static Var ste(Var w, int bits, boolean perChannel) {
    Tensor qw = w.value().copy();
    AffineQuantized.fakeQuantize(qw, bits, perChannel);
    float[] delta = qw.data(), x = w.value().data();
    for (int i = 0; i < delta.length; i++) delta[i] -= x[i];
    return F.add(w, w.tape().input(qw));
  }
}
