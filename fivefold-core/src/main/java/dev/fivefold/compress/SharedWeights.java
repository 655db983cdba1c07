package dev.fivefold.compress;

import dev.fivefold.nn.Parameter;

/**
 * One layer after weight sharing: its kept positions, a code per position, and the codebook as a
 * trainable {@link Parameter} ([k]) so any optimizer can fine-tune the centroids. The layer's
 * weights are a function of the codebook: w[pos_i] = codebook[code_i], 0 elsewhere
 * ({@link #materialize}).
 */
public final class SharedWeights {
  private final String name;
  private final Parameter weight;
  private final Parameter codebook;
  private final int bits;
  private final int[] positions, codes;

  SharedWeights(String name, Parameter weight, int bits, float[] centroids, int[] positions, int[] codes) {
    this.name = name;
    this.weight = weight;
    this.bits = bits;
    this.codebook = new Parameter(WeightSharing.vector(centroids)).noDecay();
    this.positions = positions;
    this.codes = codes;
  }

  /**
   * A layer whose weights are already {@code codebook[codes[i]]} at {@code positions[i]} and 0
   * elsewhere (what a method other than k-means — soft weight-sharing, a posterior-variance grid —
   * quantised them to); the parameter is re-materialised from the codes. The arrays are checked as
   * {@link QuantizedTensor} checks them and copied.
   *
   * @param name the parameter's name
   * @param weight the parameter; re-materialised from the codes
   * @param bits code width, 1..16
   * @param codebook the shared values, at most 2^bits
   * @param positions flat indices of the kept weights, strictly ascending
   * @param codes the codebook index of each kept weight
   * @return the shared layer
   * @throws IllegalArgumentException if bits, the codebook, the positions or the codes are out of range
   */
  public static SharedWeights of(String name, Parameter weight, int bits, float[] codebook, int[] positions, int[] codes) {
    int[] shape = weight.value().shape().dims();
    QuantizedTensor q = new QuantizedTensor(name, shape, bits, codebook.clone(), positions.clone(), codes.clone());
    SharedWeights s = new SharedWeights(name, weight, bits, q.codebook(), q.positions(), q.codes());
    s.materialize();
    return s;
  }

  /**
   * The parameter's name, e.g. "fc1.weight".
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The shared values, trainable.
   *
   * @return the codebook parameter [k]
   */
  public Parameter codebook() {
    return codebook;
  }

  /**
   * The layer's weight parameter, a function of the codebook after {@link #materialize}.
   *
   * @return the weight parameter
   */
  public Parameter weight() {
    return weight;
  }

  /**
   * The codebook index of each kept position.
   *
   * @return a copy of the codes
   */
  public int[] codes() {
    return codes.clone();
  }

  /**
   * The flat row-major positions of the kept weights, ascending.
   *
   * @return a copy of the positions
   */
  public int[] positions() {
    return positions.clone();
  }

  /** w ← 0; w[pos_i] ← codebook[code_i]. */
  public void materialize() {
    float[] w = weight.value().data(), c = codebook.value().data();
    java.util.Arrays.fill(w, 0f);
    for (int i = 0; i < positions.length; i++) w[positions[i]] = c[codes[i]];
  }

  /**
   * ∂L/∂c_k += Σ_{i: code_i = k} ∂L/∂w_{pos_i} (Han eq. 3); the weight gradient is then zeroed
   * (the weights are not trained directly).
   */
  public void accumulateCentroidGradients() {
    float[] g = weight.grad(), gc = codebook.grad();
    for (int i = 0; i < positions.length; i++) gc[codes[i]] += g[positions[i]];
    weight.zeroGrad();
  }

  /**
   * The archive's unit: positions, codes and the current codebook.
   *
   * @return a new quantized tensor
   */
  public QuantizedTensor toQuantized() {
    int[] shape = new int[weight.value().rank()];
    for (int i = 0; i < shape.length; i++) shape[i] = weight.value().dim(i);
    return new QuantizedTensor(name, shape, bits, codebook.value().data().clone(), positions.clone(), codes.clone());
  }
}
