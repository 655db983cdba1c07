package dev.fivefold.nn;

import static dev.fivefold.nn.TorchParityTest.TOL;
import static dev.fivefold.nn.TorchParityTest.check;
import static dev.fivefold.nn.TorchParityTest.close;
import static dev.fivefold.nn.TorchParityTest.fixture;
import static dev.fivefold.nn.TorchParityTest.ints;
import static dev.fivefold.nn.TorchParityTest.params;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.io.SafeTensors;
import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Batch norm (training and evaluation, running statistics after one and after four steps), local
 * response norm, group norm, global average pooling, residual blocks and whole nets (a ResNet,
 * LeNet-5 with batch norm and with LRN) against PyTorch: fixtures recorded by
 * {@code scripts/record_norm_fixtures.py} (float64 references stored as float32), outputs and
 * every gradient within 1e-5 relative as in {@link TorchParityTest}.
 */
class NormTorchParityTest {
  /**
   * A gradient compared with PyTorch's; where PyTorch's is zero up to float64 rounding (the bias of
   * a convolution followed by batch norm in training: the batch mean takes it away, so
   * ∂L/∂b = Σ_c ∂L/∂x̂ · 0), fivefold's must be zero up to the float32 rounding of that sum of
   * cancelling terms: |g| ≤ 1e-4 · {@code scale}, the largest reference gradient of the case.
   */
  static void gradClose(String what, Tensor ref, float[] got, double scale) {
    double norm = 0;
    for (float v : ref.data()) norm = Math.max(norm, Math.abs(v));
    if (norm > 1e-12) {
      close(what, ref, got, TOL);
      return;
    }
    for (int i = 0; i < got.length; i++) {
      if (!(Math.abs(got[i]) <= 1e-4 * scale)) throw new AssertionError(what + "[" + i + "]: " + got[i] + ", torch's is 0 (" + ref.data()[i] + ")");
    }
  }

  /** The largest |value| of every reference gradient of the case. */
  static double gradScale(SafeTensors.Contents c) {
    double m = 0;
    for (var e : c.tensors().entrySet()) if (e.getKey().startsWith("grad.")) for (float v : e.getValue().data()) m = Math.max(m, Math.abs(v));
    return m;
  }

  /** {@link TorchParityTest#check} with {@link #gradClose} for the parameters. */
  static void checkLayer(String name, Module m, java.util.function.BiFunction<Tape, Var, Var> f) throws Exception {
    var c = fixture(name);
    if (m != null) m.loadStateDict(params(c), name);
    Tape tape = Tape.training();
    Tensor in = c.get("input").copy();
    float[] gIn = new float[in.size()];
    Var x = tape.parameter(in, gIn);
    Var out = f.apply(tape, x);
    close(name + " output", c.get("output"), out.data(), TOL);
    tape.backward(out, c.get("upstream").data());
    close(name + " grad.input", c.get("grad.input"), gIn, TOL);
    if (m != null) for (var e : m.namedParameters().entrySet()) gradClose(name + " grad." + e.getKey(), c.get("grad.param." + e.getKey()), e.getValue().grad(), gradScale(c));
  }

  /** The running statistics (buffers) of {@code m} against the fixture's {@code after.*}. */
  static void runningStatsMatch(String name, Module m, SafeTensors.Contents c) {
    int n = 0;
    for (var e : m.namedBuffers().entrySet()) {
      close(name + " " + e.getKey() + " after the step", c.get("after." + e.getKey()), e.getValue().data(), TOL);
      n++;
    }
    long expected = c.tensors().keySet().stream().filter(k -> k.startsWith("after.")).count();
    assertEquals(expected, n, name + ": buffers compared");
  }

  @Test
  void batchNormBothModes() throws Exception {
    for (String name : new String[] {"batchnorm2d_train", "batchnorm2d_eval", "batchnorm1d_train", "batchnorm1d_eval"}) {
      BatchNorm bn = name.startsWith("batchnorm2d") ? new BatchNorm2d(4) : new BatchNorm1d(5);
      if (name.endsWith("eval")) bn.eval();
      check(name, bn, (t, x) -> bn.forward(x), TOL);
      runningStatsMatch(name, bn, fixture(name));
    }
  }

  @Test
  void batchNormRunningStatisticsAfterFourSteps() throws Exception {
    var c = fixture("batchnorm_steps");
    BatchNorm2d bn = new BatchNorm2d(3);
    bn.loadStateDict(params(c), "batchnorm_steps");
    for (int k = 1; k <= 4; k++) {
      Tape t = Tape.training();
      bn.forward(t.input(c.get("input.step" + k)));
      close("running_mean step " + k, c.get("running_mean.step" + k), bn.runningMean().data(), TOL);
      close("running_var step " + k, c.get("running_var.step" + k), bn.runningVar().data(), TOL);
    }
    bn.eval();
    Var y = bn.forward(Tape.training().input(c.get("input.eval")));
    close("eval output", c.get("output.eval"), y.data(), TOL);
  }

  @Test
  void localResponseNorm() throws Exception {
    check("lrn", null, (t, x) -> new LocalResponseNorm(5, 0.5f, 0.75f, 2f).forward(x), TOL);
    check("lrn_alexnet", null, (t, x) -> LocalResponseNorm.alexNet().forward(x), TOL);
    check("lrn_even", null, (t, x) -> new LocalResponseNorm(4, 0.3f, 0.6f, 1f).forward(x), TOL);
  }

  @Test
  void groupNormAndGlobalAveragePooling() throws Exception {
    GroupNorm gn = new GroupNorm(2, 6);
    check("groupnorm", gn, (t, x) -> gn.forward(x), TOL);
    check("gap", null, (t, x) -> new GlobalAvgPool2d().forward(x), TOL);
  }

  @Test
  void residualBlocks() throws Exception {
    ResidualBlock id = new ResidualBlock(4, 4, 1, new Rng(0));
    checkLayer("resblock_identity", id, (t, x) -> id.forward(x));
    runningStatsMatch("resblock_identity", id, fixture("resblock_identity"));
    ResidualBlock proj = new ResidualBlock(4, 8, 2, new Rng(0));
    checkLayer("resblock_project", proj, (t, x) -> proj.forward(x));
    runningStatsMatch("resblock_project", proj, fixture("resblock_project"));
  }

  @Test
  void wholeNets() throws Exception {
    for (String name : new String[] {"resnet", "lenet5_bn", "lenet5_lrn"}) {
      var meta = fixture(name).metadata();
      Module m = Models.create(meta.get("model"), 1);
      var c = fixture(name);
      m.loadStateDict(params(c), name);
      Tape tape = Tape.training();
      Var logits = m.forward(tape.input(c.get("input")));
      close(name + " logits", c.get("logits"), logits.data(), TOL);
      Var loss = F.crossEntropy(logits, ints(c.get("target")));
      close(name + " loss", c.get("output"), loss.data(), TOL);
      tape.backward(loss);
      for (var e : m.namedParameters().entrySet()) gradClose(name + " grad." + e.getKey(), c.get("grad.param." + e.getKey()), e.getValue().grad(), gradScale(c));
      runningStatsMatch(name, m, c);
      if (c.tensors().containsKey("logits_eval")) {
        m.eval();
        Tensor x = c.get("input");
        close(name + " eval logits", c.get("logits_eval"), m.forward(Tape.inference().input(x)).data(), TOL);
      }
    }
  }
}
