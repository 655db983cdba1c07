package dev.fivefold.perception;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.Embedding;
import dev.fivefold.nn.Init;
import dev.fivefold.nn.LayerNorm;
import dev.fivefold.nn.Linear;
import dev.fivefold.nn.Module;
import dev.fivefold.nn.TransformerBlock;
import dev.fivefold.tensor.Rng;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A decoder-only Transformer language model (GPT-2 / nanoGPT layout): token and position
 * embeddings wte, wpe; blocks h.0 … h.{L-1}; final ln_f; lm_head Linear(C, V) without bias
 * (untied). Init: N(0, 0.02), residual projections N(0, 0.02/√(2L)), biases 0.
 */
public final class Gpt extends Module implements LanguageModel {
  private final GptConfig cfg;
  private final Embedding wte, wpe;
  private final List<TransformerBlock> blocks = new ArrayList<>();
  private final LayerNorm lnF;
  private final Linear lmHead;

  /**
   * A GPT of shape {@code cfg}, every weight drawn from {@code new Rng(seed)} (GPT-2 init).
   *
   * @param cfg the shape
   * @param seed the weights' seed
   */
  public Gpt(GptConfig cfg, long seed) {
    this.cfg = cfg;
    Rng rng = new Rng(seed);
    wte = child("wte", new Embedding(cfg.vocab(), cfg.width(), 0.02f, rng));
    wpe = child("wpe", new Embedding(cfg.context(), cfg.width(), 0.02f, rng));
    GptModules h = child("h", new GptModules());
    for (int i = 0; i < cfg.layers(); i++) {
      TransformerBlock b = h.add(i, new TransformerBlock(cfg.width(), cfg.heads(), cfg.dropout(), rng));
      blocks.add(b);
    }
    lnF = child("ln_f", new LayerNorm(cfg.width()));
    lmHead = child("lm_head", new Linear(cfg.width(), cfg.vocab(), false, rng));
    float residStd = (float) (0.02 / Math.sqrt(2.0 * cfg.layers()));
    for (TransformerBlock b : blocks) b.initGpt2(rng, residStd);
    lmHead.init(Init.normal(rng, 0.02f, cfg.vocab(), cfg.width()));
  }

  /**
   * The model's shape (the same as {@link #spec()}).
   *
   * @return the config
   */
  public GptConfig config() {
    return cfg;
  }

  @Override
  public GptConfig spec() {
    return cfg;
  }

  @Override
  public int vocab() {
    return cfg.vocab();
  }

  @Override
  public int context() {
    return cfg.context();
  }

  @Override
  protected Module blank() {
    return new Gpt(cfg, 0);
  }

  /**
   * The Transformer blocks h.0 … h.{L-1}, in order.
   *
   * @return an unmodifiable view
   */
  public List<TransformerBlock> blocks() {
    return Collections.unmodifiableList(blocks);
  }

  /** Logits [B, T, V] for tokens [B·T] (row-major [B, T]), T ≤ context. */
  @Override
  public Var forward(Tape tape, int[] tokens, int b, int t) {
    if (t < 1 || t > cfg.context()) throw new IllegalArgumentException("sequence length (" + t + ") must be in [1, " + cfg.context() + "]");
    if (tokens.length < b * t) throw new IllegalArgumentException("tokens (" + tokens.length + ") fewer than B·T (" + b * t + ")");
    int[] pos = positions(t);
    Var x = F.add(wte.lookup(tape, tokens, b, t), wpe.lookup(tape, pos, t)); // [B, T, C]
    for (TransformerBlock blk : blocks) x = blk.forward(x);
    return lmHead.forward(lnF.forward(x)); // [B, T, V]
  }

  private int[] posCache = new int[0];

  private int[] positions(int t) {
    if (posCache.length != t) {
      posCache = new int[t];
      for (int i = 0; i < t; i++) posCache[i] = i;
    }
    return posCache;
  }

  /** Not applicable: a GPT takes token ids; use {@link #forward(Tape, int[], int, int)}. */
  @Override
  public Var forward(Var x) {
    throw new UnsupportedOperationException("Gpt takes token ids: use forward(tape, tokens, b, t)");
  }

  /** Container that names blocks "0", "1", ... under "h". */
  static final class GptModules extends Module {
    TransformerBlock add(int i, TransformerBlock b) {
      return child(String.valueOf(i), b);
    }

    @Override
    public Var forward(Var x) {
      throw new UnsupportedOperationException();
    }
  }
}
