package dev.fivefold.perception.generate;

import dev.fivefold.tensor.Rng;
import java.util.Arrays;

/**
 * Sampling with a {@link Decoder}: the prompt is fed position by position (its last {@code context}
 * tokens), then each new token is drawn from the logits at the last position and fed in turn.
 *
 * <p>Sliding window: positions are learned absolute embeddings (wpe), so a cached key belongs to
 * the position it was computed at and the cache cannot simply be rolled. When the window is full
 * and a token must be added, the generator keeps the last {@code keep} tokens, recomputes them at
 * positions 0..keep−1 (recompute-on-slide), then feeds the new token at position keep. So at every
 * step the logits are exactly those of a full forward over the tokens in the window. With
 * {@code keep = context − 1} every step past the context re-feeds the window, which is what the
 * recomputing sampler ({@code LanguageModelTask.sample}) sees (same logits, same tokens, no
 * speed-up there); the default {@code keep = context / 2} recomputes once every context/2 tokens,
 * so the cost per token stays about that of a half-full cache, and each token past the first
 * window conditions on between context/2 and context − 1 earlier tokens.
 *
 * <p>The draw is the recomputing sampler's: greedy argmax at temperature 0, else
 * p_j ∝ exp((z_j − max z)/T) over the top-k logits (ties at the k-th value kept), one
 * {@link Rng#nextDouble()} per token. An empty prompt starts from token 0 at position 0 (as the
 * recomputing sampler does), which is then dropped from the window.
 */
public final class Generator {
  private Generator() {}

  /**
   * What to generate.
   *
   * @param length tokens to generate (≥ 0)
   * @param temperature softmax temperature (≥ 0; 0 = greedy)
   * @param topK sample from the k most likely (0 = all)
   * @param keep tokens kept when the window slides, in [1, context − 1]; 0 = context / 2
   */
  public record Config(int length, double temperature, int topK, int keep) {
    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if a component is negative
     */
    public Config {
      if (length < 0) throw new IllegalArgumentException("length (" + length + ") must be >= 0");
      if (!(temperature >= 0)) throw new IllegalArgumentException("temperature (" + temperature + ") must be >= 0");
      if (topK < 0) throw new IllegalArgumentException("topK (" + topK + ") must be >= 0");
      if (keep < 0) throw new IllegalArgumentException("keep (" + keep + ") must be >= 0");
    }
  }

  /**
   * The prompt followed by the generated tokens, and the timing.
   *
   * @param tokens prompt + generated tokens
   * @param generated tokens generated
   * @param seconds wall time of the whole call (prompt included)
   * @param promptSeconds wall time of feeding the prompt
   * @param slides times the window slid (each recomputing {@code keep} positions)
   */
  public record Result(int[] tokens, int generated, double seconds, double promptSeconds, int slides) {
    /**
     * Generated tokens per second after the prompt (slides included).
     *
     * @return tokens per second (+∞ if no time passed)
     */
    public double tokensPerSecond() {
      double s = seconds - promptSeconds;
      return s > 0 ? generated / s : Double.POSITIVE_INFINITY;
    }
  }

  /**
   * Generates {@code cfg.length()} tokens after {@code prompt}, drawing with {@code rng}.
   *
   * @param dec the decoder (reset first)
   * @param prompt the prompt's token ids
   * @param cfg the sampling settings
   * @param rng the sampling generator
   * @return the tokens and timing
   * @throws IllegalArgumentException if {@code keep} does not fit the context
   */
  public static Result generate(Decoder dec, int[] prompt, Config cfg, Rng rng) {
    int ctx = dec.config().context(), v = dec.config().vocab();
    int keep = cfg.keep() == 0 ? Math.max(1, ctx / 2) : cfg.keep();
    if (ctx > 1 && keep > ctx - 1) throw new IllegalArgumentException("keep (" + keep + ") must be in [1, " + (ctx - 1) + "] for context " + ctx);
    if (ctx == 1) keep = 0;
    for (int t : prompt) if (t < 0 || t >= v) throw new IllegalArgumentException("prompt token (" + t + ") must be in [0, " + v + ")");
    long t0 = System.nanoTime();
    int[] seq = Arrays.copyOf(prompt, prompt.length + cfg.length());
    int len = prompt.length, slides = 0;
    dec.reset();
    float[] z = null;
    boolean bos = len == 0;
    if (bos) z = dec.step(0);
    for (int i = Math.max(0, len - ctx); i < len; i++) z = dec.step(seq[i]);
    long tp = System.nanoTime();
    double[] p = new double[v];
    float[] sorted = new float[v];
    for (int k = 0; k < cfg.length(); k++) {
      int next = draw(z, v, cfg.temperature(), cfg.topK(), p, sorted, rng);
      seq[len++] = next;
      if (k == cfg.length() - 1) break;
      if (bos) {
        dec.reset();
        bos = false;
      } else if (dec.length() == ctx) {
        dec.reset();
        for (int i = len - 1 - keep; i < len - 1; i++) dec.step(seq[i]);
        slides++;
      }
      z = dec.step(next);
    }
    long t1 = System.nanoTime();
    return new Result(seq, cfg.length(), (t1 - t0) / 1e9, (tp - t0) / 1e9, slides);
  }

  /** The recomputing sampler's draw from logits z [V]. */
  static int draw(float[] z, int v, double temperature, int topK, double[] p, float[] sorted, Rng rng) {
    if (temperature <= 0) {
      int next = 0;
      for (int j = 1; j < v; j++) if (z[j] > z[next]) next = j;
      return next;
    }
    double kth = Double.NEGATIVE_INFINITY;
    if (topK > 0 && topK < v) {
      System.arraycopy(z, 0, sorted, 0, v);
      Arrays.sort(sorted);
      kth = sorted[v - topK];
    }
    double m = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < v; j++) m = Math.max(m, z[j]);
    double s = 0;
    for (int j = 0; j < v; j++) {
      p[j] = z[j] < kth ? 0 : Math.exp((z[j] - m) / temperature);
      s += p[j];
    }
    double u = rng.nextDouble() * s, acc = 0;
    for (int j = 0; j < v; j++) {
      acc += p[j];
      if (u < acc) return j;
    }
    return v - 1;
  }
}
