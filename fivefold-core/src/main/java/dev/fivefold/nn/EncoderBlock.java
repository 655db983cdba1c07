package dev.fivefold.nn;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;

/**
 * A pre-norm Transformer encoder block (ViT, Dosovitskiy et al. 2021, eq. 2–3):
 * x += drop_path(drop(attn(ln_1(x)))); x += drop_path(drop(fc2(drop(gelu(fc1(ln_2(x))))))), with
 * bidirectional {@link SelfAttention} and mlp = fc1 Linear(C, M) → GELU (tanh form) → fc2
 * Linear(M, C). Parameters: 4C² + 2CM + 9C + M. Input and output [B, T, C].
 *
 * <p>Regularisation (training only, both 0 by default, as timm's ViT): {@code dropout} is inverted
 * dropout on the attention branch's output and after the MLP's GELU and fc2 (timm's proj_drop and
 * drop_rate); {@code dropPath} is stochastic depth (Huang et al. 2016): each sample's residual branch
 * is dropped with that probability and kept ones scaled by 1/(1 − p), one draw per sample per branch
 * from {@code drops}. In eval mode, or with both rates 0, the block is the deterministic one above.
 */
public final class EncoderBlock extends Module {
  private final LayerNorm ln1, ln2;
  private final SelfAttention attn;
  private final Sequential mlp;
  private final Dropout attnDrop;
  private final float dropPath;
  private final Rng pathRng;

  /**
   * A block without dropout or drop-path.
   *
   * @param width C
   * @param heads H, dividing C
   * @param mlpHidden M &ge; 1, the MLP's hidden width
   * @param rng the weights' initialiser
   */
  public EncoderBlock(int width, int heads, int mlpHidden, Rng rng) {
    this(width, heads, mlpHidden, 0f, 0f, rng, null);
  }

  /**
   * A block with dropout and stochastic depth in training.
   *
   * @param width C
   * @param heads H, dividing C
   * @param mlpHidden M, at least 1, the MLP's hidden width
   * @param dropout dropout rate in [0, 1) on the branches (see the class comment)
   * @param dropPath stochastic-depth rate in [0, 1)
   * @param rng the weights' initialiser (drawn from in the same order as without regularisation)
   * @param drops the generator of the dropout and drop-path masks (split once per use); may be
   *     null when both rates are 0
   * @throws IllegalArgumentException if a size or rate is out of range
   */
  public EncoderBlock(int width, int heads, int mlpHidden, float dropout, float dropPath, Rng rng, Rng drops) {
    if (mlpHidden < 1) throw new IllegalArgumentException("mlpHidden (" + mlpHidden + ") must be >= 1");
    if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("dropout (" + dropout + ") must be in [0, 1)");
    if (!(dropPath >= 0 && dropPath < 1)) throw new IllegalArgumentException("dropPath (" + dropPath + ") must be in [0, 1)");
    if ((dropout > 0 || dropPath > 0) && drops == null) throw new IllegalArgumentException("dropout or dropPath > 0 needs a generator (drops)");
    this.ln1 = child("ln_1", new LayerNorm(width));
    this.attn = child("attn", new SelfAttention(width, heads, rng));
    this.ln2 = child("ln_2", new LayerNorm(width));
    Sequential m = new Sequential();
    m.add("fc1", new Linear(width, mlpHidden, rng));
    m.add("gelu", Activation.gelu());
    if (dropout > 0) m.add("drop1", new Dropout(dropout, drops.split()));
    m.add("fc2", new Linear(mlpHidden, width, rng));
    if (dropout > 0) m.add("drop2", new Dropout(dropout, drops.split()));
    this.mlp = child("mlp", m);
    this.attnDrop = dropout > 0 ? child("attn_drop", new Dropout(dropout, drops.split())) : null;
    this.dropPath = dropPath;
    this.pathRng = dropPath > 0 ? generator("drop_path", drops.split()) : null;
  }

  @Override
  public Var forward(Var x) { // [B, T, C]
    return forward(x, null);
  }

  /**
   * With a key (padding) mask for the attention, see {@link SelfAttention#forward(Var, boolean[])}; null: none.
   *
   * @param x the input, [B, T, C]
   * @param visible per batch row and key position, whether the key is attended to; null for all
   * @return the output, [B, T, C]
   */
  public Var forward(Var x, boolean[] visible) {
    Var a = attn.forward(ln1.forward(x), visible);
    if (attnDrop != null) a = attnDrop.forward(a);
    x = F.add(x, dropPath(a));
    return F.add(x, dropPath(mlp.forward(ln2.forward(x))));
  }

  /** Stochastic depth on a branch [B, ...]: per sample, 0 with probability p, else scaled by 1/(1 − p). */
  private Var dropPath(Var branch) {
    if (dropPath == 0f || !isTraining() || !branch.tape().recording()) return branch;
    int n = branch.shape().dim(0);
    float keep = 1f - dropPath;
    float[] m = new float[n];
    for (int i = 0; i < n; i++) m[i] = pathRng.nextFloat() < keep ? 1f / keep : 0f;
    int[] dims = new int[branch.shape().rank()];
    java.util.Arrays.fill(dims, 1);
    dims[0] = n;
    return F.mul(branch, branch.tape().input(Tensor.wrap(m, Shape.of(dims))));
  }

  /** {@return the attention sub-layer} */
  public SelfAttention attention() {
    return attn;
  }
}
