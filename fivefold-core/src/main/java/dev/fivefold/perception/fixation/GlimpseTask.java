package dev.fivefold.perception.fixation;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.Dataset;
import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.BatchedTask;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Training a {@link GlimpseClassifier} to answer after each of several numbers of fixations: a
 * {@link BatchedTask} (seeded shuffled batches of a {@link ScannedImages} set, checkpointable) whose
 * loss is the mean softmax cross-entropy of the read-outs,
 * <pre>
 *   L = (1/|R|) Σ_{t ∈ R} CE(logits_t, y)          R the read-out counts, e.g. {1, 2, 4, 6, 8}
 * </pre>
 * so one model per path policy gives the accuracy-against-fixations curve (the core is causal, so
 * the read-out after t fixations never sees fixation t + 1). Evaluation reports, on the test set,
 * {@code accuracy@t} and {@code loss@t} for every read-out t, and {@code loss}, {@code accuracy} for
 * the last one.
 */
public final class GlimpseTask extends BatchedTask {
  private final GlimpseClassifier model;
  private final Dataset test;
  private final int[] readouts;

  /**
   * Training of {@code model} on shuffled mini-batches of scanned images, the loss the mean cross-entropy of the read-outs.
   *
   * @param model the glimpse classifier
   * @param train the scanned training images ({@link ScannedImages})
   * @param test the scanned evaluation images
   * @param batch mini-batch size
   * @param seed the batch order's seed
   * @param readouts the fixation counts read out, strictly increasing, each in [1, T]
   * @throws IllegalArgumentException naming the value if a read-out is out of range or out of order
   */
  public GlimpseTask(GlimpseClassifier model, Dataset train, Dataset test, int batch, long seed, int[] readouts) {
    super(model, train, test, batch, seed, loss(model, checkReadouts(readouts, model.spec().fixations())));
    this.model = model;
    this.test = test;
    this.readouts = readouts.clone();
  }

  /**
   * Checks read-outs are strictly increasing counts in [1, fixations]; returns them.
   *
   * @param readouts the fixation counts to read out
   * @param fixations T, the path length
   * @return {@code readouts}
   * @throws IllegalArgumentException if {@code readouts} is null, empty, out of [1, T] or not strictly
   *     increasing
   */
  public static int[] checkReadouts(int[] readouts, int fixations) {
    if (readouts == null || readouts.length == 0) throw new IllegalArgumentException("readouts must name at least one fixation count");
    for (int i = 0; i < readouts.length; i++) {
      if (readouts[i] < 1) throw new IllegalArgumentException("fixations (" + readouts[i] + ") must be >= 1");
      if (i > 0 && readouts[i] <= readouts[i - 1]) throw new IllegalArgumentException("fixations " + Arrays.toString(readouts) + " must be strictly increasing");
    }
    for (int r : readouts) if (r > fixations) throw new IllegalArgumentException("fixations (" + r + ") must be <= the path length (" + fixations + ")");
    return readouts;
  }

  private static Loss loss(GlimpseClassifier model, int[] readouts) {
    return (tape, b) -> {
      Var all = model.stepLogits(tape.input(b.x())); // [B, T, C]
      Var sum = null;
      for (int t : readouts) {
        Var ce = F.crossEntropy(step(all, t), b.y());
        sum = sum == null ? ce : F.add(sum, ce);
      }
      return F.scale(sum, 1f / readouts.length);
    };
  }

  /** The logits after t fixations, [B, C], from all steps [B, T, C]. */
  static Var step(Var all, int t) {
    Shape s = all.shape();
    return F.reshape(F.slice(all, 1, t - 1, t), s.dim(0), s.dim(2));
  }

  @Override
  public Map<String, Double> evaluate() {
    return evaluate(model, test, readouts, 1000);
  }

  /**
   * Loss and accuracy after each read-out count on {@code data} (eval mode, restored after):
   * {@code loss@t}, {@code accuracy@t}, and {@code loss}, {@code accuracy} of the last read-out.
   *
   * @param model the glimpse classifier
   * @param data the scanned images
   * @param readouts the fixation counts read out
   * @param batch evaluation batch size
   * @return the figures, by name
   */
  public static Map<String, Double> evaluate(GlimpseClassifier model, Dataset data, int[] readouts, int batch) {
    checkReadouts(readouts, model.spec().fixations());
    boolean was = model.isTraining();
    model.eval();
    int n = data.size(), row = data.features(), c = model.spec().classes(), t = model.spec().fixations();
    double[] loss = new double[readouts.length];
    long[] correct = new long[readouts.length];
    Tape tape = Tape.inference();
    try {
      for (int start = 0; start < n; start += batch) {
        int m = Math.min(batch, n - start);
        tape.reset();
        float[] buf = Arrays.copyOfRange(data.x().data(), start * row, (start + m) * row);
        int[] y = Arrays.copyOfRange(data.y(), start, start + m);
        Var all = model.stepLogits(tape.input(Tensor.wrap(buf, Shape.of(m, row))));
        float[] z = all.data();
        for (int r = 0; r < readouts.length; r++) {
          loss[r] += F.crossEntropy(step(all, readouts[r]), y).item() * (double) m;
          int k = readouts[r] - 1;
          for (int i = 0; i < m; i++) {
            int o = (i * t + k) * c, best = 0;
            for (int j = 1; j < c; j++) if (z[o + j] > z[o + best]) best = j;
            if (best == y[i]) correct[r]++;
          }
        }
      }
    } finally {
      if (was) model.train();
    }
    Map<String, Double> out = new LinkedHashMap<>();
    int last = readouts.length - 1;
    out.put("loss", loss[last] / n);
    out.put("accuracy", correct[last] / (double) n);
    for (int r = 0; r < readouts.length; r++) {
      out.put("loss@" + readouts[r], loss[r] / n);
      out.put("accuracy@" + readouts[r], correct[r] / (double) n);
    }
    return out;
  }
}
