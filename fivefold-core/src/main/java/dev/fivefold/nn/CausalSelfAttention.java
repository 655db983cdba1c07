package dev.fivefold.nn;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;

/**
 * Multi-head causal self-attention as in GPT-2 / nanoGPT: c_attn = Linear(C, 3C) gives q, k, v;
 * the fused {@link F#causalAttention} mixes positions; c_proj = Linear(C, C) mixes heads.
 * Input and output [B, T, C]. The last attention map is kept for inspection.
 */
public final class CausalSelfAttention extends Module {
  private final Linear cAttn, cProj;
  private final int heads;
  private final Dropout residDrop;
  private Var lastAttention;

  /**
   * Causal self-attention of width C, initialised as PyTorch's Linear layers.
   *
   * @param width C, divisible by {@code heads}
   * @param heads the number of heads, at least 1
   * @param dropout the dropout rate of the output projection, in [0, 1)
   * @param rng the source of the initial weights and of the dropout masks
   * @throws IllegalArgumentException if {@code heads} does not divide {@code width}
   */
  public CausalSelfAttention(int width, int heads, float dropout, Rng rng) {
    if (heads < 1 || width % heads != 0) throw new IllegalArgumentException("heads (" + heads + ") must divide width (" + width + ")");
    this.cAttn = child("c_attn", new Linear(width, 3 * width, rng));
    this.cProj = child("c_proj", new Linear(width, width, rng));
    this.heads = heads;
    this.residDrop = new Dropout(dropout, rng.split());
  }

  @Override
  public Var forward(Var x) { // x: [B, T, C]
    Var qkv = cAttn.forward(x); // [B, T, 3C]
    Var y = F.causalAttention(qkv, heads); // [B, T, C]
    lastAttention = y;
    return residDrop.forward(cProj.forward(y));
  }

  /**
   * Attention probabilities [B, nh, T, T] of the last forward (valid until its tape is reset).
   *
   * @return the probabilities, or null before any forward
   */
  public Tensor lastAttentionMap() {
    return lastAttention == null ? null : F.attentionProbabilities(lastAttention);
  }

  Linear cAttn() {
    return cAttn;
  }

  Linear cProj() {
    return cProj;
  }
}
