package dev.fivefold.perception;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.io.SafeTensors;
import dev.fivefold.nn.Parameter;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Vision Transformer family: spec, shapes, gradients, learning, checkpoints. */
class VitTest {
  static final String TINY = "vit:patch=7,width=8,layers=2,heads=2,mlp=12,pool=cls";

  @Test
  void specsRoundTripAndCountParametersExactly() {
    for (String s : List.of("vit:patch=4,width=64,layers=6,heads=4,mlp=128,pool=cls", TINY, "vit:patch=14,width=6,layers=1,heads=3,mlp=5,pool=mean",
        "vit:patch=1,width=4,layers=1,heads=1,mlp=1,pool=cls")) {
      ModelSpec spec = Models.parse(s);
      assertEquals(s, spec.toString());
      assertEquals(spec, Models.parse(spec.toString()));
      Vit m = (Vit) spec.build(1);
      assertEquals(s, Models.specOf(m));
      assertEquals(m.parameterCount(), spec.parameters(), s);
      assertTrue(spec.activationsPerSample() > 0, s);
    }
    assertEquals("vit:patch=4,width=64,layers=6,heads=4,mlp=128,pool=cls", Models.parse("vit").toString());
    assertEquals(Models.parse("vit:patch=4,width=64,layers=6,heads=4,mlp=128"), Models.parse("vit"));
    assertEquals("vit", Models.parse("vit").family());
    // the default by hand: (16+1)·64 + 50·64 + 64 + 6·(4·64² + 2·64·128 + 9·64 + 128) + 2·64 + 650
    assertEquals(17 * 64 + 50 * 64 + 64 + 6 * (4 * 64 * 64 + 2 * 64 * 128 + 9 * 64 + 128) + 128 + 650, Models.parse("vit").parameters());
  }

  @Test
  void badSpecsAreOneLineNamingTheValue() {
    Map<String, String> bad = Map.of(
        "vit:patch=5", "patch (5) must divide 28",
        "vit:width=30,heads=4", "heads (4) must divide width (30)",
        "vit:layers=0", "layers (0) must be >= 1",
        "vit:pool=max", "pool (max) must be cls or mean",
        "vit:depth=3", "vit key (depth)",
        "vit:patch=x", "patch (x) is not an integer",
        "vit:patch", "'patch' is not key=value");
    for (var e : bad.entrySet()) {
      String m = assertThrows(IllegalArgumentException.class, () -> Models.parse(e.getKey())).getMessage();
      assertTrue(m.contains(e.getValue()) && m.contains(e.getKey()) && !m.contains("\n"), e.getKey() + ": " + m);
    }
  }

  /**
   * The regularisation and init keys: round trip, old spec strings unchanged, rates do not change the
   * weights or the eval-mode output, they do change training-mode outputs; timm's init is what it says.
   */
  @Test
  void regularisationAndInitKeys() {
    String full = TINY + ",dropout=0.1,emb_dropout=0.05,drop_path=0.2,init=timm";
    assertEquals(full, Models.parse(full).toString());
    assertEquals(TINY, Models.parse(TINY + ",dropout=0,drop_path=0.0,init=torch").toString());
    Vit plain = (Vit) Models.create(TINY, 4);
    Vit reg = (Vit) Models.create(TINY + ",dropout=0.3,emb_dropout=0.2,drop_path=0.5", 4);
    assertEquals(plain.stateDict().keySet(), reg.stateDict().keySet());
    for (var e : plain.stateDict().entrySet()) assertArrayEquals(e.getValue().data(), reg.stateDict().get(e.getKey()).data(), e.getKey());
    Tensor x = Tensor.normal(new Rng(2), 0, 1, 4, 1, 28, 28);
    plain.eval();
    reg.eval();
    assertArrayEquals(plain.forward(Tape.training().input(x)).data(), reg.forward(Tape.training().input(x)).data());
    plain.train();
    reg.train();
    float[] a = plain.forward(Tape.training().input(x)).data(), b = reg.forward(Tape.training().input(x)).data();
    assertTrue(!java.util.Arrays.equals(a, b), "training-mode dropout changes the output");
    // drop path alone: each sample's branches are kept or dropped whole; same seed, same masks
    float[] p1 = ((Vit) Models.create(TINY + ",drop_path=0.5", 4)).forward(Tape.training().input(x)).data();
    float[] p2 = ((Vit) Models.create(TINY + ",drop_path=0.5", 4)).forward(Tape.training().input(x)).data();
    assertArrayEquals(p1, p2);

    Vit timm = (Vit) Models.create(TINY + ",init=timm", 4);
    int linears = 0;
    for (var e : timm.namedModules().entrySet()) {
      if (!(e.getValue() instanceof dev.fivefold.nn.Linear l)) continue;
      linears++;
      float[] w = l.weight().value().data();
      double ss = 0;
      for (float v : w) {
        assertTrue(Math.abs(v) <= 0.04f, e.getKey() + " weight " + v + " beyond 2σ");
        ss += v * v;
      }
      double std = Math.sqrt(ss / w.length);
      assertTrue(std > 0.012 && std < 0.024, e.getKey() + " std " + std);
      for (float v : l.bias().value().data()) assertEquals(0f, v, e.getKey() + " bias");
    }
    assertEquals(1 + 2 * 4 + 1, linears);
    for (var e : timm.stateDict().entrySet()) {
      if (e.getKey().startsWith("blocks.0.ln_1.weight")) for (float v : e.getValue().data()) assertEquals(1f, v);
      if (e.getKey().equals("pos")) for (float v : e.getValue().data()) assertTrue(Math.abs(v) <= 0.04f);
    }
  }

  @Test
  void badRegularisationKeysAreOneLineNamingTheValue() {
    Map<String, String> bad = Map.of(
        "vit:dropout=1", "dropout (1.0) must be in [0, 1)",
        "vit:emb_dropout=-0.1", "emb_dropout (-0.1) must be in [0, 1)",
        "vit:drop_path=x", "drop_path (x) is not a number",
        "vit:dropout=NaN", "dropout (NaN) is not a number",
        "vit:init=jax", "init (jax) must be torch or timm");
    for (var e : bad.entrySet()) {
      String m = assertThrows(IllegalArgumentException.class, () -> Models.parse(e.getKey())).getMessage();
      assertTrue(m.contains(e.getValue()) && m.contains(e.getKey()) && !m.contains("\n"), e.getKey() + ": " + m);
    }
  }

  @Test
  void forwardShapeAndAttentionMaps() {
    for (String s : List.of(TINY, "vit:patch=4,width=8,layers=1,heads=4,mlp=8,pool=mean")) {
      Vit m = (Vit) Models.create(s, 3);
      assertArrayEquals(new int[] {1, 28, 28}, m.inputShape());
      assertEquals(784, m.features());
      Tensor x = Tensor.normal(new Rng(2), 0, 1, 3, 1, 28, 28);
      assertArrayEquals(new int[] {3, 10}, m.forward(Tape.inference().input(x)).shape().dims(), s);
      int t = m.spec().tokens();
      Tensor p = m.blocks().get(0).attention().lastAttentionMap();
      assertArrayEquals(new int[] {3, m.spec().heads(), t, t}, p.shape().dims(), s);
      // bidirectional: the first token attends to the last
      assertTrue(p.get(0, 0, 0, t - 1) > 0, s);
    }
    assertThrows(IllegalArgumentException.class, () -> Models.create(TINY, 1).forward(Tape.inference().input(Tensor.zeros(2, 1, 27, 27))));
  }

  /** Every parameter's gradient (a few entries of each) against central differences of the loss, in a tiny ViT of both pools. */
  @Test
  void gradientsMatchFiniteDifferences() {
    for (String s : List.of("vit:patch=7,width=8,layers=2,heads=2,mlp=6,pool=cls", "vit:patch=14,width=4,layers=1,heads=2,mlp=4,pool=mean")) {
      Vit m = (Vit) Models.create(s, 5);
      // larger position and class embeddings than the init, so their paths carry weight
      for (var e : m.namedParameters().entrySet()) if (e.getKey().equals("pos") || e.getKey().equals("cls")) {
        float[] d = e.getValue().value().data();
        Rng r = new Rng(9);
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian();
      }
      Tensor x = Tensor.normal(new Rng(4), 0, 1, 2, 1, 28, 28);
      int[] y = {3, 7};
      Tape t = Tape.training();
      m.zeroGrad();
      t.backward(F.crossEntropy(m.forward(t.input(x)), y));
      Rng pick = new Rng(11);
      int checked = 0;
      for (var e : m.namedParameters().entrySet()) {
        Parameter p = e.getValue();
        float[] w = p.value().data();
        for (int k = 0; k < 3; k++) {
          int i = k == 0 ? 0 : pick.nextInt(w.length);
          float old = w[i], h = 1e-2f;
          w[i] = old + h;
          double up = loss(m, x, y);
          w[i] = old - h;
          double down = loss(m, x, y);
          w[i] = old;
          double numeric = (up - down) / (2 * h), analytic = p.grad()[i];
          assertEquals(numeric, analytic, 2e-3 + 0.03 * Math.abs(numeric), s + " " + e.getKey() + "[" + i + "]");
          checked++;
        }
      }
      assertTrue(checked >= 3 * 14, s + ": " + checked);
    }
  }

  private static double loss(Vit m, Tensor x, int[] y) {
    return F.crossEntropy(m.forward(Tape.inference().input(x)), y).item();
  }

  @Test
  void aFewStepsReduceTheLoss() {
    Vit m = (Vit) Models.create("vit:patch=7,width=16,layers=1,heads=2,mlp=16", 1);
    Rng rng = new Rng(3);
    int n = 32;
    Tensor x = Tensor.normal(rng, 0, 1, n, 1, 28, 28);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = i % 10;
    Optimizer opt = Optimizers.adam(m.parameters(), 3e-3);
    Tape t = Tape.training();
    float first = 0, last = 0;
    for (int step = 0; step < 30; step++) {
      t.reset();
      Var l = F.crossEntropy(m.forward(t.input(x)), y);
      t.backward(l);
      opt.step();
      if (step == 0) first = l.item();
      last = l.item();
    }
    assertTrue(last < 0.5 * first, "loss " + first + " -> " + last);
  }

  @Test
  void checkpointRoundTripThroughModelsLoad() throws Exception {
    Vit m = (Vit) Models.create("vit:patch=14,width=8,layers=1,heads=2,mlp=8,pool=mean", 6);
    Path f = Files.createTempDirectory("fivefold-vit").resolve("w.safetensors");
    SafeTensors.write(f, m.stateDict(), Map.of("model", m.spec().toString()));
    LoadedModel l = Models.load(f);
    assertEquals(m.spec().toString(), l.spec());
    Tensor x = Tensor.normal(new Rng(8), 0, 1, 2, 1, 28, 28);
    assertArrayEquals(m.forward(Tape.inference().input(x)).data(), ((Vit) l.imageClassifier()).forward(Tape.inference().input(x)).data());
    Vit c = (Vit) m.copy();
    assertArrayEquals(m.forward(Tape.inference().input(x)).data(), c.forward(Tape.inference().input(x)).data());
  }
}
