package dev.fivefold.compress.sensing;

/**
 * Where a layer's weights are sparse: the coefficients {@code s} of weights {@code w = Psi s}
 * that compressed sensing measures and recovers. Coefficients keep the weights' row-major order
 * and count.
 *
 * <ul>
 *   <li>{@link #IDENTITY}: {@code s = w}; sparse after magnitude pruning.
 *   <li>{@link #DCT}: per filter, the orthonormal 2-D DCT-II ({@link Dct2}) of a convolution kernel
 *       {@code [out, in, kh, kw]} (any rank >= 3; the filters are the last two dimensions), so
 *       smooth filters are sparse without pruning in the weights themselves. Orthonormal, so
 *       {@code ||w|| = ||s||} and an error in {@code s} is the same error in {@code w}.
 * </ul>
 */
public enum Basis {
  /** The weights themselves: {@code s = w}. */
  IDENTITY,
  /** The orthonormal 2-D DCT-II of every filter (the last two dimensions) of a kernel of rank &ge; 3. */
  DCT;

  /**
   * The archive's name: {@code identity} or {@code dct}.
   *
   * @return the lower-case name
   */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * The basis named {@code s} ({@code identity} or {@code dct}).
   *
   * @param s the name
   * @return the basis
   * @throws IllegalArgumentException for any other name
   */
  public static Basis of(String s) {
    return switch (s) {
      case "identity" -> IDENTITY;
      case "dct" -> DCT;
      default -> throw new IllegalArgumentException("basis (" + s + ") must be identity or dct");
    };
  }

  /**
   * Whether this basis applies to a tensor of {@code shape} (DCT needs rank >= 3).
   *
   * @param shape the tensor's shape
   * @return true for IDENTITY, or DCT on a rank of at least 3
   */
  public boolean fits(int[] shape) {
    return this == IDENTITY || shape.length >= 3;
  }

  /**
   * The coefficients {@code s = Psi^T w} of weights {@code w} of {@code shape}.
   *
   * @param w the weights, row-major
   * @param shape their shape
   * @return a new array of coefficients
   * @throws IllegalArgumentException for DCT on a rank below 3
   */
  public double[] analyze(double[] w, int[] shape) {
    if (this == IDENTITY) return w.clone();
    double[] s = new double[w.length];
    Dct2 d = dct(shape);
    int f = filter(shape);
    for (int off = 0; off < w.length; off += f) d.forward(w, s, off);
    return s;
  }

  /**
   * The weights {@code w = Psi s} of coefficients {@code s} for {@code shape}.
   *
   * @param s the coefficients, row-major
   * @param shape the weights' shape
   * @return a new array of weights
   * @throws IllegalArgumentException for DCT on a rank below 3
   */
  public double[] synthesize(double[] s, int[] shape) {
    if (this == IDENTITY) return s.clone();
    double[] w = new double[s.length];
    Dct2 d = dct(shape);
    int f = filter(shape);
    for (int off = 0; off < s.length; off += f) d.inverse(s, w, off);
    return w;
  }

  private Dct2 dct(int[] shape) {
    if (!fits(shape)) throw new IllegalArgumentException("basis dct needs a kernel of rank >= 3, shape " + java.util.Arrays.toString(shape));
    return new Dct2(shape[shape.length - 2], shape[shape.length - 1]);
  }

  private static int filter(int[] shape) {
    return shape[shape.length - 2] * shape[shape.length - 1];
  }
}
