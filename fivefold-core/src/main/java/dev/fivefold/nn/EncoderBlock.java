package dev.fivefold.nn;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.tensor.Rng;

/**
 * A pre-norm Transformer encoder block (ViT, Dosovitskiy et al. 2021, eq. 2–3):
 * x += attn(ln_1(x)); x += mlp(ln_2(x)), with bidirectional {@link SelfAttention} and
 * mlp = fc1 Linear(C, M) → GELU (tanh form) → fc2 Linear(M, C). No dropout. Parameters:
 * 4C² + 2CM + 9C + M. Input and output [B, T, C].
 */
public final class EncoderBlock extends Module {
  private final LayerNorm ln1, ln2;
  private final SelfAttention attn;
  private final Sequential mlp;

  /**
   * @param width C
   * @param heads H, dividing C
   * @param mlpHidden M &ge; 1, the MLP's hidden width
   */
  public EncoderBlock(int width, int heads, int mlpHidden, Rng rng) {
    if (mlpHidden < 1) throw new IllegalArgumentException("mlpHidden (" + mlpHidden + ") must be >= 1");
    this.ln1 = child("ln_1", new LayerNorm(width));
    this.attn = child("attn", new SelfAttention(width, heads, rng));
    this.ln2 = child("ln_2", new LayerNorm(width));
    Sequential m = new Sequential();
    m.add("fc1", new Linear(width, mlpHidden, rng));
    m.add("gelu", Activation.gelu());
    m.add("fc2", new Linear(mlpHidden, width, rng));
    this.mlp = child("mlp", m);
  }

  @Override
  public Var forward(Var x) { // [B, T, C]
    return forward(x, null);
  }

  /** With a key (padding) mask for the attention, see {@link SelfAttention#forward(Var, boolean[])}; null: none. */
  public Var forward(Var x, boolean[] visible) {
    x = F.add(x, attn.forward(ln1.forward(x), visible));
    return F.add(x, mlp.forward(ln2.forward(x)));
  }

  public SelfAttention attention() {
    return attn;
  }
}
