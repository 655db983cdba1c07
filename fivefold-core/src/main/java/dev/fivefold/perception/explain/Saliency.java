package dev.fivefold.perception.explain;

import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;

/**
 * Gradient saliency maps of an image classifier (any {@link dev.fivefold.perception.ImageClassifier}:
 * MLP, CNN, ViT), the score y_c being the target class's logit before the softmax:
 * <ul>
 *   <li>gradient (Simonyan, Vedaldi &amp; Zisserman 2014, §3.1): M(p) = max over channels |∂y_c/∂x_{c,p}|;
 *   <li>gradient × input (Shrikumar et al. 2016): M(p) = |Σ_channels x · ∂y_c/∂x|;
 *   <li>SmoothGrad (Smilkov et al. 2017): the gradient averaged over {@code samples} noisy copies
 *       x + N(0, σ²), σ = {@code sigma} · (max x − min x) of the image (the paper's noise level;
 *       it recommends 10–20%), then M(p) = max over channels |mean gradient|.
 * </ul>
 * One backward per batch of images gives every image's own gradient. The maps have the image's
 * height × width. A constant model gives all-zero maps.
 */
public final class Saliency {
  private Saliency() {}

  /** Images per backward. */
  static final int CHUNK = 64;

  /**
   * |∂y_c/∂x|, the maximum over channels, for each image of {@code x} [N, ...] and its target class.
   *
   * @param model the classifier
   * @param x the images {@code [N, ...]}
   * @param targets the class of each image to explain
   * @return one map per image at the input's resolution
   */
  public static Heatmap[] gradient(Module model, Tensor x, int[] targets) {
    Probe p = new Probe(model);
    float[] g = inputGradients(p, x.data(), p.count(x), targets);
    return maps(p, g, p.count(x), false);
  }

  /**
   * |Σ_channels x ⊙ ∂y_c/∂x| for each image of {@code x} and its target class.
   *
   * @param model the classifier
   * @param x the images {@code [N, ...]}
   * @param targets the class of each image to explain
   * @return one map per image at the input's resolution
   */
  public static Heatmap[] gradientTimesInput(Module model, Tensor x, int[] targets) {
    Probe p = new Probe(model);
    int n = p.count(x);
    float[] g = inputGradients(p, x.data(), n, targets);
    float[] xs = x.data();
    for (int i = 0; i < g.length; i++) g[i] *= xs[i];
    return maps(p, g, n, true);
  }

  /**
   * SmoothGrad: |(1/n) Σ_k ∂y_c/∂x (x + ε_k)|, ε_k ~ N(0, (σ·(max − min))²) per value, the noise
   * drawn from {@code new Rng(seed)} image by image and sample by sample (so the maps do not depend
   * on the batching).
   *
   * @param samples n &ge; 1 noisy copies per image
   * @param sigma noise level &ge; 0, relative to the image's value range (0: the gradient map)
   * @param model the classifier
   * @param x the images {@code [N, ...]}
   * @param targets the class of each image to explain
   * @param seed the noise's seed
   * @return one map per image at the input's resolution
   * @throws IllegalArgumentException if {@code samples < 1} or {@code sigma} is negative or infinite
   */
  public static Heatmap[] smoothGrad(Module model, Tensor x, int[] targets, int samples, double sigma, long seed) {
    if (samples < 1) throw new IllegalArgumentException("samples (" + samples + ") must be >= 1");
    if (!(sigma >= 0) || Double.isInfinite(sigma)) throw new IllegalArgumentException("sigma (" + sigma + ") must be >= 0");
    Probe p = new Probe(model);
    int n = p.count(x), f = p.features;
    p.checkTargets(targets, n);
    float[] xs = x.data(), sum = new float[n * f];
    Rng rng = new Rng(seed);
    int perBatch = Math.max(1, CHUNK / samples); // images whose noisy copies go through one backward
    for (int i0 = 0; i0 < n; i0 += perBatch) {
      int imgs = Math.min(perBatch, n - i0), m = imgs * samples;
      float[] noisy = new float[m * f];
      int[] t = new int[m];
      for (int i = 0; i < imgs; i++) {
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (int q = 0; q < f; q++) {
          lo = Math.min(lo, xs[(i0 + i) * f + q]);
          hi = Math.max(hi, xs[(i0 + i) * f + q]);
        }
        double sd = sigma * (hi - lo);
        for (int k = 0; k < samples; k++) {
          int row = i * samples + k;
          t[row] = targets[i0 + i];
          for (int q = 0; q < f; q++) noisy[row * f + q] = (float) (xs[(i0 + i) * f + q] + sd * rng.nextGaussian());
        }
      }
      float[] g = p.gradients(noisy, m, t, null).input();
      for (int i = 0; i < imgs; i++) {
        for (int k = 0; k < samples; k++) {
          int row = i * samples + k;
          for (int q = 0; q < f; q++) sum[(i0 + i) * f + q] += g[row * f + q];
        }
      }
    }
    for (int i = 0; i < sum.length; i++) sum[i] /= samples;
    return maps(p, sum, n, false);
  }

  /** dy_{targets[i]}/dx for every image, in chunks. */
  static float[] inputGradients(Probe p, float[] x, int n, int[] targets) {
    p.checkTargets(targets, n);
    float[] out = new float[n * p.features];
    for (int s = 0; s < n; s += CHUNK) {
      int m = Math.min(CHUNK, n - s);
      float[] xs = java.util.Arrays.copyOfRange(x, s * p.features, (s + m) * p.features);
      float[] g = p.gradients(xs, m, java.util.Arrays.copyOfRange(targets, s, s + m), null).input();
      System.arraycopy(g, 0, out, s * p.features, m * p.features);
    }
    return out;
  }

  private static Heatmap[] maps(Probe p, float[] v, int n, boolean absOfSum) {
    Heatmap[] out = new Heatmap[n];
    for (int i = 0; i < n; i++) out[i] = p.pixelMap(v, i, absOfSum);
    return out;
  }
}
