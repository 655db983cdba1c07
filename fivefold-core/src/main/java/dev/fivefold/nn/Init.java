package dev.fivefold.nn;

import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;

/**
 * Weight initialisers. fanIn/fanOut of a [out, in, k...] weight are in·k and out·k.
 * <ul>
 *   <li>{@link #heNormal}: N(0, 2/fanIn), He et al. 2015, for ReLU networks.</li>
 *   <li>{@link #xavierUniform}: U(±sqrt(6/(fanIn+fanOut))), Glorot &amp; Bengio 2010, for tanh.</li>
 *   <li>{@link #torchDefault}: U(±1/sqrt(fanIn)), PyTorch's default for Linear and Conv2d.</li>
 *   <li>{@link #normal}: N(0, std²), as GPT-2 (std 0.02).</li>
 * </ul>
 */
public final class Init {
  private Init() {}

  static int fanIn(int... dims) {
    int f = 1;
    for (int i = 1; i < dims.length; i++) f *= dims[i];
    return f;
  }

  static int fanOut(int... dims) {
    int f = dims[0];
    for (int i = 2; i < dims.length; i++) f *= dims[i];
    return f;
  }

  /**
   * {@return a tensor of shape {@code dims} drawn from N(0, 2/fanIn) (He)}
   *
   * @param rng the generator
   * @param dims the weight's shape, [out, in, k...]
   */
  public static Tensor heNormal(Rng rng, int... dims) {
    return Tensor.normal(rng, 0f, (float) Math.sqrt(2.0 / fanIn(dims)), dims);
  }

  /**
   * {@return a tensor of shape {@code dims} drawn from U(±sqrt(6/(fanIn+fanOut))) (Glorot)}
   *
   * @param rng the generator
   * @param dims the weight's shape, [out, in, k...]
   */
  public static Tensor xavierUniform(Rng rng, int... dims) {
    float a = (float) Math.sqrt(6.0 / (fanIn(dims) + fanOut(dims)));
    return Tensor.uniform(rng, -a, a, dims);
  }

  /**
   * {@return a tensor of shape {@code dims} drawn from U(±1/sqrt(fanIn)) (PyTorch's default)}
   *
   * @param rng the generator
   * @param fanIn the fan-in, given explicitly (a bias has none of its own)
   * @param dims the tensor's shape
   */
  public static Tensor torchDefault(Rng rng, int fanIn, int... dims) {
    float a = (float) (1.0 / Math.sqrt(fanIn));
    return Tensor.uniform(rng, -a, a, dims);
  }

  /**
   * {@return a tensor of shape {@code dims} drawn from N(0, std²)}
   *
   * @param rng the generator
   * @param std the standard deviation
   * @param dims the tensor's shape
   */
  public static Tensor normal(Rng rng, float std, int... dims) {
    return Tensor.normal(rng, 0f, std, dims);
  }
}
