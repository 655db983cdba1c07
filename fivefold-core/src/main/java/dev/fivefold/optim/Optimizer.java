package dev.fivefold.optim;

import dev.fivefold.io.BadInputException;
import dev.fivefold.nn.Parameter;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Parallel;
import java.util.List;
import java.util.Map;

/**
 * A named chain of {@link GradientTransform}s bound to a model's parameters:
 * {@link #step()} reads the gradients, runs the chain, adds the result to the parameters and
 * zeroes the gradients. Buffers are allocated once. {@link #saveState}/{@link #loadState} make
 * a run resumable exactly.
 */
public final class Optimizer {
  private final String name;
  private final GradientTransform transform;
  private final LearningRate lr;
  private final List<Parameter> params;
  private final OptState state;
  private final float[][] updates;

  public Optimizer(String name, GradientTransform transform, LearningRate lr, List<Parameter> params) {
    this.name = name;
    this.transform = transform;
    this.lr = lr;
    this.params = List.copyOf(params);
    this.state = transform.init(this.params);
    this.updates = new float[this.params.size()][];
    for (int i = 0; i < updates.length; i++) updates[i] = new float[this.params.get(i).size()];
  }

  public String name() {
    return name;
  }

  public LearningRate learningRate() {
    return lr;
  }

  public List<Parameter> parameters() {
    return params;
  }

  /** Steps taken. */
  public long steps() {
    return state.count;
  }

  /** θ ← θ + chain(∇θ); then ∇θ ← 0. */
  public void step() {
    for (int i = 0; i < updates.length; i++) System.arraycopy(params.get(i).grad(), 0, updates[i], 0, updates[i].length);
    transform.update(updates, state, params);
    for (int i = 0; i < updates.length; i++) {
      float[] th = params.get(i).value().data(), u = updates[i], g = params.get(i).grad();
      Parallel.forRange(0, th.length, Transforms.GRAIN, (lo, hi) -> {
        for (int j = lo; j < hi; j++) th[j] += u[j];
        java.util.Arrays.fill(g, lo, hi, 0f);
      });
    }
  }

  public void zeroGrad() {
    for (Parameter p : params) p.zeroGrad();
  }

  /** Writes the state as tensors named "optim.…" plus the name and learning rate. */
  public void saveState(Map<String, Tensor> out, Map<String, String> meta) {
    state.save("optim.", out);
    meta.put("optimizer", name);
    meta.put("lr", Double.toString(lr.get()));
  }

  /** Restores a state written by {@link #saveState} for the same optimizer and parameter shapes. */
  public void loadState(Map<String, Tensor> in, Map<String, String> meta, String source) {
    String saved = meta.get("optimizer");
    if (saved != null && !saved.equals(name)) {
      throw new BadInputException(source + ": optimizer (" + saved + ") does not match this run's optimizer (" + name + ")");
    }
    state.load("optim.", in, source);
    if (meta.containsKey("lr")) lr.set(Double.parseDouble(meta.get("lr")));
  }
}
