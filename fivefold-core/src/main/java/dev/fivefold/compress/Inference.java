package dev.fivefold.compress;

import dev.fivefold.data.Dataset;

/**
 * A tape-free forward pass of a classifier on raw arrays ({@link MlpInference},
 * {@link LeNet5Inference}): what {@code fivefold sparse} times, dense or on the CSR kernel.
 */
public interface Inference {
  /** How the weights are stored and multiplied: dense, or the CSR of their non-zeros. */
  enum Kind { DENSE, SPARSE }

  /** Input values per sample. */
  int features();

  /** Logits per sample. */
  int classes();

  /** Multiply-adds per sample (dense: every weight at every position it is applied; sparse: the non-zeros). */
  long multiplyAdds();

  /**
   * Logits [batch, classes] of the inputs {@code x} [batch, features] (row-major). The returned
   * array may be a scratch buffer, overwritten by the next call.
   */
  float[] logits(float[] x, int batch);

  /** Top-1 accuracy on {@code d}, in batches of {@code batch}. */
  default double accuracy(Dataset d, int batch) {
    int features = features(), classes = classes();
    if (d.features() != features) throw new IllegalArgumentException("dataset has " + d.features() + " features, the model takes " + features);
    float[] all = d.x().data();
    int correct = 0;
    for (int s = 0; s < d.size(); s += batch) {
      int b = Math.min(batch, d.size() - s);
      float[] x = new float[b * features];
      System.arraycopy(all, s * features, x, 0, b * features);
      float[] y = logits(x, b);
      for (int r = 0; r < b; r++) {
        int best = 0;
        for (int c = 1; c < classes; c++) if (y[r * classes + c] > y[r * classes + best]) best = c;
        if (best == d.y()[s + r]) correct++;
      }
    }
    return (double) correct / d.size();
  }
}
