package dev.fivefold.perception.clip;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.caption.CharVocabulary;
import dev.fivefold.nn.Embedding;
import dev.fivefold.nn.EncoderBlock;
import dev.fivefold.nn.Init;
import dev.fivefold.nn.LayerNorm;
import dev.fivefold.nn.Module;
import dev.fivefold.nn.Parameter;
import dev.fivefold.tensor.Rng;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A small character Transformer encoder: ids [N, T] (a {@link CharVocabulary} encoding: the class
 * token, the characters, padding) → tok_embed (N(0, 0.02²)) + pos [T, C] (N(0, 0.02²)) → L pre-norm
 * {@link EncoderBlock}s whose attention sees only the non-padding keys
 * ({@link dev.fivefold.autodiff.F#attention(Var, int, boolean[])}) → ln_f, and reads the class
 * token's output [N, C]. Padding positions still compute (they attend to the real keys) but no
 * real position attends to them, so a text's summary does not depend on how much padding follows it.
 */
public final class TextEncoder extends Module {
  private final int context, width;
  private final Embedding tok;
  private final Parameter pos;
  private final List<EncoderBlock> blocks = new ArrayList<>();
  private final LayerNorm lnF;

  /**
   * A Transformer text encoder with a class token, weights drawn from {@code rng}.
   *
   * @param vocab ids in use ({@link CharVocabulary#size()}), &ge; 3
   * @param context T &ge; 2, ids per text
   * @param width C &ge; 1
   * @param layers L &ge; 1
   * @param heads H, dividing C
   * @param mlp the blocks' MLP width &ge; 1
   * @param rng the weights' generator
   * @throws IllegalArgumentException if a size is out of range
   */
  public TextEncoder(int vocab, int context, int width, int layers, int heads, int mlp, Rng rng) {
    if (vocab < 3) throw new IllegalArgumentException("vocab (" + vocab + ") must be >= 3 (padding, class token, one character)");
    if (context < 2) throw new IllegalArgumentException("context (" + context + ") must be >= 2");
    if (width < 1) throw new IllegalArgumentException("width (" + width + ") must be >= 1");
    if (layers < 1) throw new IllegalArgumentException("layers (" + layers + ") must be >= 1");
    if (heads < 1 || width % heads != 0) throw new IllegalArgumentException("heads (" + heads + ") must divide width (" + width + ")");
    this.context = context;
    this.width = width;
    tok = child("tok_embed", new Embedding(vocab, width, 0.02f, rng));
    pos = parameter("pos", Init.normal(rng, 0.02f, context, width)).noDecay();
    Blocks h = child("blocks", new Blocks());
    for (int i = 0; i < layers; i++) blocks.add(h.add(i, new EncoderBlock(width, heads, mlp, rng)));
    lnF = child("ln_f", new LayerNorm(width));
  }

  /**
   * The ids per text, T.
   *
   * @return T
   */
  public int context() {
    return context;
  }

  /**
   * The model width C.
   *
   * @return C
   */
  public int width() {
    return width;
  }

  /**
   * The encoder blocks, in order.
   *
   * @return an unmodifiable view
   */
  public List<EncoderBlock> blocks() {
    return Collections.unmodifiableList(blocks);
  }

  /** The key mask of ids [N·T]: visible[i] = ids[i] is not padding. */
  static boolean[] visible(int[] ids, int n, int t) {
    boolean[] v = new boolean[n * t];
    for (int i = 0; i < n * t; i++) v[i] = ids[i] != CharVocabulary.PAD;
    return v;
  }

  /**
   * The token states [N, T, C] after ln_f (every position), for models that read more than the class token.
   *
   * @param tape the tape to record on
   * @param ids the texts' ids, at least n·T
   * @param n the texts
   * @return the states [N, T, C]
   * @throws IllegalArgumentException if {@code ids} holds fewer than n·T
   */
  public Var states(Tape tape, int[] ids, int n) {
    if (n < 1 || ids.length < n * context) throw new IllegalArgumentException("ids (" + ids.length + ") must hold n (" + n + ") × context (" + context + ")");
    boolean[] visible = visible(ids, n, context);
    Var h = F.add(tok.lookup(tape, ids, n, context), pos.on(tape)); // [N, T, C]
    for (EncoderBlock b : blocks) h = b.forward(h, visible);
    return lnF.forward(h);
  }

  /**
   * The class token's output [N, C] of texts {@code ids} (the first n·T entries, row-major [N, T]).
   *
   * @param tape the tape to record on
   * @param ids the texts' ids, at least n·T
   * @param n the texts
   * @return the class-token outputs [N, C]
   */
  public Var encode(Tape tape, int[] ids, int n) {
    return F.reshape(F.slice(states(tape, ids, n), 1, 0, 1), n, width); // [N, C]
  }

  @Override
  public Var forward(Var x) {
    throw new UnsupportedOperationException("TextEncoder takes integer ids: use encode(tape, ids, n)");
  }

  /** Names blocks "0", "1", ... under "blocks". */
  static final class Blocks extends Module {
    EncoderBlock add(int i, EncoderBlock b) {
      return child(String.valueOf(i), b);
    }

    @Override
    public Var forward(Var x) {
      throw new UnsupportedOperationException();
    }
  }
}
