package dev.fivefold.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.data.Batches;
import dev.fivefold.data.Dataset;
import dev.fivefold.data.Mixup;
import dev.fivefold.perception.Mlp;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import org.junit.jupiter.api.Test;

class MixupTaskTest {
  /** Each step's loss is Σ_i [λ_i CE(x̃_i, y_i) + (1 − λ_i) CE(x̃_i, y_π(i))] / N on the batch ClassificationTask's seed draws. */
  @Test
  void lossIsTheLambdaWeightedCrossEntropyOfBothLabels() {
    Rng rng = new Rng(2);
    int n = 20, features = 12;
    float[] x = new float[n * features];
    int[] y = new int[n];
    for (int i = 0; i < x.length; i++) x[i] = rng.nextFloat();
    for (int i = 0; i < n; i++) y[i] = rng.nextInt(3);
    Dataset d = new Dataset(Tensor.of(x, n, features), y, 3);
    Mlp model = new Mlp(new int[] {features, 5, 3}, "relu", 4);
    MixupTask task = new MixupTask(model, d, d, 8, 9, new Mixup(0.4, new Rng(7)));
    Batches same = new Batches(d, 8, true, new Rng(9));
    Mixup blend = new Mixup(0.4, new Rng(7));
    for (int step = 0; step < 4; step++) { // 8, 8, 4, then the next epoch
      Batches.Batch b = same.next();
      Mixup.Mixed m = blend.apply(b.x());
      int k = b.size();
      double want = 0;
      for (int i = 0; i < k; i++) {
        float[] row = new float[features];
        System.arraycopy(m.x().data(), i * features, row, 0, features);
        Tape t = Tape.inference();
        var logits = model.forward(t.input(Tensor.of(row, 1, features)));
        double ceOwn = F.crossEntropy(logits, new int[] {b.y()[i]}).item();
        double cePartner = F.crossEntropy(logits, new int[] {b.y()[m.partner()[i]]}).item();
        want += m.lambda()[i] * ceOwn + (1 - m.lambda()[i]) * cePartner;
      }
      want /= k;
      assertEquals(want, task.trainLoss(Tape.inference()).item(), 1e-5, "step " + step);
    }
  }
}
