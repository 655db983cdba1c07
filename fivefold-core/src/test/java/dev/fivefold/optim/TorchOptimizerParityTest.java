package dev.fivefold.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.io.SafeTensors;
import dev.fivefold.nn.Parameter;
import dev.fivefold.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** 50-step trajectories against torch.optim (fixtures traj_*, scripts/record_fixtures.py). */
class TorchOptimizerParityTest {
  static final double TOL = 1e-5;

  static SafeTensors.Contents fixture(String name) throws Exception {
    var url = TorchOptimizerParityTest.class.getResource("/fixtures/" + name + ".safetensors");
    assertNotNull(url, "fixture " + name);
    return SafeTensors.read(Path.of(url.toURI()));
  }

  /** Relative error ‖got - ref‖ / max(‖ref‖, 1e-12) ≤ tol. */
  static void close(String what, Tensor ref, float[] got, double tol) {
    assertEquals(ref.size(), got.length, what + ": size");
    double num = 0, den = 0;
    for (int i = 0; i < got.length; i++) {
      double d = got[i] - ref.data()[i];
      num += d * d;
      den += (double) ref.data()[i] * ref.data()[i];
    }
    double rel = Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-12);
    assertTrue(rel <= tol, what + ": relative error " + rel + " > " + tol);
  }

  static void trajectory(String name, Function<List<Parameter>, Optimizer> make) throws Exception {
    var c = fixture("traj_" + name);
    Parameter a = new Parameter(c.get("a.step0").copy()), b = new Parameter(c.get("b.step0").copy());
    Optimizer opt = make.apply(List.of(a, b));
    for (int k = 1; k <= 50; k++) {
      System.arraycopy(c.get("grad.a.step" + k).data(), 0, a.grad(), 0, a.size());
      System.arraycopy(c.get("grad.b.step" + k).data(), 0, b.grad(), 0, b.size());
      opt.step();
      close(name + " a step " + k, c.get("a.step" + k), a.value().data(), TOL);
      close(name + " b step " + k, c.get("b.step" + k), b.value().data(), TOL);
    }
  }

  @Test
  void sgd() throws Exception {
    trajectory("sgd", ps -> Optimizers.sgd(ps, 0.05, 0, false, 0));
    trajectory("sgd_momentum", ps -> Optimizers.sgd(ps, 0.05, 0.9, false, 0));
    trajectory("sgd_nesterov", ps -> Optimizers.sgd(ps, 0.05, 0.9, true, 0));
    trajectory("sgd_wd", ps -> Optimizers.sgd(ps, 0.05, 0.9, false, 0.1));
  }

  @Test
  void adagrad() throws Exception {
    trajectory("adagrad", ps -> Optimizers.adagrad(ps, 0.1, 1e-10, 0));
  }

  @Test
  void rmsprop() throws Exception {
    trajectory("rmsprop", ps -> Optimizers.rmsprop(ps, 0.01, 0.99, 1e-8, 0, false, 0));
    trajectory("rmsprop_centered", ps -> Optimizers.rmsprop(ps, 0.01, 0.99, 1e-8, 0, true, 0));
    trajectory("rmsprop_momentum", ps -> Optimizers.rmsprop(ps, 0.01, 0.99, 1e-8, 0.9, false, 0));
  }

  @Test
  void adadelta() throws Exception {
    trajectory("adadelta", ps -> Optimizers.adadelta(ps, 1.0, 0.9, 1e-6, 0));
  }

  @Test
  void adamFamily() throws Exception {
    trajectory("adam", ps -> Optimizers.adam(ps, 0.01));
    trajectory("amsgrad", ps -> Optimizers.amsgrad(ps, 0.01, 0.9, 0.999, 1e-8, 0));
    trajectory("adam_wd", ps -> Optimizers.adam(ps, 0.01, 0.9, 0.999, 1e-8, 0.1));
    trajectory("adamw", ps -> Optimizers.adamw(ps, 0.01, 0.9, 0.999, 1e-8, 0.1));
    trajectory("adamax", ps -> Optimizers.adamax(ps, 0.01, 0.9, 0.999, 1e-8, 0));
    trajectory("nadam", ps -> Optimizers.nadam(ps, 0.01, 0.9, 0.999, 1e-8, 0, 4e-3));
  }
}
