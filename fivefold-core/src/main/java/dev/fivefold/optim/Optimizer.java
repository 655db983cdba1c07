package dev.fivefold.optim;

import dev.fivefold.io.BadInputException;
import dev.fivefold.nn.Parameter;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A named chain of {@link GradientTransform}s bound to a model's parameters:
 * {@link #step()} reads the gradients, runs the chain, adds the result to the parameters and
 * zeroes the gradients. Buffers are allocated once. {@link #saveState}/{@link #loadState} make
 * a run resumable exactly; {@link #state()} gives typed access to the slots ({@code state().find("nu")}).
 *
 * <p>Links put in front of the chain with {@link #prepend} (a clip from
 * {@link Clipping}) keep their state beside the chain's, saved under
 * "optim.clip.&lt;k&gt;." (absent, and the layout unchanged, when nothing is prepended).
 */
public final class Optimizer {
  private final String name;
  private final GradientTransform transform;
  private final LearningRate lr;
  private final List<Parameter> params;
  private final OptState state;
  private final float[][] updates;
  private final List<GradientTransform> front = new ArrayList<>();
  private final List<Consumer<float[][]>> taps = new ArrayList<>();
  private final List<OptState> frontStates = new ArrayList<>();

  /**
   * An optimizer running {@code transform} on the gradients of {@code params}; its state is initialised now.
   *
   * @param name the name saved in checkpoints (e.g. "adamw"); a checkpoint of another name does not load
   * @param transform the chain, ending with the learning-rate link
   * @param lr the learning rate the chain reads, set by a controller
   * @param params the parameters to update (copied list)
   */
  public Optimizer(String name, GradientTransform transform, LearningRate lr, List<Parameter> params) {
    this.name = name;
    this.transform = transform;
    this.lr = lr;
    this.params = List.copyOf(params);
    this.state = transform.init(this.params);
    this.updates = new float[this.params.size()][];
    for (int i = 0; i < updates.length; i++) updates[i] = new float[this.params.get(i).size()];
  }

  /** {@return the optimizer's name, e.g. "adamw"} */
  public String name() {
    return name;
  }

  /** {@return the learning rate the chain reads; set it to change the rate} */
  public LearningRate learningRate() {
    return lr;
  }

  /** {@return the parameters, in update order (unmodifiable)} */
  public List<Parameter> parameters() {
    return params;
  }

  /**
   * Steps taken.
   *
   * @return the step count of the chain's state
   */
  public long steps() {
    return state.count;
  }

  /**
   * The chain's state (slots by name, step count); the prepended links' states are not in it.
   *
   * @return the state
   */
  public OptState state() {
    return state;
  }

  /**
   * Puts {@code t} in front of the chain (before the links already prepended): it rewrites the
   * gradients before anything else sees them, as a clip does (optax: {@code chain(clip, adam)}).
   * Its state is initialised now and saved with the optimizer's. Returns this.
   *
   * @param t the link to put first
   * @return this optimizer
   * @throws IllegalArgumentException if {@code t} is null
   */
  public Optimizer prepend(GradientTransform t) {
    if (t == null) throw new IllegalArgumentException("transform (null) must be given");
    front.addFirst(t);
    frontStates.addFirst(t.init(params));
    return this;
  }

  /**
   * Shows {@code tap} the gradients of every step as the chain receives them (after the prepended
   * links, before the rest, the parameters not yet updated), for logging. A tap is not a link: it
   * has no state, is not saved in checkpoints and changes nothing, so a run with a tap is
   * bit-identical to one without and resumes from the same checkpoints. It must not modify the
   * arrays. Returns this optimizer.
   *
   * @param tap the consumer of the gradients
   * @return this optimizer
   * @throws IllegalArgumentException if {@code tap} is null
   */
  public Optimizer tap(Consumer<float[][]> tap) {
    if (tap == null) throw new IllegalArgumentException("tap (null) must be given");
    taps.add(tap);
    return this;
  }

  /** θ ← θ + chain(∇θ); then ∇θ ← 0. */
  public void step() {
    step(null);
  }

  /**
   * {@link #step()}, showing {@code sensor} (null: none) the gradients as the chain receives them:
   * after the prepended links (the clip), before the rest, with the parameters not yet updated.
   * The sensor must not modify the arrays.
   *
   * @param sensor the consumer of the gradients, or null
   */
  public void step(Consumer<float[][]> sensor) {
    for (int i = 0; i < updates.length; i++) System.arraycopy(params.get(i).grad(), 0, updates[i], 0, updates[i].length);
    for (int k = 0; k < front.size(); k++) front.get(k).update(updates, frontStates.get(k), params);
    for (Consumer<float[][]> t : taps) t.accept(updates);
    if (sensor != null) sensor.accept(updates);
    transform.update(updates, state, params);
    for (int i = 0; i < updates.length; i++) {
      float[] th = params.get(i).value().data(), u = updates[i], g = params.get(i).grad();
      Parallel.forRange(0, th.length, Transforms.GRAIN, (lo, hi) -> {
        for (int j = lo; j < hi; j++) th[j] += u[j];
        java.util.Arrays.fill(g, lo, hi, 0f);
      });
    }
  }

  /** Zeroes the gradients of the parameters. */
  public void zeroGrad() {
    for (Parameter p : params) p.zeroGrad();
  }

  /**
   * Writes the state as tensors named "optim.…" plus the name and learning rate.
   *
   * @param out receives the state's tensors
   * @param meta receives "optimizer" and "lr"
   */
  public void saveState(Map<String, Tensor> out, Map<String, String> meta) {
    state.save("optim.", out);
    for (int k = 0; k < frontStates.size(); k++) frontStates.get(k).save("optim.clip." + k + ".", out);
    meta.put("optimizer", name);
    meta.put("lr", Double.toString(lr.get()));
  }

  /**
   * Restores a state written by {@link #saveState} for the same optimizer and parameter shapes.
   *
   * @param in the saved tensors
   * @param meta the saved metadata; its "lr", if any, sets the learning rate
   * @param source names the state in messages
   * @throws BadInputException if the optimizer's name differs or a buffer is missing or of another size
   */
  public void loadState(Map<String, Tensor> in, Map<String, String> meta, String source) {
    String saved = meta.get("optimizer");
    if (saved != null && !saved.equals(name)) {
      throw new BadInputException(source + ": optimizer (" + saved + ") does not match this run's optimizer (" + name + ")");
    }
    state.load("optim.", in, source);
    for (int k = 0; k < frontStates.size(); k++) frontStates.get(k).load("optim.clip." + k + ".", in, source);
    if (meta.containsKey("lr")) lr.set(Double.parseDouble(meta.get("lr")));
  }
}
