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
 * first block's attention probabilities and every parameter's gradient within 1e-5 relative.
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
}
