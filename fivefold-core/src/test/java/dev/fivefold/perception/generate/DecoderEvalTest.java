package dev.fivefold.perception.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.compress.quant.ActivationQuantization;
import dev.fivefold.compress.quant.UniformGrid;
import dev.fivefold.data.TextCorpus;
import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.GptConfig;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.LanguageModelTask;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Scoring through the decoder: the float32 decoder reproduces the tape's held-out loss exactly; quantized activations and KV cache stay close. */
class DecoderEvalTest {
  static TextCorpus corpus() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 40; i++) sb.append("In the beginning God created the heaven and the earth. And the earth was without form. ");
    return TextCorpus.of("tiny", sb.toString().getBytes(StandardCharsets.US_ASCII), TextCorpus.VocabKind.COMPACT, 0.1);
  }

  @Test
  void floatDecoderScoresExactlyAsTheTape() {
    TextCorpus c = corpus();
    GptConfig cfg = new GptConfig(c.vocabSize(), 24, 2, 2, 32, 0f);
    Gpt g = new Gpt(cfg, 5);
    Map<String, Double> tape = new LanguageModelTask(g, c, 3, cfg.context(), 1, 0).evaluate();
    Map<String, Double> dec = DecoderEval.evaluate(Decoder.of(g), c, 3, 0);
    assertEquals(tape.get("tokens"), dec.get("tokens"));
    assertEquals(tape.get("loss"), dec.get("loss"), 0.0, "bit-identical logits give the identical sum");
    // int8 KV cache and int8 activations: close, not equal
    double kv8 = DecoderEval.evaluate(Decoder.of(g, 8), c, 3, 0).get("loss");
    assertTrue(kv8 != dec.get("loss") && Math.abs(kv8 - dec.get("loss")) < 0.01, kv8 + " vs " + dec.get("loss"));
    Map<String, Tensor> sd = g.stateDict();
    List<int[]> calib = new ArrayList<>();
    for (int i = 0; i < 4; i++) calib.add(c.tokens(i * 100, i * 100 + cfg.context()));
    for (var ac : List.of(new ActivationQuantization.Config(8, ActivationQuantization.Granularity.TOKEN, ActivationQuantization.Range.MINMAX, 99.9),
        new ActivationQuantization.Config(8, ActivationQuantization.Granularity.TENSOR, ActivationQuantization.Range.MINMAX, 99.9),
        new ActivationQuantization.Config(8, ActivationQuantization.Granularity.TENSOR, ActivationQuantization.Range.PERCENTILE, 99.9))) {
      Map<String, UniformGrid> grids = ActivationQuantization.calibrate(g, calib, ac);
      assertEquals(ac.granularity() == ActivationQuantization.Granularity.TENSOR ? 9 : 0, grids.size());
      Decoder d = new Decoder(cfg, sd::get, ActivationQuantization.linears(n -> RowLinear.dense(sd.get(n + ".weight"), sd.get(n + ".bias")), grids, ac), Decoder.cache(cfg, 0));
      double l = DecoderEval.evaluate(d, c, 3, 0).get("loss");
      assertTrue(l != dec.get("loss") && Math.abs(l - dec.get("loss")) < 0.02, ac + ": " + l + " vs " + dec.get("loss"));
    }
  }
}
