package dev.fivefold.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.io.SafeTensors;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.GptConfig;
import dev.fivefold.perception.LeNet5;
import dev.fivefold.perception.Mlp;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Layers, models, losses and optimizers against PyTorch 1.13: fixtures recorded by
 * {@code scripts/record_fixtures.py} (float64 references stored as float32). Each case loads
 * the inputs and parameters, runs forward, backpropagates L = Σ output ⊙ upstream and compares the
 * output and every gradient within 1e-5 relative (norm-wise, and element-wise against the
 * tensor's scale).
 */
class TorchParityTest {
  static final double TOL = 1e-5;

  static SafeTensors.Contents fixture(String name) throws Exception {
    var url = TorchParityTest.class.getResource("/fixtures/" + name + ".safetensors");
    assertNotNull(url, "fixture " + name);
    return SafeTensors.read(Path.of(url.toURI()));
  }

  static void close(String what, Tensor ref, float[] got, double tol) {
    assertNotNull(got, what + ": no value");
    assertEquals(ref.size(), got.length, what + ": size");
    double num = 0, den = 0, scale = 0;
    for (int i = 0; i < got.length; i++) {
      double d = got[i] - ref.data()[i];
      num += d * d;
      den += (double) ref.data()[i] * ref.data()[i];
      scale = Math.max(scale, Math.abs(ref.data()[i]));
    }
    double rel = Math.sqrt(num / Math.max(den, 1e-30));
    assertTrue(rel <= tol, what + ": relative error " + rel + " > " + tol);
    for (int i = 0; i < got.length; i++) {
      double d = Math.abs(got[i] - ref.data()[i]);
      assertTrue(d <= tol * (Math.abs(ref.data()[i]) + scale * 0.1) + 1e-12,
          what + "[" + i + "]: " + got[i] + " vs torch " + ref.data()[i]);
    }
  }

  static int[] ints(Tensor t) {
    int[] r = new int[t.size()];
    for (int i = 0; i < r.length; i++) r[i] = Math.round(t.data()[i]);
    return r;
  }

  static Map<String, Tensor> params(SafeTensors.Contents c) {
    Map<String, Tensor> p = new LinkedHashMap<>();
    for (var e : c.tensors().entrySet()) if (e.getKey().startsWith("param.")) p.put(e.getKey().substring(6), e.getValue());
    return p;
  }

  /**
   * Runs a case: {@code f(tape, input)} builds the output from the module m (already loaded);
   * compares output, grad.input (if stored) and every grad.param.
   */
  static void check(String name, Module m, BiFunction<Tape, Var, Var> f, double tol) throws Exception {
    var c = fixture(name);
    if (m != null) m.loadStateDict(params(c), name);
    Tape tape = Tape.training();
    Tensor in = c.get("input").copy();
    float[] gIn = new float[in.size()];
    Var x = tape.parameter(in, gIn);
    Var out = f.apply(tape, x);
    close(name + " output", c.get("output"), out.data(), tol);
    tape.backward(out, c.get("upstream").data());
    if (c.tensors().containsKey("grad.input")) close(name + " grad.input", c.get("grad.input"), gIn, tol);
    if (m != null) {
      for (var e : m.namedParameters().entrySet()) {
        Tensor ref = c.get("grad.param." + e.getKey());
        assertNotNull(ref, name + ": fixture lacks grad.param." + e.getKey());
        close(name + " grad." + e.getKey(), ref, e.getValue().grad(), tol);
      }
    }
  }

  static final Rng RNG = new Rng(0);

  @Test
  void linear() throws Exception {
    Linear l = new Linear(7, 5, RNG);
    check("linear", l, (t, x) -> l.forward(x), TOL);
  }

  @Test
  void conv2d() throws Exception {
    Conv2d c = new Conv2d(3, 4, 3, 2, 1, RNG);
    check("conv2d", c, (t, x) -> c.forward(x), TOL);
    Conv2d c2 = new Conv2d(1, 6, 5, 1, 0, RNG);
    check("conv2d_s1p0", c2, (t, x) -> c2.forward(x), TOL);
  }

  @Test
  void pools() throws Exception {
    check("maxpool2d", null, (t, x) -> F.maxPool2d(x, 2, 2), TOL);
    check("avgpool2d", null, (t, x) -> F.avgPool2d(x, 2, 2), TOL);
  }

  @Test
  void layerNorm() throws Exception {
    LayerNorm ln = new LayerNorm(8);
    check("layernorm", ln, (t, x) -> ln.forward(x), TOL);
  }

  @Test
  void activationsAndSoftmax() throws Exception {
    check("gelu_tanh", null, (t, x) -> F.gelu(x), TOL);
    check("softmax", null, (t, x) -> F.softmax(x), TOL);
    check("log_softmax", null, (t, x) -> F.logSoftmax(x), TOL);
  }

  @Test
  void losses() throws Exception {
    int[] target = ints(fixture("cross_entropy").get("target"));
    check("cross_entropy", null, (t, x) -> F.crossEntropy(x, target), TOL);
    Tensor y = fixture("mse").get("target");
    check("mse", null, (t, x) -> F.mse(x, t.input(y)), TOL);
  }

  @Test
  void embedding() throws Exception {
    var c = fixture("embedding");
    Embedding e = new Embedding(11, 6, 1f, RNG);
    e.loadStateDict(params(c), "embedding");
    Tape tape = Tape.training();
    Var out = e.lookup(tape, ints(c.get("input")), 2, 5);
    close("embedding output", c.get("output"), out.data(), TOL);
    tape.backward(out, c.get("upstream").data());
    close("embedding grad.weight", c.get("grad.param.weight"), e.weight().grad(), TOL);
  }

  @Test
  void attentionAndBlock() throws Exception {
    CausalSelfAttention a = new CausalSelfAttention(16, 4, 0f, RNG);
    check("attention", a, (t, x) -> a.forward(x), TOL);
    close("attention probabilities", fixture("attention").get("attn_probs"), a.lastAttentionMap().data(), TOL);
    TransformerBlock b = new TransformerBlock(16, 4, 0f, RNG);
    check("block", b, (t, x) -> b.forward(x), TOL);
  }

  /** Whole models: the loss and the gradient of every parameter. */
  static void checkModel(String name, Module m, BiFunction<Tape, SafeTensors.Contents, Var> f, double tol) throws Exception {
    var c = fixture(name);
    m.loadStateDict(params(c), name);
    Tape tape = Tape.training();
    Var loss = f.apply(tape, c);
    close(name + " loss", c.get("output"), loss.data(), tol);
    tape.backward(loss);
    for (var e : m.namedParameters().entrySet()) close(name + " grad." + e.getKey(), c.get("grad.param." + e.getKey()), e.getValue().grad(), tol);
  }

  @Test
  void gpt() throws Exception {
    Gpt g = new Gpt(new GptConfig(13, 6, 2, 2, 8, 0f), 1);
    checkModel("gpt", g, (t, c) -> {
      Var logits = g.forward(t, ints(c.get("input")), 2, 6);
      close("gpt logits", c.get("logits"), logits.data(), TOL);
      return F.crossEntropy(logits, ints(c.get("target")));
    }, TOL);
  }

  @Test
  void mlpAndLenet5() throws Exception {
    Mlp mlp = Mlp.lenet300100(1);
    checkModel("mlp", mlp, (t, c) -> F.crossEntropy(mlp.forward(t.input(c.get("input"))), ints(c.get("target"))), TOL);
    LeNet5 lenet = new LeNet5(1);
    checkModel("lenet5", lenet, (t, c) -> F.crossEntropy(lenet.forward(t.input(c.get("input"))), ints(c.get("target"))), TOL);
  }

  @Test
  void optimizersFollowTorchTrajectories() throws Exception {
    for (String name : List.of("sgd_momentum", "adam", "adamw")) {
      var c = fixture(name);
      Parameter p = new Parameter(c.get("param.step0").copy());
      Optimizer opt = switch (name) {
        case "sgd_momentum" -> Optimizers.sgd(List.of(p), 0.1, 0.9, false, 0);
        case "adam" -> Optimizers.adam(List.of(p), 0.01);
        default -> Optimizers.adamw(List.of(p), 0.01, 0.9, 0.999, 1e-8, 0.1);
      };
      for (int k = 1; k <= 5; k++) {
        System.arraycopy(c.get("grad.step" + k).data(), 0, p.grad(), 0, p.size());
        opt.step();
        close(name + " step " + k, c.get("param.step" + k), p.value().data(), TOL);
      }
    }
  }
}
