package dev.fivefold.compress.sensing;

import dev.fivefold.compress.archive.SensedTensor;

/**
 * Sparse recovery: given {@code y = A x} for a sparse {@code x} with fewer measurements than
 * unknowns ({@code m < n}), find {@code x}. Greedy ({@link Omp}) or convex, l1-regularised
 * ({@link Fista}). Deterministic: the same {@code A} and {@code y} give the same bits.
 */
public sealed interface SparseRecovery permits Omp, Fista {
  /**
   * An estimate of {@code x} ({@code a.cols()} entries) from {@code y} ({@code a.rows()} entries).
   *
   * @param a the operator A
   * @param y the measurements
   * @return the estimate, a new array
   */
  double[] recover(Measurement a, double[] y);

  /**
   * The archive's name: {@code omp} or {@code fista}.
   *
   * @return the lower-case name
   */
  String label();

  /**
   * The recovery a recipe names, for a block whose sparsity is {@code k}.
   *
   * @param r the recipe: recovery name, tolerance and FISTA's settings
   * @param k the block's sparsity: OMP's atoms, FISTA's debiasing support
   * @return the recovery
   * @throws IllegalArgumentException for an unknown recovery name or invalid settings
   */
  static SparseRecovery of(SensedTensor.Recipe r, int k) {
    return switch (r.recovery()) {
      case "omp" -> new Omp(k, r.tolerance());
      case "fista" -> new Fista(r.lambda(), r.iterations(), r.tolerance(), k);
      default -> throw new IllegalArgumentException("recovery (" + r.recovery() + ") must be omp or fista");
    };
  }
}
