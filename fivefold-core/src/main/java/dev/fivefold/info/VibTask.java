package dev.fivefold.info;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.Dataset;
import dev.fivefold.perception.VibClassifier;
import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.BatchedTask;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * VIB training (Alemi et al. 2017, eq. 7 with one sample of z): loss {@code CE + β·R} on shuffled
 * mini-batches, R the {@link dev.fivefold.nn.VariationalBottleneck} rate in nats. Evaluation (z = μ) reports the
 * test "loss" (CE, nats), "accuracy", and "rate_bits", the mean rate over the test set in bits (0
 * without a bottleneck). Checkpoint state is not supported ({@link #saveState} is empty).
 */
public final class VibTask extends BatchedTask {
  private final VibClassifier model;
  private final Dataset test;

  /**
   * The VIB task of {@code model} on shuffled mini-batches of {@code train}.
   *
   * @param model the classifier (with or without bottleneck)
   * @param train the training set
   * @param test the evaluation set
   * @param batchSize mini-batch size
   * @param beta β, the rate's weight, finite and &ge; 0 (0: plain cross-entropy)
   * @param seed the batch order's seed
   * @throws IllegalArgumentException if {@code beta} is negative or not finite
   */
  public VibTask(VibClassifier model, Dataset train, Dataset test, int batchSize, double beta, long seed) {
    super(model, train, test, batchSize, seed, loss(model, beta));
    this.model = model;
    this.test = test;
  }

  /** CE + β·R of a batch, R the rate of the forward just run. */
  private static Loss loss(VibClassifier model, double beta) {
    if (!(beta >= 0) || Double.isInfinite(beta)) throw new IllegalArgumentException("beta (" + beta + ") must be finite and >= 0");
    return (tape, b) -> {
      Var ce = F.crossEntropy(model.forward(tape.input(b.x())), b.y());
      Var r = model.rate();
      return r == null || beta == 0 ? ce : F.add(ce, F.scale(r, (float) beta));
    };
  }

  @Override
  public Map<String, Double> evaluate() {
    Map<String, Double> m = new LinkedHashMap<>(super.evaluate());
    m.put("rate_bits", testRateBits());
    return m;
  }

  /**
   * Mean rate over the test set in bits, in eval mode.
   *
   * @return the mean rate, bits; 0 without a bottleneck or with an empty test set
   */
  public double testRateBits() {
    if (!model.hasBottleneck() || test.size() == 0) return 0;
    boolean was = model.isTraining();
    model.eval();
    Tape tape = Tape.inference();
    int per = test.features(), n = test.size();
    double sum = 0;
    try {
      for (int s = 0; s < n; s += 1000) {
        int m = Math.min(1000, n - s);
        tape.reset();
        float[] buf = new float[m * per];
        System.arraycopy(test.x().data(), s * per, buf, 0, m * per);
        model.forward(tape.input(Tensor.wrap(buf, Shape.of(m, per))));
        sum += model.rate().item() * (double) m;
      }
    } finally {
      if (was) model.train();
    }
    return sum / n / Math.log(2);
  }

  @Override
  public Map<String, String> saveState() {
    return Map.of();
  }

  @Override
  public void loadState(Map<String, String> state, String source) {
    throw new UnsupportedOperationException("VibTask does not resume from checkpoints");
  }
}
