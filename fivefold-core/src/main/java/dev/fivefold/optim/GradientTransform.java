package dev.fivefold.optim;

import dev.fivefold.nn.Parameter;
import java.util.List;

/**
 * One stage of an optimizer, in the style of optax: {@code init} makes the state,
 * {@code update} rewrites the updates in place. {@code updates[i]} enters as the gradient of
 * {@code params.get(i)} (or the previous stage's output) and leaves as this stage's output; the
 * optimizer finally adds it to the parameter, so the last stage is usually
 * {@link Transforms#scaleByLearningRate}.
 */
public interface GradientTransform {
  /**
   * Creates this transform's state for {@code params}: zero buffers, count 0.
   *
   * @param params the parameters, in update order
   * @return the state
   */
  OptState init(List<Parameter> params);

  /**
   * Rewrites {@code updates} in place, one array per parameter (the gradients on the first link), and
   * advances
   * {@code state}.
   *
   * @param updates the updates, one array per parameter, in {@code params} order
   * @param state the state from {@link #init}
   * @param params the parameters (their values may be read, not written)
   */
  void update(float[][] updates, OptState state, List<Parameter> params);

  /**
   * Runs {@code ts} in order; the state holds each one's state as a child.
   *
   * @param ts the transforms, first to last
   * @return the chain
   */
  static GradientTransform chain(GradientTransform... ts) {
    return new GradientTransform() {
      @Override
      public OptState init(List<Parameter> params) {
        OptState s = new OptState();
        for (GradientTransform t : ts) s.children().add(t.init(params));
        return s;
      }

      @Override
      public void update(float[][] updates, OptState state, List<Parameter> params) {
        for (int i = 0; i < ts.length; i++) ts[i].update(updates, state.children().get(i), params);
        state.count++;
      }
    };
  }
}
