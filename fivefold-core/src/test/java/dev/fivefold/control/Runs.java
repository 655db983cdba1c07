package dev.fivefold.control;

import dev.fivefold.data.Dataset;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Mlp;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.Trainer;

/** A small MLP on a synthetic separable 3-class task, for controller tests (a fraction of a second per run). */
public final class Runs {
  private Runs() {}

  /** x ~ N(0, 1) [n, 10]; y = 0 if x0 + x1 > 0.5, else 1 if x0 > x1, else 2. */
  public static Dataset data(long seed, int n) {
    Rng rng = new Rng(seed);
    int d = 10;
    Tensor x = Tensor.normal(rng, 0, 1, n, d);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      float a = x.data()[i * d], b = x.data()[i * d + 1];
      y[i] = a + b > 0.5 ? 0 : a - b > 0 ? 1 : 2;
    }
    return new Dataset(x, y, 3);
  }

  static Trainer sgd(double lr, int epochs) {
    Mlp m = new Mlp(new int[] {10, 32, 3}, "relu", 3);
    Optimizer opt = Optimizers.sgd(m.parameters(), lr, 0.9, false, 0);
    return new Trainer(new ClassificationTask(m, data(1, 512), data(2, 256), 32, 5), opt, TrainConfig.epochs(epochs));
  }

  static Trainer plainSgd(double lr, int epochs) {
    Mlp m = new Mlp(new int[] {10, 32, 3}, "relu", 3);
    Optimizer opt = Optimizers.sgd(m.parameters(), lr, 0, false, 0);
    return new Trainer(new ClassificationTask(m, data(1, 512), data(2, 256), 32, 5), opt, TrainConfig.epochs(epochs));
  }

  static Trainer adam(double lr, int epochs) {
    Mlp m = new Mlp(new int[] {10, 32, 3}, "relu", 3);
    return new Trainer(new ClassificationTask(m, data(1, 512), data(2, 256), 32, 5), Optimizers.adam(m.parameters(), lr), TrainConfig.epochs(epochs));
  }
}
