package dev.fivefold.control;

/**
 * Gradients of the loss on one fixed batch at perturbed parameters: {@code gradient(δ)} returns
 * ∇L(θ + δ), one array per parameter tensor (the same layout as {@code δ}), in a buffer owned by
 * the oracle and overwritten by the next call. θ itself is left unchanged. The
 * trainer's {@link Sensors} build one from the batch of the last step; tests build one
 * from a closed-form loss.
 */
public interface GradientOracle {
  /**
   * Sizes of the parameter tensors.
   *
   * @return one size per parameter tensor
   */
  int[] sizes();

  /**
   * ∇L(θ + δ) on the oracle's batch; θ is unchanged afterwards.
   *
   * @param delta the perturbation, one array per parameter tensor of {@link #sizes()}
   * @return the gradient, in a buffer overwritten by the next call
   */
  float[][] gradient(float[][] delta);
}
