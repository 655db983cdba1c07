package dev.fivefold.perception.fusion;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.caption.CharVocabulary;
import dev.fivefold.nn.Embedding;
import dev.fivefold.nn.EncoderBlock;
import dev.fivefold.nn.Init;
import dev.fivefold.nn.LayerNorm;
import dev.fivefold.nn.Linear;
import dev.fivefold.nn.Module;
import dev.fivefold.nn.Parameter;
import dev.fivefold.perception.explain.Heatmap;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Early fusion: the question's characters and the image's patches in one Transformer, so every layer
 * can attend across modalities (the single-stream design of VisualBERT / ViLT).
 *
 * <p>Sequence [N, T + 16, C]: the T question ids (class token first, {@link CharVocabulary}) embedded
 * (tok_embed, N(0, 0.02²)) plus text positions txt_pos [T, C]; then the 16 non-overlapping 7×7
 * patches (row-major, as {@link dev.fivefold.perception.Vit}) through patch_embed Linear(49, C) plus
 * img_pos [16, C]. L pre-norm {@link EncoderBlock}s whose attention hides the question's padding
 * keys, ln_f, and head Linear(C, 2) on the class token.
 *
 * <p>{@link #crossModal}: after a forward, how much the class token (or any question position)
 * attends to each image patch, per layer, averaged over heads: the cross-modal attention map.
 */
public final class EarlyFusion extends Module implements FusionModel {
  /** Patch side and patches per image (a 4×4 grid of 7×7 patches). */
  public static final int PATCH = 7, GRID = 4, PATCHES = GRID * GRID;

  private final int context, width;
  private final Embedding tok;
  private final Parameter txtPos, imgPos;
  private final Linear patchEmbed;
  private final List<EncoderBlock> blocks = new ArrayList<>();
  private final LayerNorm lnF;
  private final Linear head;

  /**
   * An early-fusion model, weights drawn from {@code new Rng(seed)}.
   *
   * @param vocab question ids in use, &ge; 3
   * @param context T, ids per question, &ge; 2
   * @param width C, &ge; 1
   * @param layers Transformer blocks, &ge; 1
   * @param heads attention heads, dividing C
   * @param seed the weights' seed
   * @throws IllegalArgumentException if a size is out of range
   */
  public EarlyFusion(int vocab, int context, int width, int layers, int heads, long seed) {
    if (vocab < 3) throw new IllegalArgumentException("vocab (" + vocab + ") must be >= 3");
    if (context < 2) throw new IllegalArgumentException("context (" + context + ") must be >= 2");
    if (layers < 1) throw new IllegalArgumentException("layers (" + layers + ") must be >= 1");
    if (heads < 1 || width % heads != 0) throw new IllegalArgumentException("heads (" + heads + ") must divide width (" + width + ")");
    Rng rng = new Rng(seed);
    this.context = context;
    this.width = width;
    tok = child("tok_embed", new Embedding(vocab, width, 0.02f, rng));
    txtPos = parameter("txt_pos", Init.normal(rng, 0.02f, context, width)).noDecay();
    patchEmbed = child("patch_embed", new Linear(PATCH * PATCH, width, rng));
    imgPos = parameter("img_pos", Init.normal(rng, 0.02f, PATCHES, width)).noDecay();
    Blocks h = child("blocks", new Blocks());
    for (int i = 0; i < layers; i++) blocks.add(h.add(i, new EncoderBlock(width, heads, 2 * width, rng)));
    lnF = child("ln_f", new LayerNorm(width));
    head = child("head", new Linear(width, 2, rng));
  }

  @Override
  public int context() {
    return context;
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
  public Var logits(Var images, int[] ids, int n) {
    if (ids.length < n * context) throw new IllegalArgumentException("ids (" + ids.length + ") must hold n (" + n + ") × context (" + context + ")");
    var tape = images.tape();
    Var text = F.add(tok.lookup(tape, ids, n, context), txtPos.on(tape)); // [N, T, C]
    // [N, 4, 7, 4, 7] -> [N, 4, 4, 7, 7] -> [N, 16, 49]
    Var patches = F.reshape(F.permute(F.reshape(images, n, GRID, PATCH, GRID, PATCH), 0, 1, 3, 2, 4), n, PATCHES, PATCH * PATCH);
    Var img = F.add(patchEmbed.forward(patches), imgPos.on(tape)); // [N, 16, C]
    Var h = F.concat(1, text, img); // [N, T + 16, C]
    int s = context + PATCHES;
    boolean[] visible = new boolean[n * s];
    for (int b = 0; b < n; b++) {
      for (int j = 0; j < context; j++) visible[b * s + j] = ids[b * context + j] != CharVocabulary.PAD;
      for (int j = context; j < s; j++) visible[b * s + j] = true;
    }
    for (EncoderBlock blk : blocks) h = blk.forward(h, visible);
    h = lnF.forward(h);
    return head.forward(F.reshape(F.slice(h, 1, 0, 1), n, width)); // [N, 2]
  }

  /**
   * The attention of question position {@code from} (0: the class token) of sample {@code b} in the
   * last forward to the 16 patches in layer {@code layer}, averaged over heads, as a 4×4 map
   * (rows of patches). Valid until the forward's tape is reset.
   *
   * @param b the batch row
   * @param layer the block
   * @param from the attending question position, in [0, T) (0: the class token)
   * @return a 4×4 map
   * @throws IllegalArgumentException if {@code from} is out of range
   */
  public Heatmap crossModal(int b, int layer, int from) {
    if (from < 0 || from >= context) throw new IllegalArgumentException("from (" + from + ") must be in [0, " + context + ")");
    Tensor p = blocks.get(layer).attention().lastAttentionMap(); // [B, H, S, S]
    if (p == null) throw new IllegalStateException("no forward yet");
    int heads = p.dim(1), s = p.dim(2);
    float[] out = new float[PATCHES];
    float[] d = p.data();
    for (int h = 0; h < heads; h++) {
      int row = ((b * heads + h) * s + from) * s;
      for (int j = 0; j < PATCHES; j++) out[j] += d[row + context + j] / heads;
    }
    return new Heatmap(GRID, GRID, out);
  }

  @Override
  public Var forward(Var x) {
    throw new UnsupportedOperationException("EarlyFusion takes an image and a question: use logits(images, ids, n)");
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
