package dev.fivefold.nn;

import dev.fivefold.autodiff.Var;

/**
 * Sees the output of each submodule a model runs (PyTorch's forward hooks): registered with
 * {@link Module#hook}, it is called after every direct child that the module runs through
 * {@link Module#run}, in order, with the child's name. The information plane reads a network's
 * layer activations this way instead of a traced copy of its forward.
 *
 * <p>The output is the value on the forward's tape: valid until that tape is reset; copy what must
 * outlive it. A hook must not change it.
 */
@FunctionalInterface
public interface ForwardHook {
  /**
   * {@code output} of the child {@code name} ({@code module}) of the hooked module.
   *
   * @param name the child's name in the hooked module
   * @param module the child
   * @param output the child's output
   */
  void onOutput(String name, Module module, Var output);

  /** Removes the hook it came from; closing twice is harmless. */
  interface Handle extends AutoCloseable {
    @Override
    void close();
  }
}
