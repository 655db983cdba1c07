package dev.fivefold.compress.quant;

/**
 * How to quantize weights.
 *
 * @param bits 8 (int8) or 4 (int4)
 * @param scheme symmetric (w ≈ s·q, q ∈ [−(2^(b−1)−1), 2^(b−1)−1]) or affine (w ≈ s·(u − z), u ∈ [0, 2^b − 1])
 * @param granularity one scale per tensor, per output channel (row of W [out, in]) or per group of
 *     {@code groupSize} consecutive inputs of a row
 * @param groupSize inputs per group (GROUP only; even, ≥ 2; 32–256 is the usual range); must divide
 *     each quantized matrix's row, which is checked per tensor
 * @param method round-to-nearest, or GPTQ (needs calibration second moments)
 * @param includeEmbeddings also quantize the GPT's token and position embeddings (wte, wpe)
 * @param includeHead also quantize the GPT's output head (lm_head)
 * @param damping GPTQ's λ: H + λ·mean(diag H)·I (Frantar et al. use 0.01), in [0, 1]
 */
public record QuantConfig(int bits, Scheme scheme, Granularity granularity, int groupSize, Method method,
    boolean includeEmbeddings, boolean includeHead, double damping) {
  /** How codes map to values. */
  public enum Scheme {
    /** w ≈ s·q with q signed around 0: no zero point. */
    SYMMETRIC,
    /** w ≈ s·(u − z) with u unsigned and an integer zero point z. */
    AFFINE
  }

  /** Which weights share a scale. */
  public enum Granularity {
    /** One scale for the whole matrix. */
    TENSOR,
    /** One scale per output channel (row of W [out, in]). */
    CHANNEL,
    /** One scale per group of {@code groupSize} consecutive inputs of a row. */
    GROUP
  }

  /** How codes are chosen. */
  public enum Method {
    /** Round to nearest ({@link Rtn}). */
    RTN,
    /** GPTQ's error-compensating rounding with calibration second moments ({@link Gptq}). */
    GPTQ
  }

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException if {@code bits} is not 4 or 8, an enum is null, a GROUP size is odd or
   *     &lt; 2, or {@code damping} is outside [0, 1]
   */
  public QuantConfig {
    if (bits != 4 && bits != 8) throw new IllegalArgumentException("bits (" + bits + ") must be 4 or 8");
    if (scheme == null || granularity == null || method == null) throw new IllegalArgumentException("scheme, granularity and method must not be null");
    if (granularity == Granularity.GROUP && (groupSize < 2 || groupSize % 2 != 0)) throw new IllegalArgumentException("group size (" + groupSize + ") must be even and >= 2");
    if (!(damping >= 0 && damping <= 1)) throw new IllegalArgumentException("damping (" + damping + ") must be in [0, 1]");
  }

  /**
   * int{bits} symmetric group-wise (group 64 or {@code group}) GPTQ, neither embeddings nor head.
   *
   * @param bits 4 or 8
   * @param scheme symmetric or affine
   * @param granularity tensor, channel or group
   * @param group the group size (GROUP only)
   * @param method RTN or GPTQ
   * @return the configuration, damping 0.01
   */
  public static QuantConfig of(int bits, Scheme scheme, Granularity granularity, int group, Method method) {
    return new QuantConfig(bits, scheme, granularity, group, method, false, false, 0.01);
  }

  /** The scale group size for a row of {@code cols} inputs: cols for tensor and channel. */
  int group(int cols) {
    return granularity == Granularity.GROUP ? groupSize : cols;
  }

  /** A one-line description, also stored in the file's metadata. */
  @Override
  public String toString() {
    return "bits=" + bits + ",scheme=" + scheme.name().toLowerCase() + ",granularity=" + granularity.name().toLowerCase()
        + (granularity == Granularity.GROUP ? ",group=" + groupSize : "") + ",method=" + method.name().toLowerCase()
        + ",embeddings=" + includeEmbeddings + ",head=" + includeHead + (method == Method.GPTQ ? ",damping=" + damping : "");
  }
}
