package dev.fivefold.compress.sensing;

/**
 * A linear measurement operator {@code A} ({@code rows x cols}, {@code rows <= cols}): the
 * compressed-sensing encoder {@code y = A x}. Every operator is rebuilt from its seed, so an archive
 * stores the seed and never the matrix. Columns have unit norm in expectation (exactly, for {@link
 * HadamardMeasurement}), so {@code ||A x|| ≈ ||x||} for sparse {@code x} (the restricted isometry
 * property the recovery guarantees rest on: Candès &amp; Tao 2005; Donoho 2006).
 *
 * <p>Implementations are deterministic (a fixed summation order, no threads): the same seed and
 * sizes give bit-identical results everywhere, which is what lets an archive decode to the same
 * weights on every machine.
 */
public interface Measurement {
  /**
   * Measurements {@code m}.
   *
   * @return m, &ge; 1
   */
  int rows();

  /**
   * Signal length {@code n}.
   *
   * @return n, &ge; m
   */
  int cols();

  /**
   * {@code y = A x}; {@code x} has {@link #cols()} entries, {@code y} {@link #rows()}.
   *
   * @param x the signal, {@link #cols()} entries
   * @param y receives the measurements, {@link #rows()} entries
   */
  void apply(double[] x, double[] y);

  /**
   * {@code x = A^T y}.
   *
   * @param y the measurements, {@link #rows()} entries
   * @param x receives {@code A^T y}, {@link #cols()} entries
   */
  void adjoint(double[] y, double[] x);

  /**
   * Column {@code j} of {@code A} into {@code out} ({@link #rows()} entries).
   *
   * @param j the column, in [0, n)
   * @param out receives the column
   */
  void column(int j, double[] out);

  /**
   * The operator named {@code operator} ({@code gaussian} or {@code hadamard}) of {@code rows x
   * cols} from {@code seed}.
   *
   * @param operator "gaussian" or "hadamard"
   * @param rows m, in 1..cols
   * @param cols n, &ge; 1
   * @param seed the operator's seed
   * @return the operator
   * @throws IllegalArgumentException for an unknown name or {@code rows} outside {@code 1..cols}
   */
  static Measurement of(String operator, int rows, int cols, long seed) {
    return switch (operator) {
      case "gaussian" -> new GaussianMeasurement(rows, cols, seed);
      case "hadamard" -> new HadamardMeasurement(rows, cols, seed);
      default -> throw new IllegalArgumentException("operator (" + operator + ") must be gaussian or hadamard");
    };
  }

  /**
   * Checks {@code 1 <= rows <= cols}.
   *
   * @param rows m
   * @param cols n
   * @throws IllegalArgumentException if {@code cols} &lt; 1 or {@code rows} is outside 1..cols
   */
  static void checkSizes(int rows, int cols) {
    if (cols < 1) throw new IllegalArgumentException("cols (" + cols + ") must be >= 1");
    if (rows < 1 || rows > cols) throw new IllegalArgumentException("rows (" + rows + ") must be in 1..cols (" + cols + ")");
  }
}
