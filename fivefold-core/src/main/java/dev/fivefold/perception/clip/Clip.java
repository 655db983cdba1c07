package dev.fivefold.perception.clip;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.Activation;
import dev.fivefold.nn.Conv2d;
import dev.fivefold.nn.Flatten;
import dev.fivefold.nn.Linear;
import dev.fivefold.nn.Module;
import dev.fivefold.nn.Parameter;
import dev.fivefold.nn.Pool2d;
import dev.fivefold.nn.Sequential;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;

/**
 * A small CLIP (Radford et al. 2021) for 28×28×1 images and short character captions.
 *
 * <ul>
 *   <li>image tower: conv 5×5 (1→c₁, pad 2) → ReLU → max-pool 2 → conv 5×5 (c₁→c₂, pad 2) → ReLU →
 *       max-pool 2 → flatten (49·c₂) → Linear(49·c₂, W) → ReLU, then image_proj Linear(W, E, no bias);</li>
 *   <li>text tower: a {@link TextEncoder} (width C, L blocks, H heads, MLP 2C, context T) reading the
 *       class token, then text_proj Linear(C, E, no bias);</li>
 *   <li>both embeddings L2-normalised ({@link InfoNce#normalize}); logit_scale s [1], initialised to
 *       ln(1/0.07) as in CLIP and clamped to [0, ln 100] before every use ({@link #clampScale}), CLIP's
 *       guard against a temperature below 0.01.</li>
 * </ul>
 *
 * The loss of a batch of pairs is {@link InfoNce#loss}. PyTorch-default Linear and conv inits; the
 * weights come from {@code new Rng(seed)} in the order image tower, text tower, projections.
 */
public final class Clip extends Module {
  /** The clamp on the log-scale: ln 100. */
  public static final float MAX_LOG_SCALE = (float) Math.log(100);

  /**
   * A CLIP model's shape.
   *
   * @param embed E &ge; 1, the shared space's dimension (default 64)
   * @param conv1 c₁ &ge; 1 (default 16)
   * @param conv2 c₂ &ge; 1 (default 32)
   * @param imageWidth W &ge; 1 (default 128)
   * @param textWidth C &ge; 1 (default 64)
   * @param textLayers L &ge; 1 (default 2)
   * @param heads H, dividing C (default 4)
   * @param context T &ge; 2, ids per caption (default 48)
   * @param vocab ids of the caption vocabulary, &ge; 3
   */
  public record Spec(int embed, int conv1, int conv2, int imageWidth, int textWidth, int textLayers, int heads, int context, int vocab) {
    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if a size is below 1, {@code heads} does not divide {@code textWidth},
     *     {@code context < 2} or {@code vocab < 3}
     */
    public Spec {
      positive("embed", embed);
      positive("conv1", conv1);
      positive("conv2", conv2);
      positive("imageWidth", imageWidth);
      positive("textWidth", textWidth);
      positive("textLayers", textLayers);
      if (heads < 1 || textWidth % heads != 0) throw new IllegalArgumentException("heads (" + heads + ") must divide textWidth (" + textWidth + ")");
      if (context < 2) throw new IllegalArgumentException("context (" + context + ") must be >= 2");
      if (vocab < 3) throw new IllegalArgumentException("vocab (" + vocab + ") must be >= 3");
    }

    private static void positive(String k, int v) {
      if (v < 1) throw new IllegalArgumentException(k + " (" + v + ") must be >= 1");
    }

    /**
     * The defaults for a vocabulary of {@code vocab} ids.
     *
     * @param vocab ids of the caption vocabulary, &ge; 3
     * @return E 64, c₁ 16, c₂ 32, image width 128, text width 64, 2 text blocks, 4 heads, context 48
     */
    public static Spec standard(int vocab) {
      return new Spec(64, 16, 32, 128, 64, 2, 4, 48, vocab);
    }
  }

  private final Spec spec;
  private final Sequential image;
  private final TextEncoder text;
  private final Linear imageProj, textProj;
  private final Parameter logitScale;

  /**
   * A CLIP model of shape {@code spec}, weights drawn from {@code new Rng(seed)}; the log-scale starts at
   * log(1/0.07).
   *
   * @param spec the shape
   * @param seed the weights' seed
   */
  public Clip(Spec spec, long seed) {
    this.spec = spec;
    Rng rng = new Rng(seed);
    Sequential im = imageTower(spec.conv1(), spec.conv2(), spec.imageWidth(), rng);
    image = child("image", im);
    text = child("text", new TextEncoder(spec.vocab(), spec.context(), spec.textWidth(), spec.textLayers(), spec.heads(), 2 * spec.textWidth(), rng));
    imageProj = child("image_proj", new Linear(spec.imageWidth(), spec.embed(), false, rng));
    textProj = child("text_proj", new Linear(spec.textWidth(), spec.embed(), false, rng));
    logitScale = parameter("logit_scale", Tensor.of(new float[] {(float) Math.log(1 / 0.07)}, 1)).noDecay();
  }

  /**
   * The model's shape.
   *
   * @return the spec
   */
  public Spec spec() {
    return spec;
  }

  /**
   * The image tower: conv 5×5 (1→c₁, pad 2) → ReLU → max-pool 2 → conv 5×5 (c₁→c₂, pad 2) → ReLU →
   * max-pool 2 → flatten → Linear(49·c₂, W) → ReLU; [N, 1, 28, 28] → [N, W]. Also the image encoder
   * of late fusion ({@code perception.fusion}).
   *
   * @param c1 c₁, the first convolution's channels
   * @param c2 c₂, the second convolution's channels
   * @param width W, the output width
   * @param rng the weights' generator
   * @return the tower, its layers named conv1, relu1, pool1, …
   */
  public static Sequential imageTower(int c1, int c2, int width, Rng rng) {
    Sequential im = new Sequential();
    im.add("conv1", new Conv2d(1, c1, 5, 1, 2, rng));
    im.add("relu1", Activation.relu());
    im.add("pool1", Pool2d.max(2));
    im.add("conv2", new Conv2d(c1, c2, 5, 1, 2, rng));
    im.add("relu2", Activation.relu());
    im.add("pool2", Pool2d.max(2));
    im.add("flatten", new Flatten());
    im.add("fc", new Linear(49 * c2, width, rng));
    im.add("relu3", Activation.relu());
    return im;
  }

  /**
   * The caption encoder (the text tower before its projection).
   *
   * @return the encoder
   */
  public TextEncoder textEncoder() {
    return text;
  }

  /**
   * Unit-norm image embeddings [N, E] of images [N, 1, 28, 28] (or [N, 784]).
   *
   * @param x the images
   * @return the embeddings [N, E]
   * @throws IllegalArgumentException if x does not hold N·784 values
   */
  public Var encodeImages(Var x) {
    int n = x.shape().dim(0);
    if (x.shape().size() != n * 784) throw new IllegalArgumentException("Clip images must be [N, 1, 28, 28], got " + x.shape());
    return InfoNce.normalize(imageProj.forward(image.forward(F.reshape(x, n, 1, 28, 28))));
  }

  /**
   * Unit-norm text embeddings [N, E] of captions {@code ids} ([N, T] row-major, a {@link dev.fivefold.data.caption.CharVocabulary} encoding).
   *
   * @param tape the tape to record on
   * @param ids the captions' ids, at least N·T
   * @param n N, the captions
   * @return the embeddings [N, E]
   */
  public Var encodeTexts(Tape tape, int[] ids, int n) {
    return InfoNce.normalize(textProj.forward(text.encode(tape, ids, n)));
  }

  /**
   * The symmetric InfoNCE loss of matching pairs (images[i], captions[i]); clamps the scale first.
   *
   * @param images the images [N, 1, 28, 28]
   * @param ids their captions' ids [N, T]
   * @return the scalar loss, nats
   */
  public Var loss(Var images, int[] ids) {
    clampScale();
    int n = images.shape().dim(0);
    return InfoNce.loss(encodeImages(images), encodeTexts(images.tape(), ids, n), logitScale.on(images.tape()));
  }

  /** Clamps the log-scale to [0, ln 100] in place (CLIP clamps it after every step). */
  public void clampScale() {
    float[] s = logitScale.value().data();
    s[0] = Math.max(0f, Math.min(MAX_LOG_SCALE, s[0]));
  }

  /**
   * The current scale exp(s) = 1/τ.
   *
   * @return 1/τ = exp(s) (in [1, 100] once clamped)
   */
  public double scale() {
    return Math.exp(logitScale.value().data()[0]);
  }

  /**
   * The learned log-scale s (shape [1]), clamped to [0, ln 100] before each loss.
   *
   * @return the parameter
   */
  public Parameter logitScale() {
    return logitScale;
  }

  @Override
  public Var forward(Var x) {
    return encodeImages(x);
  }
}
