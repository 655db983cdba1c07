package dev.fivefold.compress.quant;

/**
 * Round-to-nearest: each weight to the nearest level of its group's grid ({@link UniformGrid}),
 * the grid fitted to the group's own range (per tensor: the whole matrix's; per channel: the
 * row's; group-wise: G consecutive inputs of a row).
 */
public final class Rtn {
  private Rtn() {}

  /**
   * Quantizes W [rows, cols] (row-major) with {@code cfg}.
   *
   * @param w the weights, row-major [rows, cols]
   * @param rows outputs
   * @param cols inputs
   * @param cfg bits, scheme and granularity
   * @return the quantized matrix
   * @throws IllegalArgumentException if the group size does not divide cols
   */
  public static QuantizedMatrix quantize(float[] w, int rows, int cols, QuantConfig cfg) {
    int g = cfg.group(cols);
    if (cols % g != 0) throw new IllegalArgumentException("group size (" + g + ") does not divide the row (" + cols + " inputs)");
    int groups = cols / g;
    byte[] codes = new byte[rows * cols];
    float[] s = new float[rows * groups];
    int[] z = new int[rows * groups];
    boolean perTensor = cfg.granularity() == QuantConfig.Granularity.TENSOR;
    UniformGrid whole = perTensor ? UniformGrid.fit(cfg, w, 0, rows * cols, 1) : null;
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < groups; k++) {
        int off = r * cols + k * g;
        UniformGrid grid = perTensor ? whole : UniformGrid.fit(cfg, w, off, g, 1);
        s[r * groups + k] = grid.scale();
        z[r * groups + k] = grid.zero();
        for (int c = 0; c < g; c++) codes[off + c] = (byte) grid.encode(w[off + c]);
      }
    }
    return new QuantizedMatrix(rows, cols, cfg.bits(), cfg.scheme() == QuantConfig.Scheme.SYMMETRIC, perTensor, g, codes, s, z);
  }
}
