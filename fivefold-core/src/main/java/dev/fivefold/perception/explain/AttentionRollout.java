package dev.fivefold.perception.explain;

import java.util.List;

/**
 * Attention rollout (Abnar &amp; Zuidema 2020, "Quantifying Attention Flow in Transformers", §3):
 * a residual connection carries each token on, so layer l's effective mixing is
 * Â_l = rownorm(Ā_l + I), Ā_l the attention averaged over heads (rows of Ā_l sum to 1, so Â_l =
 * (Ā_l + I)/2); the attention of the output tokens to the input tokens through L layers is the
 * product R = Â_L · … · Â_2 · Â_1. Row i of R: how much output token i draws on each input token.
 * All [T, T] matrices are row-major float arrays; the products are accumulated in double.
 */
public final class AttentionRollout {
  private AttentionRollout() {}

  /**
   * Ā = (1/H) Σ_h A_h of H [T, T] matrices.
   *
   * @param heads H matrices, each T·T floats row-major
   * @param t T, the tokens
   * @return Ā, T·T floats
   * @throws IllegalArgumentException if {@code heads} is empty
   */
  public static float[] meanOfHeads(float[][] heads, int t) {
    if (heads.length == 0) throw new IllegalArgumentException("heads must not be empty");
    float[] out = new float[t * t];
    for (float[] a : heads) {
      if (a.length != t * t) throw new IllegalArgumentException("attention matrix (" + a.length + " values) must be [T, T] with T = " + t);
      for (int i = 0; i < out.length; i++) out[i] += a[i] / heads.length;
    }
    return out;
  }

  /**
   * R = Â_L · … · Â_1, Â_l = rownorm(layers[l] + I), for head-averaged [T, T] attention
   * matrices given bottom layer first (a row need not sum to 1: the identity is added and the row
   * renormalised, as the paper does).
   *
   * @param layers one T·T matrix per layer, bottom layer first
   * @param t T, the tokens
   * @return the rolled-out attention, T·T floats, row-major
   * @throws IllegalArgumentException if {@code layers} is empty
   */
  public static float[] rollout(List<float[]> layers, int t) {
    if (layers.isEmpty()) throw new IllegalArgumentException("layers must not be empty");
    double[] r = null;
    for (float[] a : layers) {
      if (a.length != t * t) throw new IllegalArgumentException("attention matrix (" + a.length + " values) must be [T, T] with T = " + t);
      double[] hat = new double[t * t];
      for (int i = 0; i < t; i++) {
        double s = 0;
        for (int j = 0; j < t; j++) s += a[i * t + j] + (i == j ? 1 : 0);
        for (int j = 0; j < t; j++) hat[i * t + j] = (a[i * t + j] + (i == j ? 1 : 0)) / s;
      }
      if (r == null) {
        r = hat;
        continue;
      }
      double[] next = new double[t * t]; // Â_l · R
      for (int i = 0; i < t; i++) {
        for (int k = 0; k < t; k++) {
          double h = hat[i * t + k];
          if (h == 0) continue;
          for (int j = 0; j < t; j++) next[i * t + j] += h * r[k * t + j];
        }
      }
      r = next;
    }
    float[] out = new float[t * t];
    for (int i = 0; i < out.length; i++) out[i] = (float) r[i];
    return out;
  }
}
