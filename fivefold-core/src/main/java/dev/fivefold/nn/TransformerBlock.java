package dev.fivefold.nn;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.tensor.Rng;

/**
 * A pre-norm Transformer block (GPT-2): x += attn(ln_1(x)); x += mlp(ln_2(x)), where
 * mlp = c_fc Linear(C, 4C) → GELU (tanh form) → c_proj Linear(4C, C). Names follow nanoGPT.
 */
public final class TransformerBlock extends Module {
  private final LayerNorm ln1, ln2;
  private final CausalSelfAttention attn;
  private final Sequential mlp;

  /**
   * A block of width C, initialised as PyTorch's layers (see {@link #initGpt2} for GPT-2's).
   *
   * @param width C, divisible by {@code heads}
   * @param heads the attention heads
   * @param dropout the dropout rate of the attention and the MLP, in [0, 1)
   * @param rng the source of the initial weights and of the dropout masks
   */
  public TransformerBlock(int width, int heads, float dropout, Rng rng) {
    this.ln1 = child("ln_1", new LayerNorm(width));
    this.attn = child("attn", new CausalSelfAttention(width, heads, dropout, rng));
    this.ln2 = child("ln_2", new LayerNorm(width));
    Sequential m = new Sequential();
    m.add("c_fc", new Linear(width, 4 * width, rng));
    m.add("gelu", Activation.gelu());
    m.add("c_proj", new Linear(4 * width, width, rng));
    m.add("dropout", new Dropout(dropout, rng.split()));
    this.mlp = child("mlp", m);
  }

  @Override
  public Var forward(Var x) { // [B, T, C]
    x = F.add(x, attn.forward(ln1.forward(x)));
    return F.add(x, mlp.forward(ln2.forward(x)));
  }

  /** {@return the attention sub-layer} */
  public CausalSelfAttention attention() {
    return attn;
  }

  /**
   * GPT-2 initialisation: every Linear weight N(0, 0.02²) and bias 0, except the two residual
   * projections (attn.c_proj, mlp.c_proj), N(0, residStd²) with residStd = 0.02/√(2L).
   *
   * @param rng the source of the weights
   * @param residStd the standard deviation of the residual projections
   */
  public void initGpt2(Rng rng, float residStd) {
    Linear fc = (Linear) mlp.layers().get(0), proj = (Linear) mlp.layers().get(2);
    for (Linear l : new Linear[] {attn.cAttn(), fc}) {
      l.init(Init.normal(rng, 0.02f, l.outFeatures(), l.inFeatures()));
    }
    for (Linear l : new Linear[] {attn.cProj(), proj}) {
      l.init(Init.normal(rng, residStd, l.outFeatures(), l.inFeatures()));
    }
  }
}
