package dev.fivefold.perception;

/**
 * A GPT's shape. Defaults for character-level work on 2 cores: 4 layers, 4 heads, width 128,
 * context 128 (0.8M parameters), no dropout.
 *
 * @param vocab token alphabet size (≥ 2)
 * @param context maximum sequence length T (≥ 1)
 * @param layers Transformer blocks (≥ 1)
 * @param heads attention heads; must divide width
 * @param width embedding width C
 * @param dropout residual dropout probability in [0, 1)
 */
public record GptConfig(int vocab, int context, int layers, int heads, int width, float dropout) {
  public GptConfig {
    if (vocab < 2) throw new IllegalArgumentException("vocab (" + vocab + ") must be >= 2");
    if (context < 1) throw new IllegalArgumentException("context (" + context + ") must be >= 1");
    if (layers < 1) throw new IllegalArgumentException("layers (" + layers + ") must be >= 1");
    if (width < 1) throw new IllegalArgumentException("width (" + width + ") must be >= 1");
    if (heads < 1 || width % heads != 0) throw new IllegalArgumentException("heads (" + heads + ") must divide width (" + width + ")");
    if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("dropout (" + dropout + ") must be in [0, 1)");
  }

  public static GptConfig small(int vocab) {
    return new GptConfig(vocab, 128, 4, 4, 128, 0f);
  }
}
