package dev.fivefold.perception;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The held-out score of a language model: the sum of −log softmax(z)[target] over the tokens
 * scored, each in double as log Σ_j exp(z_j − m) + m − z_target with m = max_j z_j (so no exp
 * overflows). Shared by the tape evaluation ({@code LanguageModelTask.evaluate}) and the decoder's
 * ({@code DecoderEval}), so both report the same figures for the same logits.
 */
public final class NextTokenScore {
  private double nats;
  private long tokens;

  /** An empty score: no tokens, 0 nats. */
  public NextTokenScore() {}

  /**
   * Scores one position: logits {@code z[off .. off+vocab)}, the true next token {@code target}.
   *
   * @param z the logits buffer
   * @param off the offset of this position's V logits in {@code z}
   * @param vocab V, the number of logits
   * @param target the true next token, in [0, V)
   */
  public void add(float[] z, int off, int vocab, int target) {
    double m = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < vocab; j++) m = Math.max(m, z[off + j]);
    double s = 0;
    for (int j = 0; j < vocab; j++) s += Math.exp(z[off + j] - m);
    nats += Math.log(s) + m - z[off + target];
    tokens++;
  }

  /**
   * Tokens scored so far.
   *
   * @return the count, &ge; 0
   */
  public long tokens() {
    return tokens;
  }

  /**
   * loss (mean nats per token), bpc, perplexity and tokens.
   *
   * @return keys {@code loss} (nats per token), {@code bpc} (loss / ln 2), {@code perplexity} (exp loss) and
   *     {@code tokens}, in that order
   */
  public Map<String, Double> result() {
    double loss = nats / Math.max(1, tokens);
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("loss", loss);
    out.put("bpc", loss / Math.log(2));
    out.put("perplexity", Math.exp(loss));
    out.put("tokens", (double) tokens);
    return out;
  }
}
