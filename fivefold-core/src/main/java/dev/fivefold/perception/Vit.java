package dev.fivefold.perception;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.io.Heap;
import dev.fivefold.nn.Dropout;
import dev.fivefold.nn.EncoderBlock;
import dev.fivefold.nn.Init;
import dev.fivefold.nn.LayerNorm;
import dev.fivefold.nn.Linear;
import dev.fivefold.nn.Module;
import dev.fivefold.nn.Parameter;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A Vision Transformer (Dosovitskiy et al. 2021, "An Image is Worth 16x16 Words") for 28×28×1
 * images such as Fashion-MNIST. The image is cut into (28/P)² non-overlapping P×P patches, each
 * flattened (row-major) and mapped by patch_embed = Linear(P², C); a learned class token cls [C] is
 * prepended (unless {@code pool=mean}); learned position embeddings pos [T', C] are added
 * (T' = (28/P)² + 1 with the class token, (28/P)² without); L pre-norm {@link EncoderBlock}s
 * (bidirectional attention, H heads, MLP width M) follow, then ln_f, and the head Linear(C, 10)
 * reads the class token's output ({@code pool=cls}, the paper's default) or the mean over the
 * patch tokens ({@code pool=mean}).
 *
 * <p>Init ({@code init=torch}, the default): cls and pos N(0, 0.02²), every Linear PyTorch's
 * default U(±1/√in). {@code init=timm} (timm's ViT): every Linear's weight (patch embedding, qkv,
 * proj, MLP, head) N(0, 0.02²) truncated at ±2σ (resampled), biases 0, cls and pos the same
 * truncated normal; layer norms 1 and 0 either way. The timm init is drawn after the default one
 * from the same generator, so a given seed gives one model for each init.
 *
 * <p>Regularisation, training only, all 0 by default: {@code dropout} on the embeddings' sum
 * ({@code emb_dropout}, timm's pos_drop) and in every block ({@code dropout}, timm's proj and MLP
 * dropout), and stochastic depth {@code drop_path} rising linearly from 0 at the first block to
 * the given rate at the last (timm's drop_path_rate), see {@link EncoderBlock}. The masks come from
 * their own generator (seeded from the seed), so the weights do not depend on the rates. Their
 * random state is not part of a checkpoint: a resumed run with a rate above 0 draws other masks than
 * an uninterrupted one.
 *
 * <p>Input [N, 1, 28, 28] (or [N, 784]); output logits [N, 10].
 */
public final class Vit extends Module implements ImageClassifier {
  /** The image side this family takes. */
  public static final int SIDE = 28;

  /**
   * {@code vit:patch=P,width=C,layers=L,heads=H,mlp=M[,pool=cls|mean][,dropout=D][,emb_dropout=E]
   * [,drop_path=R][,init=torch|timm]}, every key optional (the defaults are
   * {@code vit:patch=4,width=64,layers=6,heads=4,mlp=128,pool=cls}, no dropout, no drop path, init
   * torch). Spec strings without the newer keys (dropout, emb_dropout, drop_path, init) build the
   * same model as before they existed.
   *
   * @param patch P &ge; 1, dividing 28
   * @param width C &ge; 1
   * @param layers L &ge; 1
   * @param heads H &ge; 1, dividing C
   * @param mlp M &ge; 1
   * @param meanPool whether the head reads the mean patch token instead of a class token
   * @param dropout dropout rate in the blocks, in [0, 1)
   * @param embDropout dropout rate on the embeddings, in [0, 1)
   * @param dropPath stochastic-depth rate of the last block, in [0, 1)
   * @param timmInit timm's initialisation instead of PyTorch's defaults
   */
  public record Spec(int patch, int width, int layers, int heads, int mlp, boolean meanPool, float dropout, float embDropout,
      float dropPath, boolean timmInit) implements ModelSpec {
    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if a size is out of range, {@code heads} does not divide {@code width},
     *     or a rate
     *     is outside [0, 1)
     */
    public Spec {
      if (patch < 1 || SIDE % patch != 0) throw new IllegalArgumentException("patch (" + patch + ") must divide " + SIDE);
      if (width < 1) throw new IllegalArgumentException("width (" + width + ") must be >= 1");
      if (layers < 1) throw new IllegalArgumentException("layers (" + layers + ") must be >= 1");
      if (heads < 1 || width % heads != 0) throw new IllegalArgumentException("heads (" + heads + ") must divide width (" + width + ")");
      if (mlp < 1) throw new IllegalArgumentException("mlp (" + mlp + ") must be >= 1");
      rate("dropout", dropout);
      rate("emb_dropout", embDropout);
      rate("drop_path", dropPath);
    }

    /**
     * Without regularisation, PyTorch's default init.
     *
     * @param patch P &ge; 1, dividing 28
     * @param width C &ge; 1
     * @param layers L &ge; 1
     * @param heads H &ge; 1, dividing C
     * @param mlp M &ge; 1
     * @param meanPool whether the head reads the mean patch token instead of a class token
     */
    public Spec(int patch, int width, int layers, int heads, int mlp, boolean meanPool) {
      this(patch, width, layers, heads, mlp, meanPool, 0f, 0f, 0f, false);
    }

    private static void rate(String key, float p) {
      if (!(p >= 0 && p < 1)) throw new IllegalArgumentException(key + " (" + p + ") must be in [0, 1)");
    }

    /**
     * The defaults: {@code vit:patch=4,width=64,layers=6,heads=4,mlp=128,pool=cls}.
     *
     * @return the default spec
     */
    public static Spec standard() {
      return new Spec(4, 64, 6, 4, 128, false);
    }

    /**
     * Parses what follows {@code vit:} (key=value pairs; null or empty: the defaults); {@code spec} names the whole string in errors.
     *
     * @param spec the whole spec string, for messages
     * @param args the key=value pairs after {@code vit:}, or null
     * @return the architecture
     * @throws IllegalArgumentException if a key is unknown or a value is invalid
     */
    public static Spec parse(String spec, String args) {
      Map<String, String> kv = KeyValueSpec.pairs(spec, args, "vit",
          List.of("patch", "width", "layers", "heads", "mlp", "pool", "dropout", "emb_dropout", "drop_path", "init"));
      String pool = kv.getOrDefault("pool", "cls");
      if (!pool.equals("cls") && !pool.equals("mean")) throw new IllegalArgumentException("model spec (" + spec + "): pool (" + pool + ") must be cls or mean");
      String init = kv.getOrDefault("init", "torch");
      if (!init.equals("torch") && !init.equals("timm")) throw new IllegalArgumentException("model spec (" + spec + "): init (" + init + ") must be torch or timm");
      Spec d = standard();
      try {
        return new Spec(KeyValueSpec.intOf(kv, "patch", d.patch(), spec), KeyValueSpec.intOf(kv, "width", d.width(), spec), KeyValueSpec.intOf(kv, "layers", d.layers(), spec),
            KeyValueSpec.intOf(kv, "heads", d.heads(), spec), KeyValueSpec.intOf(kv, "mlp", d.mlp(), spec), pool.equals("mean"),
            floatOf(kv, "dropout", spec), floatOf(kv, "emb_dropout", spec), floatOf(kv, "drop_path", spec), init.equals("timm"));
      } catch (IllegalArgumentException e) {
        if (e.getMessage().startsWith("model spec")) throw e;
        throw new IllegalArgumentException("model spec (" + spec + "): " + e.getMessage());
      }
    }

    /** The rate under {@code k}, 0 if absent. */
    private static float floatOf(Map<String, String> kv, String k, String spec) {
      String v = kv.get(k);
      if (v == null) return 0f;
      try {
        float f = Float.parseFloat(v);
        if (!Float.isFinite(f)) throw new NumberFormatException();
        return f;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("model spec (" + spec + "): " + k + " (" + v + ") is not a number");
      }
    }

    /**
     * Patches per image, (28/P)².
     *
     * @return (28/P)²
     */
    public int patches() {
      return (SIDE / patch) * (SIDE / patch);
    }

    /**
     * Tokens the encoder sees: the patches, plus one for the class token.
     *
     * @return T', the patches plus the class token unless mean pooling
     */
    public int tokens() {
      return patches() + (meanPool ? 0 : 1);
    }

    /**
     * Exactly (P² + 1)·C patch embedding + T'·C positions (+ C class token) + L·(4C² + 2CM + 9C + M)
     * blocks + 2C ln_f + 10·(C + 1) head.
     */
    @Override
    public long parameters() {
      long c = width;
      long embed = Heap.plus(Heap.times((long) patch * patch + 1, c), Heap.times(tokens(), c));
      if (!meanPool) embed = Heap.plus(embed, c);
      long block = Heap.plus(Heap.plus(Heap.times(4, c, c), Heap.times(2, c, mlp)), Heap.plus(Heap.times(9, c), mlp));
      return Heap.plus(Heap.plus(embed, Heap.times(layers, block)), Heap.plus(Heap.times(2, c), Heap.times(10, c + 1)));
    }

    /**
     * L·(10·T'·C + 2·T'·M + H·T'²) + T'·C: per block the layer norms, qkv, attention output,
     * projection, residuals, the MLP's hidden layer twice and the attention probabilities; a low
     * estimate (it leaves out the patch copies, the head and the tape's scratch).
     */
    @Override
    public long activationsPerSample() {
      long t = tokens();
      long block = Heap.plus(Heap.plus(Heap.times(10, t, width), Heap.times(2, t, mlp)), Heap.times(heads, t, t));
      return Heap.plus(Heap.times(layers, block), Heap.times(t, width));
    }

    @Override
    public String family() {
      return "vit";
    }

    @Override
    public Vit build(long seed) {
      return new Vit(this, seed);
    }

    /** The spec string, every field spelled out; the regularisation rates and init only when not the defaults. */
    @Override
    public String toString() {
      String s = "vit:patch=" + patch + ",width=" + width + ",layers=" + layers + ",heads=" + heads + ",mlp=" + mlp + ",pool=" + (meanPool ? "mean" : "cls");
      if (dropout > 0) s += ",dropout=" + dropout;
      if (embDropout > 0) s += ",emb_dropout=" + embDropout;
      if (dropPath > 0) s += ",drop_path=" + dropPath;
      if (timmInit) s += ",init=timm";
      return s;
    }
  }

  private final Spec spec;
  private final Linear patchEmbed;
  private final Parameter cls, pos;
  private final List<EncoderBlock> blocks = new ArrayList<>();
  private final LayerNorm lnF;
  private final Linear head;
  private final Dropout embDrop;

  /**
   * A ViT of shape {@code spec}: weights drawn from {@code new Rng(seed)}, dropout and drop-path masks from a
   * generator split from it.
   *
   * @param spec the architecture
   * @param seed the weights' and masks' seed
   */
  public Vit(Spec spec, long seed) {
    this.spec = spec;
    Rng rng = new Rng(seed);
    Rng drops = new Rng(seed).split(); // the masks' generator: the weights' stream is untouched
    int c = spec.width();
    patchEmbed = child("patch_embed", new Linear(spec.patch() * spec.patch(), c, rng));
    cls = spec.meanPool() ? null : parameter("cls", Init.normal(rng, 0.02f, 1, 1, c)).noDecay();
    pos = parameter("pos", Init.normal(rng, 0.02f, spec.tokens(), c)).noDecay();
    embDrop = spec.embDropout() > 0 ? child("emb_drop", new Dropout(spec.embDropout(), drops.split())) : null;
    Blocks h = child("blocks", new Blocks());
    for (int i = 0; i < spec.layers(); i++) {
      float dpr = spec.layers() == 1 ? 0f : spec.dropPath() * i / (spec.layers() - 1);
      blocks.add(h.add(i, new EncoderBlock(c, spec.heads(), spec.mlp(), spec.dropout(), dpr, rng, drops)));
    }
    lnF = child("ln_f", new LayerNorm(c));
    head = child("head", new Linear(c, 10, rng));
    if (spec.timmInit()) timmInit(rng);
  }

  /** timm's ViT init (see the class comment), drawn from {@code rng} after the default one. */
  private void timmInit(Rng rng) {
    for (Module m : namedModules().values()) {
      if (!(m instanceof Linear l)) continue;
      truncNormal(rng, l.weight().value().data());
      if (l.bias() != null) java.util.Arrays.fill(l.bias().value().data(), 0f);
    }
    if (cls != null) truncNormal(rng, cls.value().data());
    truncNormal(rng, pos.value().data());
  }

  /** N(0, 0.02²) truncated at ±2σ by resampling. */
  private static void truncNormal(Rng rng, float[] w) {
    for (int i = 0; i < w.length; i++) {
      double z;
      do {
        z = rng.nextGaussian();
      } while (Math.abs(z) > 2);
      w[i] = (float) (0.02 * z);
    }
  }

  @Override
  public Spec spec() {
    return spec;
  }

  @Override
  public int[] inputShape() {
    return new int[] {1, SIDE, SIDE};
  }

  @Override
  public int classes() {
    return 10;
  }

  /**
   * The encoder blocks, in order.
   *
   * @return an unmodifiable view
   */
  public List<EncoderBlock> blocks() {
    return Collections.unmodifiableList(blocks);
  }

  @Override
  protected Module blank() {
    return spec.build(0);
  }

  @Override
  public Var forward(Var x) { // [N, 1, 28, 28] or [N, 784] -> [N, 10]
    if (x.shape().size() == 0 || x.shape().size() % (SIDE * SIDE) != 0 || x.shape().dim(0) * SIDE * SIDE != x.shape().size()) {
      throw new IllegalArgumentException("Vit input must be [N, 1, 28, 28], got " + x.shape());
    }
    int n = x.shape().dim(0), p = spec.patch(), g = SIDE / p, c = spec.width();
    // [N, g, P, g, P] -> [N, g, g, P, P] -> [N, g², P²]: patch (r, s) is token r·g + s, its pixels row-major
    Var patches = F.reshape(F.permute(F.reshape(x, n, g, p, g, p), 0, 1, 3, 2, 4), n, g * g, p * p);
    Var h = patchEmbed.forward(patches); // [N, g², C]
    if (cls != null) {
      Var tok = F.mul(x.tape().input(Tensor.full(1f, n, 1, 1)), cls.on(x.tape())); // [N, 1, C]
      h = F.concat(1, tok, h); // [N, T', C]
    }
    h = F.add(h, pos.on(x.tape()));
    if (embDrop != null) h = embDrop.forward(h);
    for (EncoderBlock b : blocks) h = b.forward(h);
    h = lnF.forward(h);
    Var pooled = cls != null ? F.reshape(F.slice(h, 1, 0, 1), n, c) : F.mean(h, 1, false); // [N, C]
    return head.forward(pooled);
  }

  /** Container that names blocks "0", "1", ... under "blocks". */
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
