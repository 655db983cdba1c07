package dev.fivefold.perception.generate;

import dev.fivefold.data.TextCorpus;
import dev.fivefold.perception.NextTokenScore;
import java.util.Map;

/**
 * Held-out cross-entropy of a {@link Decoder}: the windows and the scoring of
 * {@code LanguageModelTask.evaluate} (each held-out token but the first predicted once, a row read
 * from position 0, log-sum-exp in double), but each row run position by position through the
 * decoder. With the float32 decoder the logits are bit-identical to the training forward's, so the
 * figures are the same as the tape's; with quantized weights, activations or KV cache they measure
 * exactly what generation computes.
 */
public final class DecoderEval {
  private DecoderEval() {}

  /**
   * loss (nats/token), bpc, perplexity and tokens scored, over the first {@code evalTokens} held-out
   * tokens (0 = all; whole batches of {@code batch} rows, as the tape evaluation counts them).
   *
   * @param dec the decoder (reset before each row)
   * @param corpus the text, its held-out split scored
   * @param batch rows per batch, as in the tape evaluation
   * @param evalTokens tokens to score, 0 for all
   * @return {@code loss}, {@code bpc}, {@code perplexity} and {@code tokens}, as {@link NextTokenScore#result}
   */
  public static Map<String, Double> evaluate(Decoder dec, TextCorpus corpus, int batch, long evalTokens) {
    int context = dec.config().context(), v = dec.config().vocab();
    NextTokenScore score = new NextTokenScore();
    for (TextCorpus.Window w : corpus.heldOutWindows(batch, context)) {
      for (int r = 0; r < w.rows(); r++) {
        dec.reset();
        for (int t = 0; t < context; t++) {
          float[] z = dec.step(w.inputs()[r * context + t]);
          if (t < w.scoreFrom()[r]) continue;
          score.add(z, 0, v, w.targets()[r * context + t]);
        }
      }
      if (evalTokens > 0 && score.tokens() >= evalTokens) break;
    }
    return score.result();
  }
}
