package dev.fivefold.perception.fusion;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.Activation;
import dev.fivefold.nn.Linear;
import dev.fivefold.nn.Module;
import dev.fivefold.nn.Sequential;
import dev.fivefold.perception.clip.Clip;
import dev.fivefold.perception.clip.TextEncoder;
import dev.fivefold.tensor.Rng;

/**
 * Late fusion: each modality encoded alone — the image by CLIP's convolutional tower
 * ({@link Clip#imageTower}, 16 and 32 channels, width C), the question by a {@link TextEncoder}
 * (width C) — and only the two embeddings combined: z = [u, v, u ⊙ v] [N, 3C] → Linear(3C, C) →
 * ReLU → Linear(C, 2). The product term lets the head compare the two without learning it.
 */
public final class LateFusion extends Module implements FusionModel {
  private final Sequential image;
  private final TextEncoder text;
  private final Sequential head;

  /**
   * A late-fusion model, weights drawn from {@code new Rng(seed)}.
   *
   * @param vocab question ids in use, &ge; 3
   * @param context T, ids per question
   * @param width C, both encoders' width
   * @param layers the text encoder's blocks
   * @param heads the text encoder's heads, dividing C
   * @param seed the weights' seed
   */
  public LateFusion(int vocab, int context, int width, int layers, int heads, long seed) {
    Rng rng = new Rng(seed);
    image = child("image", Clip.imageTower(16, 32, width, rng));
    text = child("text", new TextEncoder(vocab, context, width, layers, heads, 2 * width, rng));
    head = child("head", new Sequential().add("fc1", new Linear(3 * width, width, rng)).add("relu", Activation.relu()).add("fc2", new Linear(width, 2, rng)));
  }

  @Override
  public int context() {
    return text.context();
  }

  @Override
  public Var logits(Var images, int[] ids, int n) {
    Var u = image.forward(F.reshape(images, n, 1, 28, 28)); // [N, C]
    Var v = text.encode(images.tape(), ids, n); // [N, C]
    return head.forward(F.concat(1, u, v, F.mul(u, v))); // [N, 2]
  }

  @Override
  public Var forward(Var x) {
    throw new UnsupportedOperationException("LateFusion takes an image and a question: use logits(images, ids, n)");
  }
}
