package dev.fivefold.info;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.Batches;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.BatchedTask;
import dev.fivefold.train.Task;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * VIB training (Alemi et al. 2017, eq. 7 with one sample of z): loss {@code CE + β·R} on shuffled
 * mini-batches, R the {@link VariationalBottleneck} rate in nats. Evaluation (z = μ) reports the
 * test "loss" (CE, nats), "accuracy", and "rate_bits", the mean rate over the test set in bits (0
 * without a bottleneck). Checkpoint state is not supported ({@link #saveState} is empty).
 */
public final class VibTask extends BatchedTask {
  private final VibClassifier model;
  private final Dataset test;
  private final double beta;

  public VibTask(VibClassifier model, Dataset train, Dataset test, int batchSize, double beta, long seed) {
    super(train, batchSize, seed);
    if (!(beta >= 0) || Double.isInfinite(beta)) throw new IllegalArgumentException("beta (" + beta + ") must be finite and >= 0");
    this.model = model;
    this.test = test;
    this.beta = beta;
  }

  @Override
  public Module model() {
    return model;
  }

  @Override
  public Var trainLoss(Tape tape) {
    Batches.Batch b = batches.next();
    Var ce = F.crossEntropy(model.forward(tape.input(b.x())), b.y());
    Var r = model.rate();
    return r == null || beta == 0 ? ce : F.add(ce, F.scale(r, (float) beta));
  }

  @Override
  public Map<String, Double> evaluate() {
    Map<String, Double> m = new LinkedHashMap<>(ClassificationTask.evaluate(model, test, 1000));
    m.put("rate_bits", testRateBits());
    return m;
  }

  /** Mean rate over the test set in bits, in eval mode. */
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
