package dev.fivefold.compress;

import dev.fivefold.nn.Parameter;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.tensor.Tensor;
import java.util.List;

/**
 * Trained quantization by weight sharing (Han et al., "Deep Compression", ICLR 2016, §3): the kept
 * weights of a layer are clustered by 1-D k-means with linear initialisation (centroids evenly
 * spaced over [min, max] of the kept weights, §3.2 — it keeps the few large weights represented),
 * each weight stores its cluster's code, and the centroids are fine-tuned: the gradient of
 * centroid c is the sum of the gradients of the weights in cluster c (§3.3, eq. 3).
 */
public final class WeightSharing {
  private WeightSharing() {}

  /**
   * A 1-D clustering: centroid values and each point's centroid index.
   *
   * @param centroids the centroid values, at most k (one, 0, for empty input)
   * @param assignment per point the index of its nearest centroid
   * @param iterations Lloyd iterations run, at most {@code maxIter}
   */
  public record Clustering(float[] centroids, int[] assignment, int iterations) {}

  /**
   * Lloyd's k-means on {@code x} with linear initialisation; stops when no assignment changes or
   * after {@code maxIter} iterations. An empty cluster keeps its previous centroid. Empty input
   * gives centroid 0 with no assignments.
   *
   * @param x the points
   * @param k number of clusters, &ge; 1
   * @param maxIter the most iterations
   * @return the centroids and assignment
   * @throws IllegalArgumentException if {@code k} &lt; 1
   */
  public static Clustering kmeans(float[] x, int k, int maxIter) {
    if (k < 1) throw new IllegalArgumentException("k (" + k + ") must be >= 1");
    if (x.length == 0) return new Clustering(new float[] {0f}, new int[0], 0);
    float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
    for (float v : x) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    float[] c = new float[k];
    for (int j = 0; j < k; j++) c[j] = k == 1 ? (lo + hi) / 2 : lo + (hi - lo) * j / (k - 1);
    int[] a = new int[x.length];
    java.util.Arrays.fill(a, -1);
    int it = 0;
    while (it < maxIter) {
      it++;
      boolean changed = assign(x, c, a);
      double[] sum = new double[k];
      int[] cnt = new int[k];
      for (int i = 0; i < x.length; i++) {
        sum[a[i]] += x[i];
        cnt[a[i]]++;
      }
      for (int j = 0; j < k; j++) if (cnt[j] > 0) c[j] = (float) (sum[j] / cnt[j]);
      if (!changed) break;
    }
    assign(x, c, a);
    return new Clustering(c, a, it);
  }

  /** Nearest centroid (lower index on ties); returns whether any assignment changed. */
  static boolean assign(float[] x, float[] c, int[] a) {
    boolean changed = false;
    for (int i = 0; i < x.length; i++) {
      int best = 0;
      float bd = Math.abs(x[i] - c[0]);
      for (int j = 1; j < c.length; j++) {
        float d = Math.abs(x[i] - c[j]);
        if (d < bd) {
          bd = d;
          best = j;
        }
      }
      if (a[i] != best) {
        a[i] = best;
        changed = true;
      }
    }
    return changed;
  }

  /**
   * Code width for a codebook of k entries: ⌈log₂ k⌉, at least 1.
   *
   * @param k codebook size, &ge; 1
   * @return the bits per code
   */
  public static int bitsFor(int k) {
    return Math.max(1, 32 - Integer.numberOfLeadingZeros(k - 1));
  }

  /**
   * Clusters the kept weights of {@code p} ({@code keep} null = all) into 2^bits shared values
   * and writes the shared values into the parameter.
   *
   * @param name the parameter's name
   * @param p the parameter; its kept entries are overwritten with their centroids
   * @param keep the kept entries, or null for all
   * @param bits code width, in 1..16; at most 2^bits clusters (fewer if fewer weights)
   * @param maxIter the most k-means iterations
   * @return the shared layer: codebook, kept positions and codes
   * @throws IllegalArgumentException if {@code bits} is outside 1..16
   */
  public static SharedWeights share(String name, Parameter p, boolean[] keep, int bits, int maxIter) {
    if (bits < 1 || bits > 16) throw new IllegalArgumentException(name + ": bits (" + bits + ") must be in 1..16");
    float[] w = p.value().data();
    int n = 0;
    for (int i = 0; i < w.length; i++) if (keep == null || keep[i]) n++;
    int[] pos = new int[n];
    float[] kept = new float[n];
    for (int i = 0, j = 0; i < w.length; i++) {
      if (keep == null || keep[i]) {
        pos[j] = i;
        kept[j++] = w[i];
      }
    }
    Clustering c = kmeans(kept, Math.min(1 << bits, Math.max(1, n)), maxIter);
    SharedWeights s = new SharedWeights(name, p, bits, c.centroids(), pos, c.assignment());
    s.materialize();
    return s;
  }

  /**
   * Every masked parameter of {@code masks} shared with {@code bits}-bit codes.
   *
   * @param masks the masks, whose parameters are shared
   * @param bits code width, in 1..16
   * @param maxIter the most k-means iterations per layer
   * @return one shared layer per masked parameter, in the masks' order
   */
  public static List<SharedWeights> share(Masks masks, int bits, int maxIter) {
    return masks.masks().entrySet().stream()
        .map(e -> share(e.getKey(), masks.parameters().get(e.getKey()), e.getValue(), bits, maxIter)).toList();
  }

  /**
   * One centroid fine-tuning step after backward: centroid gradients from the weight gradients,
   * {@code codebookOpt.step()} (an optimizer over the {@link SharedWeights#codebook()} parameters),
   * weights re-materialised from codes.
   *
   * @param shared the shared layers, their weight gradients computed by backward
   * @param codebookOpt the optimizer over the codebooks
   */
  public static void step(List<SharedWeights> shared, Optimizer codebookOpt) {
    for (SharedWeights s : shared) s.accumulateCentroidGradients();
    codebookOpt.step();
    for (SharedWeights s : shared) s.materialize();
  }

  /**
   * The codebook parameters of {@code shared}, for an optimizer.
   *
   * @param shared the shared layers
   * @return their codebooks, in order
   */
  public static List<Parameter> codebooks(List<SharedWeights> shared) {
    return shared.stream().map(SharedWeights::codebook).toList();
  }

  static Tensor vector(float[] v) {
    return Tensor.of(v.clone(), v.length);
  }
}
