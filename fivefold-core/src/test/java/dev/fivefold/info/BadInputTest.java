package dev.fivefold.info;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad input throws IllegalArgumentException naming the argument and its value. */
class BadInputTest {
  static void rejects(Executable call, String... fragments) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' lacks '" + f + "'");
  }

  static float[][] col(float... v) {
    float[][] x = new float[v.length][1];
    for (int i = 0; i < v.length; i++) x[i][0] = v[i];
    return x;
  }

  @Test
  void mismatchedSampleCounts() {
    rejects(() -> Discrete.mutualInformation(new int[3], new int[4]), "x (3 samples)", "y (4 samples)");
    rejects(() -> Discrete.conditionalMutualInformation(new int[3], new int[3], new int[2]), "z (2 samples)");
    rejects(() -> Ksg.mutualInformation(col(1, 2, 3), col(1, 2), 1), "x (3 samples)", "y (2 samples)");
    rejects(() -> Gaussian.mutualInformation(col(1, 2, 3), col(1, 2)), "y (2 samples)");
    rejects(() -> KdeBound.withLabels(col(1, 2, 3), new int[2], 1), "h (3 samples)", "y (2 samples)");
    rejects(() -> Discrete.klDivergence(new double[] {1}, new double[] {0.5, 0.5}), "p (length 1)", "q (length 2)");
  }

  @Test
  void emptySamples() {
    rejects(() -> Discrete.entropy(new int[0]), "labels (length 0)");
    rejects(() -> Discrete.entropy(new double[0]), "p (length 0)");
    rejects(() -> Discrete.entropyFromCounts(new long[] {0, 0}), "counts (total 0)");
    rejects(() -> Ksg.mutualInformation(new float[0][], col(1), 1), "x (0 samples)");
    rejects(() -> Binning.equalMass(new float[0][], 4), "x (0 samples)");
    rejects(() -> KdeBound.upper(new float[0][], 1), "h (0 samples)");
    rejects(() -> Binning.fixedWidth(new float[][] {{1, 2}, {3}}, 4), "x[1] (dimension 1)");
  }

  @Test
  void nanActivations() {
    rejects(() -> Ksg.mutualInformation(col(1, Float.NaN, 3), col(1, 2, 3), 1), "x[1][0] (NaN)");
    rejects(() -> Binning.fixedWidth(col(1, 2, Float.POSITIVE_INFINITY), 4), "x[2][0] (Infinity)");
    rejects(() -> KdeBound.upper(col(Float.NaN), 1), "h[0][0] (NaN)");
    rejects(() -> Gaussian.mutualInformation(col(1, 2, 3), col(1, Float.NaN, 3)), "y[1][0] (NaN)");
    rejects(() -> KdeBound.upper(col(1, 2), Double.NaN), "noiseVariance (NaN)");
    rejects(() -> KdeBound.lower(col(1, 2), -1), "noiseVariance (-1.0)");
  }

  @Test
  void binsAndK() {
    rejects(() -> Binning.fixedWidth(col(1, 2), 1), "bins (1)");
    rejects(() -> Binning.equalMass(col(1, 2), 0), "bins (0)");
    rejects(() -> Binning.fixedWidth(col(1, 2), 4, 1, 1), "[1.0, 1.0]");
    rejects(() -> Ksg.mutualInformation(col(1, 2, 3), col(1, 2, 3), 3), "k (3)", "n = 3");
    rejects(() -> Ksg.mutualInformation(col(1, 2, 3), col(1, 2, 3), 0), "k (0)");
    rejects(() -> Ksg.mutualInformation(Tensor.zeros(3), Tensor.zeros(3, 1), 1), "x (shape");
  }

  @Test
  void invalidProbabilities() {
    rejects(() -> Discrete.entropy(new double[] {1.2, -0.2}), "p[1] (-0.2)");
    rejects(() -> Discrete.entropy(new double[] {0.5, 0.4}), "p sums to 0.9");
    rejects(() -> Discrete.klDivergence(new double[] {0.5, 0.5}, new double[] {Double.NaN, 1}), "q[0] (NaN)");
    rejects(() -> Discrete.jsDivergence(new double[] {0.5, 0.6}, new double[] {0.5, 0.5}), "p sums to 1.1");
    rejects(() -> Discrete.entropyFromCounts(new long[] {3, -1}), "counts[1] (-1)");
    rejects(() -> Discrete.mutualInformation(new double[][] {{0.5, 0.5}, {0.5, -0.5}}), "pxy[3] (-0.5)");
    rejects(() -> Gaussian.fromCorrelation(1.5), "rho (1.5)");
    rejects(() -> Gaussian.mutualInformation(new double[][] {{1, 2}, {2, 1}}, 1), "positive definite");
  }
}
