package dev.fivefold.nn;

import static dev.fivefold.nn.TorchParityTest.TOL;
import static dev.fivefold.nn.TorchParityTest.checkModel;
import static dev.fivefold.nn.TorchParityTest.close;
import static dev.fivefold.nn.TorchParityTest.ints;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.perception.Models;
import dev.fivefold.perception.Vit;
import org.junit.jupiter.api.Test;

/**
 * A tiny Vision Transformer (both pools) against PyTorch: fixtures vit and vit_mean recorded by
 * {@code scripts/record_vit_fixture.py} (float64 references stored as float32). Loss, logits, the
 * first block's attention probabilities and every parameter's gradient within 1e-5 relative; and
 * one attention layer with a key mask (attention_masked, same script).
 */
class VitTorchParityTest {
  @Test
  void tinyVitMatchesTorch() throws Exception {
    for (String name : new String[] {"vit", "vit_mean"}) {
      var meta = TorchParityTest.fixture(name).metadata();
      Vit m = (Vit) Models.create(meta.get("model"), 1);
      checkModel(name, m, (t, c) -> {
        Var logits = m.forward(t.input(c.get("input")));
        close(name + " logits", c.get("logits"), logits.data(), TOL);
        close(name + " attention probabilities", c.get("attn_probs"), m.blocks().get(0).attention().lastAttentionMap().data(), TOL);
        return F.crossEntropy(logits, ints(c.get("target")));
      }, TOL);
    }
  }

  /**
   * One attention layer with a key mask (fixture attention_masked): output, probabilities (exact
   * zeros at hidden keys), the input's and every parameter's gradient.
   */
  @Test
  void maskedSelfAttentionMatchesTorch() throws Exception {
    var c = TorchParityTest.fixture("attention_masked");
    float[] vf = c.get("visible").data();
    boolean[] visible = new boolean[vf.length];
    for (int i = 0; i < vf.length; i++) visible[i] = vf[i] == 1f;
    SelfAttention a = new SelfAttention(8, 2, new dev.fivefold.tensor.Rng(1));
    TorchParityTest.check("attention_masked", a, (t, x) -> a.forward(x, visible), TOL);
    float[] p = a.lastAttentionMap().data(), ref = c.get("attn_probs").data();
    close("attention_masked probabilities", c.get("attn_probs"), p, TOL);
    for (int i = 0; i < p.length; i++) if (ref[i] == 0f) org.junit.jupiter.api.Assertions.assertEquals(0f, p[i], "probability " + i);
  }
}
