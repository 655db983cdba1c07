package dev.fivefold.optim;

import static dev.fivefold.optim.GradientTransform.chain;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.io.BadInputException;
import dev.fivefold.nn.Parameter;
import dev.fivefold.perception.Mlp;
import dev.fivefold.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class OptimizerFamilyTest {

  static Parameter param(double... v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
    return new Parameter(Tensor.of(f, f.length));
  }

  static void setGrad(Parameter p, double... g) {
    for (int i = 0; i < g.length; i++) p.grad()[i] = (float) g[i];
  }

  static double norm(double[] x) {
    double s = 0;
    for (double v : x) s += v * v;
    return Math.sqrt(s);
  }

  static void near(double[] want, float[] got, double tol, String what) {
    for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], tol, what + "[" + i + "]");
  }

  @Test
  void lambMatchesPaperEquationsByHand() {
    double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-6, wd = 0.01;
    double[] th = {1, 2, -0.5};
    double[][] gs = {{0.5, -1, 0.25}, {-0.2, 0.3, 0.1}};
    Parameter p = param(th);
    Optimizer opt = Optimizers.lamb(List.of(p), lr, b1, b2, eps, wd);
    double[] m = new double[3], v = new double[3];
    for (int t = 1; t <= 2; t++) {
      double[] g = gs[t - 1], u = new double[3];
      for (int j = 0; j < 3; j++) {
        m[j] = b1 * m[j] + (1 - b1) * g[j];
        v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j];
        double mh = m[j] / (1 - Math.pow(b1, t)), vh = v[j] / (1 - Math.pow(b2, t));
        u[j] = mh / (Math.sqrt(vh) + eps) + wd * th[j];
      }
      double ratio = norm(th) / norm(u);
      for (int j = 0; j < 3; j++) th[j] -= lr * ratio * u[j];
      setGrad(p, g);
      opt.step();
      near(th, p.value().data(), 1e-6, "lamb step " + t);
    }
  }

  @Test
  void lambTrustRatioIsOneForZeroParameter() {
    Parameter p = param(0, 0);
    Optimizer opt = Optimizers.lamb(List.of(p), 0.1, 0.9, 0.999, 1e-6, 0);
    setGrad(p, 1, -1);
    opt.step();
    near(new double[] {-0.1, 0.1}, p.value().data(), 1e-6, "zero θ");
  }

  @Test
  void larsMatchesPaperEquationsByHand() {
    double lr = 0.1, mom = 0.9, wd = 0.01, eta = 0.001;
    double[] th = {3, 4};
    double[][] gs = {{1, 2}, {-0.5, 0.25}, {0.3, 0.3}};
    Parameter p = param(th);
    Optimizer opt = Optimizers.lars(List.of(p), lr, mom, wd, eta);
    double[] vel = new double[2];
    for (double[] g : gs) {
      double local = eta * norm(th) / (norm(g) + wd * norm(th));
      for (int j = 0; j < 2; j++) {
        vel[j] = mom * vel[j] + lr * local * (g[j] + wd * th[j]);
        th[j] -= vel[j];
      }
      setGrad(p, g);
      opt.step();
      near(th, p.value().data(), 1e-7, "lars");
    }
  }

  /** 4 micro-batches of 32 through multiSteps(4) equal one batch of 128. */
  @Test
  void multiStepsEqualsOneLargeBatch() {
    Mlp big = new Mlp(new int[] {6, 16, 3}, "relu", 7), acc = new Mlp(new int[] {6, 16, 3}, "relu", 7);
    Random rnd = new Random(1);
    LearningRate r1 = new LearningRate(0.1), r2 = new LearningRate(0.1);
    Optimizer ob = new Optimizer("momentum", chain(Transforms.traceMomentum(0.9, false), Transforms.scaleByLearningRate(r1)), r1, big.parameters());
    Optimizer oa = new Optimizer("momentum-acc", Transforms.multiSteps(4, chain(Transforms.traceMomentum(0.9, false), Transforms.scaleByLearningRate(r2))), r2, acc.parameters());
    for (int update = 0; update < 3; update++) {
      float[] x = new float[128 * 6];
      int[] y = new int[128];
      for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
      for (int i = 0; i < y.length; i++) y[i] = rnd.nextInt(3);
      Tape t = Tape.training();
      t.backward(F.crossEntropy(big.forward(t.input(Tensor.of(x, 128, 6))), y));
      ob.step();
      for (int mb = 0; mb < 4; mb++) {
        float[] xm = java.util.Arrays.copyOfRange(x, mb * 32 * 6, (mb + 1) * 32 * 6);
        int[] ym = java.util.Arrays.copyOfRange(y, mb * 32, (mb + 1) * 32);
        Tape tm = Tape.training();
        tm.backward(F.crossEntropy(acc.forward(tm.input(Tensor.of(xm, 32, 6))), ym));
        oa.step();
      }
      for (int i = 0; i < big.parameters().size(); i++) {
        float[] a = big.parameters().get(i).value().data(), b = acc.parameters().get(i).value().data();
        for (int j = 0; j < a.length; j++) assertEquals(a[j], b[j], 1e-6, "update " + update + " param " + i + "[" + j + "]");
      }
    }
    assertEquals(12, oa.steps());
  }

  @Test
  void maskedGroupsGetTheirOwnDecayAndScale() {
    Parameter w = param(1, 2), b = param(1, 2).noDecay();
    LearningRate r = new LearningRate(0.1);
    Optimizer opt = new Optimizer("groups", chain(
        Transforms.masked(Parameter::decay, Transforms.addDecayedWeights(0.5, true)),
        Transforms.masked(p -> !p.decay(), Transforms.scale(0.1)),
        Transforms.scaleByLearningRate(r)), r, List.of(w, b));
    setGrad(w, 1, 1);
    setGrad(b, 1, 1);
    opt.step();
    near(new double[] {1 - 0.1 * (1 + 0.5), 2 - 0.1 * (1 + 1.0)}, w.value().data(), 1e-6, "weight");
    near(new double[] {1 - 0.01, 2 - 0.01}, b.value().data(), 1e-6, "bias");
  }

  @Test
  void projectionsKeepRowsAndBallsBounded() {
    Parameter w = new Parameter(Tensor.of(new float[] {3, 4, 0, 0.1f, 0.2f, 0.2f}, 2, 3));
    Parameter v = param(3, 4);
    LearningRate r = new LearningRate(0.01);
    Optimizer opt = new Optimizer("proj", chain(Transforms.scaleByLearningRate(r),
        Transforms.masked(p -> p == w, Transforms.projectMaxNorm(1, p -> true)),
        Transforms.projectL2Ball(2, p -> p == v)), r, List.of(w, v));
    opt.step();
    near(new double[] {0.6, 0.8, 0, 0.1, 0.2, 0.2}, w.value().data(), 1e-6, "max-norm rows");
    near(new double[] {1.2, 1.6}, v.value().data(), 1e-6, "L2 ball");
  }

  /** minimise ‖θ - a‖² s.t. ‖θ‖² ≤ 1, a = (3, 4): θ* = (0.6, 0.8), λ* = 4. */
  @Test
  void lagrangianConvergesToConstrainedOptimum() {
    Parameter p = param(0, 0);
    Optimizer opt = Optimizers.sgd(List.of(p), 0.02, 0, false, 0);
    Lagrangian lag = new Lagrangian(0.05, 0);
    float[] th = p.value().data();
    for (int it = 0; it < 20000; it++) {
      setGrad(p, 2 * (th[0] - 3), 2 * (th[1] - 4));
      lag.addConstraintGradient(p.grad(), new float[] {2 * th[0], 2 * th[1]});
      opt.step();
      lag.ascend(th[0] * th[0] + th[1] * th[1] - 1);
    }
    near(new double[] {0.6, 0.8}, th, 1e-3, "θ");
    assertEquals(4, lag.multiplier(), 1e-2);
    assertThrows(IllegalArgumentException.class, () -> new Lagrangian(-1, 0));
  }

  @Test
  void adamThenSgdSwitchesAtStepAndOnPredicate() {
    Parameter p = param(1, 2);
    Optimizer opt = Optimizers.adamThenSgd(List.of(p), 0.1, AdamThenSgd.SwitchRule.atStep(3), null, AdamThenSgd.RateEstimate.SWATS, 0.05, 0.9, 0);
    for (int k = 1; k <= 3; k++) {
      setGrad(p, p.value().data()[0], p.value().data()[1]);
      opt.step();
    }
    float[] before = p.value().data().clone();
    setGrad(p, 1, -1);
    opt.step(); // first SGD step: b = g, θ -= 0.05 g
    near(new double[] {before[0] - 0.05, before[1] + 0.05}, p.value().data(), 1e-6, "first SGD step");

    Parameter q = param(1, 2);
    float[] th = q.value().data();
    Optimizer o2 = Optimizers.adamThenSgd(List.of(q), 0.1, (k, loss) -> loss < 1.0, () -> 0.5 * (th[0] * th[0] + th[1] * th[1]), AdamThenSgd.RateEstimate.SWATS, 0, 0.9, 0);
    for (int k = 0; k < 100; k++) {
      setGrad(q, th[0], th[1]);
      o2.step();
    }
    assertTrue(0.5 * (th[0] * th[0] + th[1] * th[1]) < 1.0);
  }

  static void run(Optimizer opt, List<Parameter> ps, long seed, int from, int to) {
    for (int k = from; k < to; k++) {
      Random r = new Random(seed * 1000 + k);
      for (Parameter p : ps) for (int j = 0; j < p.size(); j++) p.grad()[j] = (float) r.nextGaussian();
      opt.step();
    }
  }

  static List<Parameter> params(Random r) {
    float[] a = new float[12], b = new float[5];
    for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
    for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
    return List.of(new Parameter(Tensor.of(a, 4, 3)), new Parameter(Tensor.of(b, 5)));
  }

  static List<Parameter> copy(List<Parameter> ps) {
    List<Parameter> out = new ArrayList<>();
    for (Parameter p : ps) out.add(new Parameter(p.value().copy()));
    return out;
  }

  static double[] swatsState(Optimizer o) {
    Map<String, Tensor> st = new HashMap<>();
    o.saveState(st, new HashMap<>());
    for (var e : st.entrySet()) if (e.getKey().endsWith("swats.0")) return new double[] {e.getValue().data()[0], e.getValue().data()[2]};
    throw new AssertionError("no swats state in " + st.keySet());
  }

  @Test
  void relativeSwatsCriterionWaitsForItsMinStepThenSwitchesAtTheEstimatedRate() {
    List<Parameter> a = params(new Random(3));
    Optimizer o = Optimizers.adamThenSgd(a, 0.01, AdamThenSgd.SwitchRule.swatsRelative(1e6, 5), null, AdamThenSgd.RateEstimate.SWATS, 0, 0.9, 0);
    run(o, a, 9, 0, 4);
    assertEquals(0, swatsState(o)[0]);
    run(o, a, 9, 4, 5);
    assertEquals(1, swatsState(o)[0]);
    assertTrue(swatsState(o)[1] > 0 && Double.isFinite(swatsState(o)[1]), "SGD rate " + swatsState(o)[1]);
    List<Parameter> b = params(new Random(3));
    Optimizer never = Optimizers.adamThenSgd(b, 0.01, AdamThenSgd.SwitchRule.swatsRelative(1e-12, 2), null, AdamThenSgd.RateEstimate.SWATS, 0, 0.9, 0);
    run(never, b, 9, 0, 30);
    assertEquals(0, swatsState(never)[0]);
    assertThrows(IllegalArgumentException.class, () -> AdamThenSgd.SwitchRule.swatsRelative(0, 5));
    assertThrows(IllegalArgumentException.class, () -> AdamThenSgd.SwitchRule.swatsRelative(0.1, 1));
  }

  @Test
  void everyOptimizerResumesExactly() {
    Map<String, Function<List<Parameter>, Optimizer>> makers = new HashMap<>();
    for (String n : Optimizers.NAMES) makers.put(n, ps -> Optimizers.byName(n, ps, 0.01));
    makers.put("swats-at-5", ps -> Optimizers.adamThenSgd(ps, 0.01, AdamThenSgd.SwitchRule.atStep(5), null, AdamThenSgd.RateEstimate.SWATS, 0, 0.9, 0));
    // matched rate; switching before and after the save
    makers.put("matched-at-5", ps -> Optimizers.adamThenSgd(ps, 0.01, AdamThenSgd.SwitchRule.atStep(5), null, AdamThenSgd.RateEstimate.MATCHED, 0, 0.9, 0));
    makers.put("matched-at-15", ps -> Optimizers.adamThenSgd(ps, 0.01, AdamThenSgd.SwitchRule.atStep(15), null, AdamThenSgd.RateEstimate.MATCHED, 0, 0.9, 0));
    makers.put("accumulate", ps -> {
      LearningRate r = new LearningRate(0.01);
      return new Optimizer("accumulate", Transforms.multiSteps(3, chain(Transforms.scaleByNadam(0.9, 0.999, 1e-8, 4e-3), Transforms.scaleByLearningRate(r))), r, ps);
    });
    for (var e : makers.entrySet()) {
      List<Parameter> a = params(new Random(3)), b = params(new Random(3));
      Optimizer oa = e.getValue().apply(a), ob = e.getValue().apply(b);
      run(oa, a, 9, 0, 20);
      run(ob, b, 9, 0, 10);
      Map<String, Tensor> st = new HashMap<>();
      Map<String, String> meta = new HashMap<>();
      ob.saveState(st, meta);
      List<Parameter> c = copy(b);
      Optimizer oc = e.getValue().apply(c);
      oc.loadState(st, meta, "ckpt");
      run(oc, c, 9, 10, 20);
      for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i).value().data(), c.get(i).value().data(), e.getKey() + " param " + i);
      assertEquals(oa.steps(), oc.steps(), e.getKey());
    }
  }

  @Test
  void restoringForeignStateFailsNamingTheSlot() {
    List<Parameter> ps = params(new Random(1));
    Optimizer adam = Optimizers.adam(ps, 0.01);
    run(adam, ps, 1, 0, 2);
    Map<String, Tensor> st = new HashMap<>();
    Map<String, String> meta = new HashMap<>();
    adam.saveState(st, meta);
    var e1 = assertThrows(BadInputException.class, () -> Optimizers.byName("momentum", params(new Random(1)), 0.1).loadState(st, meta, "ckpt"));
    assertTrue(e1.getMessage().contains("adam"), e1.getMessage());
    var e2 = assertThrows(BadInputException.class, () -> Optimizers.byName("momentum", params(new Random(1)), 0.1).loadState(st, Map.of(), "ckpt"));
    assertTrue(e2.getMessage().contains("optim.1.trace.0"), e2.getMessage());
    Parameter other = new Parameter(Tensor.of(new float[10], 5, 2));
    var e3 = assertThrows(BadInputException.class, () -> Optimizers.adam(List.of(other, ps.get(1)), 0.01).loadState(st, meta, "ckpt"));
    assertTrue(e3.getMessage().contains("optim.1.mu.0") && e3.getMessage().contains("12"), e3.getMessage());
  }

  static void bad(String msg, Executable ex) {
    var e = assertThrows(IllegalArgumentException.class, ex);
    assertTrue(e.getMessage().contains(msg), "expected '" + msg + "' in: " + e.getMessage());
  }

  @Test
  void badHyperParametersAreNamed() {
    List<Parameter> ps = List.of(param(1, 2));
    bad("learning rate (-0.1)", () -> Optimizers.sgd(ps, -0.1, 0, false, 0));
    bad("beta2 (1.2) must be in [0, 1)", () -> Optimizers.adam(ps, 0.01, 0.9, 1.2, 1e-8, 0));
    bad("beta1 (-0.1) must be in [0, 1)", () -> Optimizers.nadam(ps, 0.01, -0.1, 0.999, 1e-8, 0, 4e-3));
    bad("eps (0.0) must be > 0", () -> Optimizers.adagrad(ps, 0.01, 0, 0));
    bad("eps (-1.0) must be > 0", () -> Optimizers.adamax(ps, 0.01, 0.9, 0.999, -1, 0));
    bad("momentum (1.0) must be in [0, 1)", () -> Optimizers.sgd(ps, 0.1, 1.0, false, 0));
    bad("momentum (-0.5) must be in [0, 1)", () -> Optimizers.rmsprop(ps, 0.1, 0.99, 1e-8, -0.5, false, 0));
    bad("rho (1.5) must be in [0, 1)", () -> Optimizers.adadelta(ps, 1.0, 1.5, 1e-6, 0));
    bad("alpha (1.0) must be in [0, 1)", () -> Optimizers.rmsprop(ps, 0.1, 1.0, 1e-8, 0, false, 0));
    bad("weight decay (-1.0)", () -> Optimizers.amsgrad(ps, 0.01, 0.9, 0.999, 1e-8, -1));
    bad("optimizer (adamz) must be one of", () -> Optimizers.byName("adamz", ps, 0.01));
    bad("every_k_schedule (0)", () -> Transforms.multiSteps(0, Transforms.scale(1)));
    bad("max_norm (0.0)", () -> Transforms.projectMaxNorm(0, p -> true));
    for (String n : Optimizers.NAMES) assertEquals(n.equals("swats") ? "swats" : n, Optimizers.byName(n, ps, 0.01).name());
  }

  @Test
  void byNameWithWeightDecayIsTheFactoryWithThatDecay() {
    // the explicit factory with λ = 0.05 is the oracle; λ must change the trajectory (else the test could not fail)
    List<Parameter> a = params(new Random(5)), b = params(new Random(5)), c = params(new Random(5));
    run(Optimizers.byName("adamw", a, 0.01, 0.05), a, 9, 0, 10);
    run(Optimizers.adamw(b, 0.01, 0.9, 0.999, 1e-8, 0.05), b, 9, 0, 10);
    run(Optimizers.byName("adamw", c, 0.01), c, 9, 0, 10);
    for (int i = 0; i < a.size(); i++) assertArrayEquals(b.get(i).value().data(), a.get(i).value().data(), "param " + i);
    boolean differs = false;
    for (int i = 0; i < a.size(); i++) differs |= !java.util.Arrays.equals(a.get(i).value().data(), c.get(i).value().data());
    assertTrue(differs, "weight decay 0.05 vs the default 0.01 gave the same weights");
    // coupled decay for sgd: byName's λ is the factory's λ
    List<Parameter> d = params(new Random(6)), e = params(new Random(6));
    run(Optimizers.byName("momentum", d, 0.01, 1e-3), d, 9, 0, 10);
    run(Optimizers.sgd(e, 0.01, 0.9, false, 1e-3), e, 9, 0, 10);
    for (int i = 0; i < d.size(); i++) assertArrayEquals(e.get(i).value().data(), d.get(i).value().data(), "sgd param " + i);
    // the one-argument form is the two-argument form with the name's default
    for (String n : Optimizers.NAMES) {
      List<Parameter> x = params(new Random(7)), y = params(new Random(7));
      run(Optimizers.byName(n, x, 0.01), x, 9, 0, 6);
      run(Optimizers.byName(n, y, 0.01, Optimizers.defaultWeightDecay(n)), y, 9, 0, 6);
      for (int i = 0; i < x.size(); i++) assertArrayEquals(x.get(i).value().data(), y.get(i).value().data(), n + " param " + i);
    }
    assertEquals(0.01, Optimizers.defaultWeightDecay("adamw"));
    assertEquals(0.0, Optimizers.defaultWeightDecay("adam"));
    bad("weight decay (-0.1) must be >= 0", () -> Optimizers.byName("adamw", a, 0.01, -0.1));
    bad("weight decay (NaN) must be >= 0", () -> Optimizers.byName("adam", a, 0.01, Double.NaN));
  }
}
