package dev.fivefold.compress;

import dev.fivefold.nn.Parameter;
import dev.fivefold.optim.GradientTransform;
import dev.fivefold.optim.OptState;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.train.TrainObserver;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A boolean keep-mask per pruned {@link Parameter} (true = kept), by parameter name. Parameters
 * without a mask are dense.
 *
 * <p>How masks hold during fine-tuning — three hooks, none of which changes the optimizer:
 * <ul>
 *   <li>{@link #step(Optimizer)}: zero the masked gradients, step, then re-apply the masks
 *       (w ← w ⊙ m). Re-applying is what guarantees pruned weights stay exactly 0 under weight
 *       decay and momentum (whose buffers may still be non-zero at pruned positions).
 *   <li>{@link #observer()}: a {@link TrainObserver} for {@code Trainer.observe} that re-applies
 *       the masks after every optimizer step (Trainer calls onStep right after the step).
 *   <li>{@link #maskUpdates()}: a {@link GradientTransform} to put last in a chain: it zeroes the
 *       final update at pruned positions, so weights that are 0 stay exactly 0.
 * </ul>
 * This is PyTorch's {@code torch.nn.utils.prune} reparametrisation w = w_orig ⊙ mask done eagerly.
 */
public final class Masks {
  private final Map<String, Parameter> params = new LinkedHashMap<>();
  private final Map<String, boolean[]> masks = new LinkedHashMap<>();

  /** Empty masks: every parameter dense until {@link #put} adds a mask. */
  public Masks() {}

  /**
   * Adds or replaces the mask of {@code p}; its length must equal the parameter size.
   *
   * @param name the parameter's name
   * @param p the parameter
   * @param keep the keep-mask, one entry per parameter value, true = kept; held, not copied
   * @return this
   * @throws IllegalArgumentException if {@code keep.length} differs from the parameter size
   */
  public Masks put(String name, Parameter p, boolean[] keep) {
    if (keep.length != p.size()) throw new IllegalArgumentException(name + ": mask length (" + keep.length + ") != parameter size (" + p.size() + ")");
    params.put(name, p);
    masks.put(name, keep);
    return this;
  }

  /**
   * The mask of {@code name}, or null when that parameter is not pruned.
   *
   * @param name the parameter's name
   * @return the mask (live, not a copy), or null
   */
  public boolean[] mask(String name) {
    return masks.get(name);
  }

  /**
   * The masks by parameter name, in insertion order.
   *
   * @return an unmodifiable view
   */
  public Map<String, boolean[]> masks() {
    return Collections.unmodifiableMap(masks);
  }

  /**
   * The masked parameters by name, in insertion order.
   *
   * @return an unmodifiable view
   */
  public Map<String, Parameter> parameters() {
    return Collections.unmodifiableMap(params);
  }

  /** w ← w ⊙ m for every masked parameter. */
  public void apply() {
    for (var e : masks.entrySet()) {
      float[] w = params.get(e.getKey()).value().data();
      boolean[] m = e.getValue();
      for (int i = 0; i < w.length; i++) if (!m[i]) w[i] = 0f;
    }
  }

  /** ∇w ← ∇w ⊙ m for every masked parameter. */
  public void maskGradients() {
    for (var e : masks.entrySet()) {
      float[] g = params.get(e.getKey()).grad();
      boolean[] m = e.getValue();
      for (int i = 0; i < g.length; i++) if (!m[i]) g[i] = 0f;
    }
  }

  /**
   * Masked gradients, {@code opt.step()}, masks re-applied.
   *
   * @param opt the optimizer over (a superset of) the masked parameters
   */
  public void step(Optimizer opt) {
    maskGradients();
    opt.step();
    apply();
  }

  /**
   * Fraction of masked-out entries over all masked parameters (0 when there are none).
   *
   * @return the sparsity, in [0, 1]
   */
  public double sparsity() {
    long zero = 0, n = 0;
    for (boolean[] m : masks.values()) {
      n += m.length;
      for (boolean k : m) if (!k) zero++;
    }
    return n == 0 ? 0 : (double) zero / n;
  }

  /**
   * Fraction of masked-out entries of one parameter.
   *
   * @param name the parameter's name
   * @return the sparsity, in [0, 1]; 0 for a parameter without a mask
   */
  public double sparsity(String name) {
    boolean[] m = masks.get(name);
    if (m == null) return 0;
    long zero = 0;
    for (boolean k : m) if (!k) zero++;
    return (double) zero / m.length;
  }

  /**
   * Number of kept entries of one parameter.
   *
   * @param name the parameter's name
   * @return the kept entries: all of them for a parameter without a mask, 0 for an unknown name
   */
  public int kept(String name) {
    boolean[] m = masks.get(name);
    if (m == null) return params.containsKey(name) ? params.get(name).size() : 0;
    int k = 0;
    for (boolean b : m) if (b) k++;
    return k;
  }

  /**
   * Flat positions of the kept entries of {@code name}, ascending.
   *
   * @param name the name of a masked parameter
   * @return the kept positions
   */
  public int[] positions(String name) {
    boolean[] m = masks.get(name);
    int[] out = new int[kept(name)];
    for (int i = 0, j = 0; i < m.length; i++) if (m[i]) out[j++] = i;
    return out;
  }

  /**
   * A deep copy (masks cloned, parameters shared).
   *
   * @return the copy
   */
  public Masks copy() {
    Masks c = new Masks();
    for (var e : masks.entrySet()) c.put(e.getKey(), params.get(e.getKey()), e.getValue().clone());
    return c;
  }

  /**
   * Re-applies the masks after every training step.
   *
   * @return the observer, for {@code Trainer.observe}
   */
  public TrainObserver observer() {
    return new TrainObserver() {
      @Override
      public void onStep(Step s) {
        apply();
      }
    };
  }

  /**
   * Zeroes the update at pruned positions; put it last in an optimizer chain.
   *
   * @return the transform
   */
  public GradientTransform maskUpdates() {
    Masks self = this;
    return new GradientTransform() {
      @Override
      public OptState init(List<Parameter> ps) {
        return new OptState();
      }

      @Override
      public void update(float[][] updates, OptState state, List<Parameter> ps) {
        Map<Parameter, boolean[]> byParam = new IdentityHashMap<>();
        for (var e : self.masks.entrySet()) byParam.put(self.params.get(e.getKey()), e.getValue());
        for (int i = 0; i < ps.size(); i++) {
          boolean[] m = byParam.get(ps.get(i));
          if (m == null) continue;
          float[] u = updates[i];
          for (int j = 0; j < u.length; j++) if (!m[j]) u[j] = 0f;
        }
      }
    };
  }
}
