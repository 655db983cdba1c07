package dev.fivefold.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.io.SafeTensors;
import dev.fivefold.nn.Parameter;
import dev.fivefold.tensor.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * 200-step trajectories at high learning rates against the exact (float64) update that torch
 * computes from the same float32 start and gradients (fixtures long_*, scripts/record_fixtures.py).
 * Our float32 error must stay within a small factor of PyTorch's own float32 error on the same
 * trajectory: before issue 20 the Adam family computed (1 - β2) from a float β2 and was 2.6-25×
 * worse than torch.
 */
class TorchLongTrajectoryTest {
  /** Allowed ratio of our error to torch's float32 error. */
  static final double FACTOR = 2.5;
  /** Errors below this (relative) are float32 rounding of the stored values themselves. */
  static final double FLOOR = 1e-7;

  /** ‖x - ref‖ / ‖ref‖ with ref = hi + lo in double. */
  static double rel(float[] x, Tensor hi, Tensor lo) {
    double num = 0, den = 0;
    for (int i = 0; i < x.length; i++) {
      double r = (double) hi.data()[i] + lo.data()[i];
      num += (x[i] - r) * (x[i] - r);
      den += r * r;
    }
    return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-30);
  }

  /** The largest ratio (our error / max(torch's, FLOOR)) over the stored steps; asserts it is below FACTOR. */
  static double trajectory(String name, Function<List<Parameter>, Optimizer> make) throws Exception {
    SafeTensors.Contents c = TorchOptimizerParityTest.fixture("long_" + name);
    int steps = Integer.parseInt(c.metadata().get("steps")), every = Integer.parseInt(c.metadata().get("every"));
    Parameter a = new Parameter(c.get("a.step0").copy()), b = new Parameter(c.get("b.step0").copy());
    Optimizer opt = make.apply(List.of(a, b));
    double worst = 0, ours = 0, theirs = 0;
    for (int k = 1; k <= steps; k++) {
      System.arraycopy(c.get("grad.a.step" + k).data(), 0, a.grad(), 0, a.size());
      System.arraycopy(c.get("grad.b.step" + k).data(), 0, b.grad(), 0, b.size());
      opt.step();
      if (k % every != 0 && k != steps) continue;
      for (var pv : List.of(java.util.Map.entry("a", a), java.util.Map.entry("b", b))) {
        String p = pv.getKey();
        Tensor hi = c.get(p + ".exact.step" + k), lo = c.get(p + ".exact_lo.step" + k);
        double e = rel(pv.getValue().value().data(), hi, lo);
        double t = rel(c.get(p + ".torch32.step" + k).data(), hi, lo);
        double ratio = e / Math.max(t, FLOOR);
        if (ratio > worst) {
          worst = ratio;
          ours = e;
          theirs = t;
        }
      }
    }
    String msg = name + ": our float32 error " + ours + " is " + worst + "x torch's float32 error " + theirs;
    System.out.println(msg);
    assertTrue(worst <= FACTOR, msg);
    return worst;
  }

  @Test
  void sgdFamily() throws Exception {
    trajectory("sgd_momentum", ps -> Optimizers.sgd(ps, 0.5, 0.9, false, 0));
    trajectory("sgd_nesterov", ps -> Optimizers.sgd(ps, 0.5, 0.9, true, 0));
  }

  @Test
  void adaptive() throws Exception {
    trajectory("adagrad", ps -> Optimizers.adagrad(ps, 0.5, 1e-10, 0));
    trajectory("rmsprop", ps -> Optimizers.rmsprop(ps, 0.1, 0.99, 1e-8, 0, false, 0));
    trajectory("rmsprop_centered", ps -> Optimizers.rmsprop(ps, 0.1, 0.99, 1e-8, 0, true, 0));
    trajectory("adadelta", ps -> Optimizers.adadelta(ps, 1.0, 0.9, 1e-6, 0));
  }

  @Test
  void adamFamily() throws Exception {
    trajectory("adam", ps -> Optimizers.adam(ps, 0.1));
    trajectory("amsgrad", ps -> Optimizers.amsgrad(ps, 0.1, 0.9, 0.999, 1e-8, 0));
    trajectory("adamw", ps -> Optimizers.adamw(ps, 0.1, 0.9, 0.999, 1e-8, 0.1));
    trajectory("adamax", ps -> Optimizers.adamax(ps, 0.1, 0.9, 0.999, 1e-8, 0));
    trajectory("nadam", ps -> Optimizers.nadam(ps, 0.1, 0.9, 0.999, 1e-8, 0, 4e-3));
  }
}
