package dev.fivefold.train;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Supervised classification with softmax cross-entropy: shuffled mini-batches of the training
 * set; evaluation reports mean loss (nats) and accuracy on the test set.
 */
public final class ClassificationTask extends BatchedTask {
  public ClassificationTask(Module model, Dataset train, Dataset test, int batchSize, long seed) {
    super(model, train, test, batchSize, seed, (tape, b) -> F.crossEntropy(model.forward(tape.input(b.x())), b.y()));
  }

  /**
   * With label smoothing ε (Szegedy et al. 2016, PyTorch's {@code label_smoothing}): the training
   * loss is the cross-entropy against (1 − ε)·onehot(y) + ε/K, K = the training set's classes;
   * ε = 0 is exactly the constructor above. Evaluation still reports the plain cross-entropy.
   *
   * @param labelSmoothing ε in [0, 1)
   */
  public ClassificationTask(Module model, Dataset train, Dataset test, int batchSize, long seed, double labelSmoothing) {
    super(model, train, test, batchSize, seed, smoothedLoss(model, train, labelSmoothing));
  }

  private static Loss smoothedLoss(Module model, Dataset train, double eps) {
    if (!(eps >= 0 && eps < 1)) throw new IllegalArgumentException("label smoothing (" + eps + ") must be in [0, 1)");
    if (eps == 0) return (tape, b) -> F.crossEntropy(model.forward(tape.input(b.x())), b.y());
    int k = train.classes();
    float off = (float) (eps / k), on = (float) (1 - eps + eps / k);
    return (tape, b) -> {
      int[] y = b.y();
      float[] q = new float[y.length * k];
      java.util.Arrays.fill(q, off);
      for (int i = 0; i < y.length; i++) q[i * k + y[i]] = on;
      return F.softCrossEntropy(model.forward(tape.input(b.x())), Tensor.wrap(q, Shape.of(y.length, k)));
    };
  }

  /** Mean loss and accuracy of {@code model} on {@code data} (eval mode, restored after). */
  public static Map<String, Double> evaluate(Module model, Dataset data, int batch) {
    boolean wasTraining = model.isTraining();
    model.eval();
    Tape tape = Tape.inference();
    double lossSum = 0;
    long correct = 0;
    int n = data.size();
    int[] dims = data.x().shape().dims();
    int per = data.x().size() / Math.max(1, n);
    try {
      for (int start = 0; start < n; start += batch) {
        int m = Math.min(batch, n - start);
        tape.reset();
        dims[0] = m;
        float[] buf = new float[m * per];
        System.arraycopy(data.x().data(), start * per, buf, 0, m * per);
        int[] y = new int[m];
        System.arraycopy(data.y(), start, y, 0, m);
        Var logits = model.forward(tape.input(Tensor.wrap(buf, Shape.of(dims))));
        lossSum += F.crossEntropy(logits, y).item() * (double) m;
        float[] z = logits.data();
        int c = logits.shape().dim(-1);
        for (int i = 0; i < m; i++) {
          int best = 0;
          for (int j = 1; j < c; j++) if (z[i * c + j] > z[i * c + best]) best = j;
          if (best == y[i]) correct++;
        }
      }
    } finally {
      if (wasTraining) model.train();
    }
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("loss", lossSum / n);
    out.put("accuracy", correct / (double) n);
    return out;
  }

}
