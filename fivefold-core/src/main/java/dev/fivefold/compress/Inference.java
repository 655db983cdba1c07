package dev.fivefold.compress;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Conv2d;
import dev.fivefold.nn.Linear;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.ImageClassifier;
import dev.fivefold.tensor.Tensor;

/**
 * A classifier's one forward run tape-free (an inference tape, reset per call) on raw arrays, with
 * its weights dense or held as CSR ({@link Linear#sparsify}, {@link Conv2d#sparsify}): what
 * {@code fivefold sparse} times. It has no forward of its own; a pruned model runs from its
 * non-zeros without being densified, and both forms give the tape forward's logits up to float
 * rounding (the sparse sums run in another order).
 *
 * <p>{@link #of} takes a copy of the model, so later changes to it are not seen. Not thread-safe
 * (one instance per caller); the kernels use the {@code Parallel} pool and give the same result
 * for any thread count.
 */
public final class Inference {
  /** How the weights are stored and multiplied: dense, or the CSR of their non-zeros. */
  public enum Kind {
    /** Dense weights, dense kernels. */
    DENSE,
    /** Weights as CSR of their non-zeros, sparse kernels. */
    SPARSE
  }

  private final Kind kind;
  private final Module model;
  private final int[] sample;
  private final int features, classes;
  private final Tape tape = Tape.inference();
  private final long multiplyAdds;

  private Inference(Module m, Kind kind) {
    if (!(m instanceof ImageClassifier c)) throw new IllegalArgumentException(m.getClass().getSimpleName() + " is not an image classifier");
    this.kind = kind;
    this.model = m.copy();
    model.eval();
    for (Module l : model.namedModules().values()) {
      if (l instanceof Linear lin) {
        if (kind == Kind.SPARSE) lin.sparsify();
        else lin.densify();
      } else if (l instanceof Conv2d conv) {
        if (kind == Kind.SPARSE) conv.sparsify();
        else conv.densify();
      }
    }
    this.sample = c.inputShape();
    this.features = c.features();
    this.classes = c.classes();
    this.multiplyAdds = countMultiplyAdds();
  }

  /**
   * A snapshot of {@code m}'s current weights in the given form; {@code m} must be an {@link ImageClassifier}.
   *
   * @param m the model, an {@link ImageClassifier}; copied
   * @param kind dense or CSR weights
   * @return the inference runner
   * @throws IllegalArgumentException if {@code m} is not an image classifier
   */
  public static Inference of(Module m, Kind kind) {
    return new Inference(m, kind);
  }

  /**
   * How the weights are stored.
   *
   * @return the weight form
   */
  public Kind kind() {
    return kind;
  }

  /**
   * Input values per sample.
   *
   * @return the features, the product of the sample shape
   */
  public int features() {
    return features;
  }

  /**
   * Logits per sample.
   *
   * @return the number of classes
   */
  public int classes() {
    return classes;
  }

  /**
   * Multiply-adds per sample of the weight layers (dense: every weight at every position it is
   * applied; sparse: the non-zeros), counted by a forward hook on one zero sample.
   *
   * @return the multiply-adds per sample
   */
  public long multiplyAdds() {
    return multiplyAdds;
  }

  private long countMultiplyAdds() {
    long[] sum = {0};
    try (var h = model.hook((name, m, out) -> {
      if (m instanceof Linear l) sum[0] += l.multiplyAdds() * (out.shape().size() / l.outFeatures());
      else if (m instanceof Conv2d c) sum[0] += c.multiplyAdds() * out.shape().dim(2) * out.shape().dim(3);
    })) {
      logits(new float[features], 1);
    }
    return sum[0];
  }

  /**
   * Logits [batch, classes] of the inputs {@code x} [batch, features] (row-major; exactly that
   * many values). The returned array is valid until the next call.
   *
   * @param x the inputs, {@code batch × features} values
   * @param batch the batch size, &ge; 1
   * @return the logits, {@code batch × classes} values, row-major
   * @throws IllegalArgumentException if {@code batch} &lt; 1 or {@code x} has the wrong length
   */
  public float[] logits(float[] x, int batch) {
    if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be ≥ 1");
    if (x.length != (long) batch * features) throw new IllegalArgumentException("input has " + x.length + " values, need batch " + batch + " × " + features);
    int[] dims = new int[sample.length + 1];
    dims[0] = batch;
    System.arraycopy(sample, 0, dims, 1, sample.length);
    tape.reset();
    Var y = model.forward(tape.input(Tensor.of(x, dims)));
    return y.data();
  }

  /**
   * Top-1 accuracy on {@code d}, in batches of {@code batch}.
   *
   * @param d the dataset, with this model's features
   * @param batch the batch size, &ge; 1
   * @return the fraction of samples whose largest logit is the label, in [0, 1]
   * @throws IllegalArgumentException if the dataset's features differ from the model's
   */
  public double accuracy(Dataset d, int batch) {
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
