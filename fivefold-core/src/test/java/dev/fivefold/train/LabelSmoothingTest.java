package dev.fivefold.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Linear;
import dev.fivefold.nn.Module;
import dev.fivefold.nn.Sequential;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * ClassificationTask with label smoothing: the loss is (1 − ε)·CE + ε·(−mean log-softmax), computed
 * here in double from the logits; ε = 0 is the plain task's loss bit for bit; ε outside [0, 1) is an error.
 */
class LabelSmoothingTest {
  @Test
  void lossIsTheSmoothedCrossEntropy() {
    Rng rng = new Rng(1);
    int n = 8, k = 10;
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = rng.nextInt(k);
    Dataset ds = new Dataset(Tensor.normal(rng, 0, 1, n, 6), y, k);
    Module m = new Sequential().add("fc", new Linear(6, k, new Rng(2)));
    double eps = 0.1;
    // the batch is the whole set (shuffled): the mean over it does not depend on the order
    float smoothed = new ClassificationTask(m, ds, ds, n, 3, eps).trainLoss(Tape.training()).item();
    float plain = new ClassificationTask(m, ds, ds, n, 3).trainLoss(Tape.training()).item();
    assertEquals(plain, new ClassificationTask(m, ds, ds, n, 3, 0).trainLoss(Tape.training()).item());
    float[] z = m.forward(Tape.inference().input(ds.x())).data();
    double ce = 0, uniform = 0;
    for (int i = 0; i < n; i++) {
      double max = Double.NEGATIVE_INFINITY, sum = 0;
      for (int c = 0; c < k; c++) max = Math.max(max, z[i * k + c]);
      for (int c = 0; c < k; c++) sum += Math.exp(z[i * k + c] - max);
      double lse = max + Math.log(sum);
      ce += lse - z[i * k + y[i]];
      for (int c = 0; c < k; c++) uniform += (lse - z[i * k + c]) / k;
    }
    assertEquals(ce / n, plain, 1e-5);
    assertEquals((1 - eps) * ce / n + eps * uniform / n, smoothed, 1e-5);
    var e = assertThrows(IllegalArgumentException.class, () -> new ClassificationTask(m, ds, ds, n, 3, 1.0));
    assertEquals("label smoothing (1.0) must be in [0, 1)", e.getMessage());
  }
}
