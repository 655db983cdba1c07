package dev.fivefold.nn;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;

/**
 * Multi-head bidirectional self-attention, the encoder form of Vaswani et al. (2017) as in BERT and
 * ViT (Dosovitskiy et al. 2021): qkv = Linear(C, 3C) gives q, k, v; the fused {@link F#attention}
 * lets every position attend to every position, softmax(Q Kᵀ / √(C/H)) V per head; proj =
 * Linear(C, C) mixes heads. Input and output [B, T, C]. The last attention map is kept for
 * inspection, as in {@link CausalSelfAttention}.
 */
public final class SelfAttention extends Module {
  private final Linear qkv, proj;
  private final int heads;
  private Var lastAttention;

  /**
   * A bidirectional multi-head self-attention with its projections initialised as PyTorch's.
   *
   * @param width C &ge; 1
   * @param heads H &ge; 1, dividing C
   * @param rng the source of the initial weights
   * @throws IllegalArgumentException if {@code heads} does not divide {@code width}
   */
  public SelfAttention(int width, int heads, Rng rng) {
    if (heads < 1 || width % heads != 0) throw new IllegalArgumentException("heads (" + heads + ") must divide width (" + width + ")");
    this.qkv = child("qkv", new Linear(width, 3 * width, rng));
    this.proj = child("proj", new Linear(width, width, rng));
    this.heads = heads;
  }

  @Override
  public Var forward(Var x) { // x: [B, T, C]
    return forward(x, null);
  }

  /**
   * With a key (padding) mask: {@code visible[b·T + j]} says whether sample b's positions may attend
   * to position j ({@link F#attention(Var, int, boolean[])}); null sees every key.
   *
   * @param x the input, [B, T, C]
   * @param visible the key mask, B·T entries, or null
   * @return the output, [B, T, C]
   */
  public Var forward(Var x, boolean[] visible) {
    Var h = qkv.forward(x);
    Var y = visible == null ? F.attention(h, heads) : F.attention(h, heads, visible); // [B, T, C]
    lastAttention = y;
    return proj.forward(y);
  }

  /**
   * Attention probabilities [B, H, T, T] of the last forward (valid until its tape is reset).
   *
   * @return the probabilities, or null before any forward
   */
  public Tensor lastAttentionMap() {
    return lastAttention == null ? null : F.attentionProbabilities(lastAttention);
  }
}
