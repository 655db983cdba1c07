package dev.fivefold.perception;

import dev.fivefold.io.Heap;
import java.util.Map;

/**
 * A GPT's shape. Defaults for character-level work on 2 cores: 4 layers, 4 heads, width 128,
 * context 128 (0.8M parameters), no dropout. It is the family's spec:
 * {@code gpt:vocab=V,context=T,layers=L,heads=H,width=C[,dropout=p]} (only vocab required).
 *
 * @param vocab token alphabet size (≥ 2)
 * @param context maximum sequence length T (≥ 1)
 * @param layers Transformer blocks (≥ 1)
 * @param heads attention heads; must divide width
 * @param width embedding width C
 * @param dropout residual dropout probability in [0, 1)
 */
public record GptConfig(int vocab, int context, int layers, int heads, int width, float dropout) implements ModelSpec {
  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if a component is out of range or {@code heads} does not divide {@code
   *     width}
   */
  public GptConfig {
    if (vocab < 2) throw new IllegalArgumentException("vocab (" + vocab + ") must be >= 2");
    if (context < 1) throw new IllegalArgumentException("context (" + context + ") must be >= 1");
    if (layers < 1) throw new IllegalArgumentException("layers (" + layers + ") must be >= 1");
    if (width < 1) throw new IllegalArgumentException("width (" + width + ") must be >= 1");
    if (heads < 1 || width % heads != 0) throw new IllegalArgumentException("heads (" + heads + ") must divide width (" + width + ")");
    if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("dropout (" + dropout + ") must be in [0, 1)");
  }

  /**
   * The defaults for a vocabulary: 4 layers, 4 heads, width 128, context 128, no dropout.
   *
   * @param vocab token alphabet size, &ge; 2
   * @return the config
   */
  public static GptConfig small(int vocab) {
    return new GptConfig(vocab, 128, 4, 4, 128, 0f);
  }

  /**
   * Parses what follows {@code gpt:} (key=value pairs; null or empty: none); {@code spec} names the whole string in errors.
   *
   * @param spec the whole spec string, for messages
   * @param args the key=value pairs after {@code gpt:}
   * @return the config, the defaults of {@link #small} for keys not given
   * @throws IllegalArgumentException if {@code vocab} is missing, a value is not a number, or the config is
   *     invalid
   */
  public static GptConfig parse(String spec, String args) {
    Map<String, String> kv = KeyValueSpec.pairs(spec, args, "gpt", null);
    int vocab = KeyValueSpec.intOf(kv, "vocab", -1, spec);
    if (vocab < 0) throw new IllegalArgumentException("model spec (" + spec + ") needs vocab=N");
    GptConfig d = small(vocab);
    return new GptConfig(vocab, KeyValueSpec.intOf(kv, "context", d.context(), spec), KeyValueSpec.intOf(kv, "layers", d.layers(), spec),
        KeyValueSpec.intOf(kv, "heads", d.heads(), spec), KeyValueSpec.intOf(kv, "width", d.width(), spec), Float.parseFloat(kv.getOrDefault("dropout", "0")));
  }

  /** (V + T)·C embeddings + L·(12C² + 13C) blocks + C·V head: the head counted apart from the embedding (an upper count if they are tied). */
  @Override
  public long parameters() {
    return Heap.plus(Heap.times((long) vocab + context, width),
        Heap.plus(Heap.times(layers, Heap.plus(Heap.times(12, width, width), Heap.times(13, width))), Heap.times(width, vocab)));
  }

  /** Per sequence of T tokens: L·(16·T·C + 2·H·T²) + 3·T·V (block activations, attention scores and probabilities, logits). */
  @Override
  public long activationsPerSample() {
    return Heap.plus(Heap.times(layers, Heap.plus(Heap.times(16, context, width), Heap.times(2, heads, context, context))), Heap.times(3, context, vocab));
  }

  @Override
  public String family() {
    return "gpt";
  }

  @Override
  public Gpt build(long seed) {
    return new Gpt(this, seed);
  }

  /** The spec string, every field spelled out. */
  @Override
  public String toString() {
    return "gpt:vocab=" + vocab + ",context=" + context + ",layers=" + layers + ",heads=" + heads + ",width=" + width + ",dropout=" + dropout;
  }
}
