package dev.fivefold.train.curriculum;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Difficulty scores of training examples and the orders they give. The score of example i is a
 * model's cross-entropy on it, {@code ℓ_i = logsumexp(z_i) − z_i[y_i]} (nats, computed in double
 * from the logits z_i of the model in eval mode): small is easy. Scored by a teacher trained
 * briefly beforehand this is Hacohen &amp; Weinshall's transfer scoring (2019, §3: "the difficulty
 * of a point is the loss of a pre-trained network on it"); scored by the model being trained, and
 * re-scored as it learns, it is self-paced learning (Kumar, Packer &amp; Koller, NeurIPS 2010).
 */
public final class Difficulty {
  private Difficulty() {}

  /**
   * Per-example loss of {@code model} on {@code data}, in batches of 1000 (eval mode, restored after).
   *
   * @param model the classifier
   * @param data the examples
   * @return one cross-entropy (nats) per example
   */
  public static double[] losses(Module model, Dataset data) {
    boolean wasTraining = model.isTraining();
    model.eval();
    int n = data.size(), per = data.features(), batch = 1000;
    int[] dims = data.x().shape().dims();
    double[] out = new double[n];
    Tape tape = Tape.inference();
    try {
      for (int start = 0; start < n; start += batch) {
        int m = Math.min(batch, n - start);
        tape.reset();
        dims[0] = m;
        float[] buf = Arrays.copyOfRange(data.x().data(), start * per, (start + m) * per);
        Var logits = model.forward(tape.input(Tensor.wrap(buf, Shape.of(dims)))); // [m, classes]
        float[] z = logits.data();
        int c = logits.shape().dim(-1);
        for (int i = 0; i < m; i++) {
          double max = Double.NEGATIVE_INFINITY, sum = 0;
          for (int j = 0; j < c; j++) max = Math.max(max, z[i * c + j]);
          for (int j = 0; j < c; j++) sum += Math.exp(z[i * c + j] - max);
          out[start + i] = max + Math.log(sum) - z[i * c + data.y()[start + i]];
        }
      }
    } finally {
      if (wasTraining) model.train();
    }
    return out;
  }

  /**
   * The example indices sorted by score, easiest (smallest) first, or hardest first with
   * {@code hardestFirst}; ties keep index order. NaN scores count as hardest.
   *
   * @param scores one score per example, smaller is easier
   * @param hardestFirst whether to put the hardest first
   * @return the permutation
   */
  public static int[] order(double[] scores, boolean hardestFirst) {
    Integer[] idx = new Integer[scores.length];
    for (int i = 0; i < idx.length; i++) idx[i] = i;
    Comparator<Integer> bySCore = Comparator.comparingDouble(i -> Double.isNaN(scores[i]) ? Double.POSITIVE_INFINITY : scores[i]);
    Arrays.sort(idx, hardestFirst ? bySCore.reversed().thenComparingInt(i -> i) : bySCore.thenComparingInt(i -> i));
    int[] out = new int[idx.length];
    for (int i = 0; i < out.length; i++) out[i] = idx[i];
    return out;
  }

  /**
   * A class-balanced order: each class ranked by score on its own (as {@link #order}), then the
   * classes interleaved by relative rank {@code q = (rank + ½) / class size} (ties by class), so
   * every prefix of the order holds each class in its share of the set. Without this an
   * easiest-first pool of Fashion-MNIST is mostly trousers, bags and sneakers.
   *
   * @param scores one score per example, smaller is easier
   * @param labels class of each example, in [0, classes)
   * @param classes the number of classes
   * @param hardestFirst whether to rank by hardest first within each class
   * @return the permutation
   * @throws IllegalArgumentException if the labels and scores differ in length
   */
  public static int[] balancedOrder(double[] scores, int[] labels, int classes, boolean hardestFirst) {
    if (labels.length != scores.length) throw new IllegalArgumentException("labels (" + labels.length + ") and scores (" + scores.length + ") differ in length");
    int[] order = order(scores, hardestFirst), size = new int[classes], seen = new int[classes];
    for (int y : labels) size[y]++;
    double[] q = new double[order.length];
    for (int i : order) q[i] = (seen[labels[i]]++ + 0.5) / size[labels[i]];
    Integer[] idx = new Integer[order.length];
    for (int i = 0; i < idx.length; i++) idx[i] = order[i];
    Arrays.sort(idx, Comparator.<Integer>comparingDouble(i -> q[i]).thenComparingInt(i -> labels[i]));
    int[] out = new int[idx.length];
    for (int i = 0; i < out.length; i++) out[i] = idx[i];
    return out;
  }
}
