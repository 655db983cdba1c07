package dev.fivefold.train;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.Dataset;
import dev.fivefold.data.augment.Augmentation;
import dev.fivefold.data.augment.Augmenter;
import dev.fivefold.data.augment.ImageLayout;
import dev.fivefold.data.augment.TestTimeAugmentation;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Supervised classification with softmax cross-entropy: shuffled mini-batches of the training
 * set; evaluation reports mean loss (nats) and accuracy on the test set.
 *
 * <p>With an {@link Augmentation}, each training batch is augmented before the forward pass by an
 * {@link Augmenter} seeded with the task's seed (its state is checkpointed with the batch
 * position, so resuming is exact). A mixing augmentation (mixup, CutMix) trains against its soft
 * targets ỹ: {@code L = −(1/N) Σ_i Σ_c ỹ_ic log p(c | x̃_i)}; otherwise against the labels.
 * Evaluation is never augmented. With no augmentation the task is exactly the plain one (same
 * batches, same numbers, same checkpoint fields).
 */
public final class ClassificationTask extends BatchedTask {
  /**
   * Plain classification: no augmentation, no label smoothing.
   *
   * @param model the classifier, logits [B, classes] from images [B, ...]
   * @param train the training set
   * @param test the evaluation set
   * @param batchSize samples per training batch, positive
   * @param seed the seed of the batch order (and of the augmenter)
   */
  public ClassificationTask(Module model, Dataset train, Dataset test, int batchSize, long seed) {
    this(model, train, test, batchSize, seed, Augmentation.none());
  }

  /**
   * With an augmentation of the training batches.
   *
   * @param model the classifier, logits [B, classes] from images [B, ...]
   * @param train the training set
   * @param test the evaluation set
   * @param batchSize samples per training batch, positive
   * @param seed the seed of the batch order (and of the augmenter)
   * @param augmentation what to do to the training images ({@link Augmentation#none()} for nothing)
   * @throws IllegalArgumentException if the training set is not images the augmentation can work on
   */
  public ClassificationTask(Module model, Dataset train, Dataset test, int batchSize, long seed, Augmentation augmentation) {
    this(model, train, test, batchSize, seed, augmentation, 0);
  }

  /**
   * With label smoothing ε (Szegedy et al. 2016, PyTorch's {@code label_smoothing}): the training
   * loss is the cross-entropy against (1 − ε)·onehot(y) + ε/K, K = the training set's classes;
   * ε = 0 is exactly the plain loss. Evaluation still reports the plain cross-entropy.
   *
   * @param model the classifier, logits [B, classes] from images [B, ...]
   * @param train the training set
   * @param test the evaluation set
   * @param batchSize samples per training batch, positive
   * @param seed the seed of the batch order (and of the augmenter)
   * @param labelSmoothing ε in [0, 1)
   * @throws IllegalArgumentException if ε is outside [0, 1)
   */
  public ClassificationTask(Module model, Dataset train, Dataset test, int batchSize, long seed, double labelSmoothing) {
    this(model, train, test, batchSize, seed, Augmentation.none(), labelSmoothing);
  }

  /**
   * Augmentation and label smoothing together: with a mixing augmentation the smoothing applies
   * to its soft targets, (1 − ε)·ỹ + ε/K.
   *
   * @param model the classifier, logits [B, classes] from images [B, ...]
   * @param train the training set
   * @param test the evaluation set
   * @param batchSize samples per training batch, positive
   * @param seed the seed of the batch order (and of the augmenter)
   * @param augmentation what to do to the training images ({@link Augmentation#none()} for nothing)
   * @param labelSmoothing ε in [0, 1)
   * @throws IllegalArgumentException if the training set is not images the augmentation can work
   *     on, or ε is outside [0, 1)
   */
  public ClassificationTask(Module model, Dataset train, Dataset test, int batchSize, long seed, Augmentation augmentation,
      double labelSmoothing) {
    this(model, train, test, batchSize, seed, augmenter(augmentation, train, seed), checkEps(labelSmoothing));
  }

  private ClassificationTask(Module model, Dataset train, Dataset test, int batchSize, long seed, Augmenter augmenter, double eps) {
    super(model, train, test, batchSize, seed, loss(model, train.classes(), augmenter, eps), augmenter);
  }

  private static double checkEps(double eps) {
    if (!(eps >= 0 && eps < 1)) throw new IllegalArgumentException("label smoothing (" + eps + ") must be in [0, 1)");
    return eps;
  }

  private static Augmenter augmenter(Augmentation a, Dataset train, long seed) {
    if (a == null) throw new IllegalArgumentException("augmentation must not be null (use Augmentation.none())");
    if (a.isNone()) return null;
    a.check(ImageLayout.of(train.x()));
    return new Augmenter(a, seed);
  }

  private static Loss loss(Module model, int k, Augmenter augmenter, double eps) {
    if (augmenter == null && eps == 0) return (tape, b) -> F.crossEntropy(model.forward(tape.input(b.x())), b.y());
    return (tape, b) -> {
      Tensor x = b.x();
      Tensor soft = null;
      if (augmenter != null) {
        Augmenter.Augmented a = augmenter.apply(b.x(), b.y(), k);
        x = a.x();
        soft = a.targets();
      }
      Var logits = model.forward(tape.input(x)); // [B, classes]
      if (eps == 0) return soft == null ? F.crossEntropy(logits, b.y()) : F.softCrossEntropy(logits, soft);
      return F.softCrossEntropy(logits, smooth(soft, b.y(), k, eps));
    };
  }

  /** (1 − ε)·t + ε/K for soft targets t, or for the one-hot targets of labels y when t is null. */
  private static Tensor smooth(Tensor soft, int[] y, int k, double eps) {
    float[] q = new float[y.length * k];
    if (soft == null) {
      float off = (float) (eps / k), on = (float) (1 - eps + eps / k);
      java.util.Arrays.fill(q, off);
      for (int i = 0; i < y.length; i++) q[i * k + y[i]] = on;
    } else {
      float[] t = soft.data();
      for (int i = 0; i < q.length; i++) q[i] = (float) ((1 - eps) * t[i] + eps / k);
    }
    return Tensor.wrap(q, Shape.of(y.length, k));
  }

  /**
   * Mean loss and accuracy of {@code model} on {@code data} (eval mode, restored after).
   *
   * @param model the classifier
   * @param data the samples
   * @param batch samples per forward pass, positive
   * @return "loss" (mean cross-entropy, nats) and "accuracy" (in [0, 1])
   */
  public static Map<String, Double> evaluate(Module model, Dataset data, int batch) {
    return evaluate(model, data, batch, TestTimeAugmentation.NONE);
  }

  /**
   * Mean loss and accuracy of {@code model} on {@code data} (eval mode, restored after), and under
   * test-time augmentation {@code tta} when it has more than one view: each image is classified in
   * every view ({@link TestTimeAugmentation#view}: the image, its mirror, its corner crops), and
   * the prediction is the mean of the softmax distributions, p̄ = (1/V)·Σ_v p(·|view_v(x)). That
   * adds "tta_loss" (mean −log p̄(y), nats) and "tta_accuracy" (argmax p̄ = y) to the plain two
   * (view 0, the image itself), at V times the cost.
   *
   * @param model the classifier
   * @param data the samples, images when {@code tta} is active
   * @param batch samples per forward pass, positive
   * @param tta the test-time augmentation, {@link TestTimeAugmentation#NONE} for none
   * @return "loss", "accuracy", and with an active {@code tta} "tta_loss" and "tta_accuracy"
   * @throws IllegalArgumentException if {@code tta} is active and the samples are not images
   */
  public static Map<String, Double> evaluate(Module model, Dataset data, int batch, TestTimeAugmentation tta) {
    int views = tta.views();
    ImageLayout layout = views > 1 ? ImageLayout.of(data.x()) : null;
    boolean wasTraining = model.isTraining();
    model.eval();
    Tape tape = Tape.inference();
    double lossSum = 0, ttaLossSum = 0;
    long correct = 0, ttaCorrect = 0;
    int n = data.size();
    int[] dims = data.x().shape().dims();
    int per = data.x().size() / Math.max(1, n);
    try {
      for (int start = 0; start < n; start += batch) {
        int m = Math.min(batch, n - start);
        dims[0] = m;
        int[] y = new int[m];
        System.arraycopy(data.y(), start, y, 0, m);
        double[] pSum = null;
        int c = 0;
        float[] buf = new float[m * per]; // each view in turn: the last forward is done with it before the next is written
        for (int v = 0; v < views; v++) {
          tape.reset();
          if (v == 0) {
            System.arraycopy(data.x().data(), start * per, buf, 0, m * per);
          } else {
            float[] src = data.x().data();
            for (int i = 0; i < m; i++) tta.view(v, src, (start + i) * per, buf, i * per, layout);
          }
          Var logits = model.forward(tape.input(Tensor.wrap(buf, Shape.of(dims))));
          float[] z = logits.data();
          c = logits.shape().dim(-1);
          if (v == 0) {
            lossSum += F.crossEntropy(logits, y).item() * (double) m;
            for (int i = 0; i < m; i++) if (argmax(z, i * c, c) == y[i]) correct++;
          }
          if (views == 1) break;
          if (pSum == null) pSum = new double[m * c];
          for (int i = 0; i < m; i++) addSoftmax(z, i * c, c, pSum);
        }
        if (views == 1) continue;
        for (int i = 0; i < m; i++) {
          int best = 0;
          for (int j = 1; j < c; j++) if (pSum[i * c + j] > pSum[i * c + best]) best = j;
          if (best == y[i]) ttaCorrect++;
          ttaLossSum -= Math.log(pSum[i * c + y[i]] / views);
        }
      }
    } finally {
      if (wasTraining) model.train();
    }
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("loss", lossSum / n);
    out.put("accuracy", correct / (double) n);
    if (views > 1) {
      out.put("tta_loss", ttaLossSum / n);
      out.put("tta_accuracy", ttaCorrect / (double) n);
    }
    return out;
  }

  private static int argmax(float[] z, int off, int c) {
    int best = 0;
    for (int j = 1; j < c; j++) if (z[off + j] > z[off + best]) best = j;
    return best;
  }

  /** sum[off..off+c) += softmax(z[off..off+c)), computed stably in double. */
  private static void addSoftmax(float[] z, int off, int c, double[] sum) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < c; j++) max = Math.max(max, z[off + j]);
    double total = 0;
    for (int j = 0; j < c; j++) total += Math.exp(z[off + j] - max);
    for (int j = 0; j < c; j++) sum[off + j] += Math.exp(z[off + j] - max) / total;
  }


}
