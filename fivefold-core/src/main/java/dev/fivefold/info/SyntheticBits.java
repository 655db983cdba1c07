package dev.fivefold.info;

import dev.fivefold.data.Dataset;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.util.Arrays;

/**
 * The synthetic task of Shwartz-Ziv &amp; Tishby (2017, "Opening the black box of deep neural networks
 * via information", section 3.1): all 4096 12-bit inputs, equally likely, with a binary label from
 * a spherically symmetric rule.
 *
 * <p>The rule used here: twelve fixed unit vectors {@code u_1..u_12} on the 2-sphere (a Fibonacci
 * lattice, so no seed is involved), the bits as signs {@code s_i = 2·bit_i - 1}, the score {@code
 * r(x) = ||Σ_i s_i u_i||²} (invariant under any rotation of the sphere) and the label {@code y = [r(x)
 * > θ]}, θ the median score (if ties at the median made the split uneven, the neighbouring score
 * value that splits closer to half). Scores tie (x and its complement always share one), yet for
 * this lattice the median splits exactly: 2048 of 4096 inputs get label 1, and since y is a function
 * of x, {@code I(X;Y) = H(Y) = 1.000} bit (the paper's rule gives ≈ 0.99 bits). Inputs are presented
 * to the network as 0/1 floats.
 */
public final class SyntheticBits {
  /** Input bits. */
  public static final int BITS = 12;
  /** Number of distinct inputs, {@code 2^12}. */
  public static final int N = 1 << BITS;

  private SyntheticBits() {}

  /**
   * All 4096 inputs {@code [4096, 12]} (row i holds the bits of i, most significant first) and labels.
   *
   * @return the 4096 inputs with their labels, 2 classes
   */
  public static Dataset dataset() {
    float[] x = new float[N * BITS];
    for (int i = 0; i < N; i++) {
      for (int b = 0; b < BITS; b++) x[i * BITS + b] = (i >> (BITS - 1 - b)) & 1;
    }
    return new Dataset(Tensor.of(x, N, BITS), labels(), 2);
  }

  /**
   * The labels of inputs 0..4095.
   *
   * @return 4096 labels in {0, 1}, 2048 of them 1
   */
  public static int[] labels() {
    double[] r = scores();
    double[] sorted = r.clone();
    Arrays.sort(sorted);
    double theta = sorted[N / 2 - 1]; // at most half the inputs lie strictly above the median value
    int above = 0;
    for (double v : r) if (v > theta) above++;
    if (above < N / 2) {
      // a lower threshold may split more evenly; take the candidate closest to half
      int i = N / 2 - 1;
      while (i > 0 && sorted[i - 1] == sorted[i]) i--;
      if (i > 0) {
        double lower = sorted[i - 1];
        int aboveLower = 0;
        for (double v : r) if (v > lower) aboveLower++;
        if (Math.abs(aboveLower - N / 2) < Math.abs(above - N / 2)) theta = lower;
      }
    }
    int[] y = new int[N];
    for (int i = 0; i < N; i++) y[i] = r[i] > theta ? 1 : 0;
    return y;
  }

  /**
   * {@code I(X;Y)} in bits for X uniform over the inputs: H(Y), as the label is a function of x.
   *
   * @return I(X;Y) = H(Y), bits (1.000 for this rule)
   */
  public static double mutualInformationXY() {
    int[] x = new int[N];
    Arrays.setAll(x, i -> i);
    return Discrete.mutualInformation(x, labels());
  }

  private static double[] scores() {
    double[][] u = new double[BITS][];
    double golden = Math.PI * (3 - Math.sqrt(5));
    for (int i = 0; i < BITS; i++) {
      double z = 1 - (2 * i + 1) / (double) BITS, rho = Math.sqrt(1 - z * z), phi = golden * i;
      u[i] = new double[] {rho * Math.cos(phi), rho * Math.sin(phi), z};
    }
    double[] r = new double[N];
    for (int x = 0; x < N; x++) {
      double[] v = new double[3];
      for (int b = 0; b < BITS; b++) {
        double s = ((x >> (BITS - 1 - b)) & 1) * 2 - 1;
        for (int k = 0; k < 3; k++) v[k] += s * u[b][k];
      }
      r[x] = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
    }
    return r;
  }
}
