package dev.fivefold.perception.explain;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.nn.EncoderBlock;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.Vit;
import dev.fivefold.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The attention probabilities of a {@link Vit} on some images: per layer [N, H, T, T], row i the
 * distribution of token i's attention over the T tokens (the class token first when the model has
 * one, then the (28/P)² patches row-major). {@link #headMap} reads what the output looks at from
 * one head: the class token's row over the patches, or for a mean-pool model the mean of the
 * patch rows (the pooled output is the mean of the tokens); {@link #rollout} combines the layers
 * (Abnar &amp; Zuidema 2020).
 *
 * @param layers per layer, probabilities [N, H, T, T] (copies)
 * @param images N
 * @param heads H
 * @param tokens T
 * @param classToken whether token 0 is a class token
 * @param grid patches per side, (28/P)
 */
public record AttentionMaps(List<float[]> layers, int images, int heads, int tokens, boolean classToken, int grid) {
  /**
   * Copies {@code layers} and checks every layer's length against {@code [images, heads, tokens, tokens]}.
   *
   * @throws IllegalArgumentException if {@code tokens} is not grid² (+1 with a class token) or a layer has the
   *     wrong
   *     length
   */
  public AttentionMaps {
    layers = List.copyOf(layers);
    if (tokens != grid * grid + (classToken ? 1 : 0)) throw new IllegalArgumentException("tokens (" + tokens + ") must be grid² (+1 with a class token)");
    for (float[] l : layers) {
      if (l.length != images * heads * tokens * tokens) throw new IllegalArgumentException("layer probabilities must be [N, H, T, T]");
    }
  }

  /**
   * Runs {@code model} on the images {@code x} [N, 1, 28, 28] (an inference tape, eval mode) and
   * keeps each block's attention probabilities.
   *
   * @throws IllegalArgumentException if the model is not a ViT (it has no attention)
   * @param model a {@link Vit}
   * @param x the images {@code [N, 1, 28, 28]}
   * @return every block's attention probabilities for the N images
   */
  public static AttentionMaps of(Module model, Tensor x) {
    if (!(model instanceof Vit vit)) {
      throw new IllegalArgumentException("attention maps need a vit; " + model.getClass().getSimpleName() + " has no attention");
    }
    Probe p = new Probe(model);
    int n = p.count(x);
    Vit.Spec s = vit.spec();
    List<float[]> layers = new ArrayList<>();
    boolean training = model.isTraining();
    model.eval();
    Tape tape = Tape.inference();
    try {
      model.forward(tape.input(p.batch(x.data(), 0, n)));
      for (EncoderBlock b : vit.blocks()) layers.add(b.attention().lastAttentionMap().data().clone());
    } finally {
      tape.reset();
      if (training) model.train();
    }
    return new AttentionMaps(layers, n, s.heads(), s.tokens(), !s.meanPool(), Vit.SIDE / s.patch());
  }

  /**
   * Attention of image {@code image}, layer {@code layer}, head {@code head}, as a [T, T] row-stochastic matrix (a copy).
   *
   * @param image the image, in [0, N)
   * @param layer the block, in [0, L)
   * @param head the head, in [0, H)
   * @return T·T floats, row-major
   */
  public float[] matrix(int image, int layer, int head) {
    int tt = tokens * tokens;
    float[] out = new float[tt];
    System.arraycopy(layers.get(layer), (image * heads + head) * tt, out, 0, tt);
    return out;
  }

  /**
   * What the output attends to in one head: the class token's row over the patches (or the mean patch row), on the grid × grid patches.
   *
   * @param image the image, in [0, N)
   * @param layer the block, in [0, L)
   * @param head the head, in [0, H)
   * @return a grid × grid map
   */
  public Heatmap headMap(int image, int layer, int head) {
    return outputRow(matrix(image, layer, head), tokens, classToken, grid);
  }

  /**
   * Attention rollout of one image over all layers ({@link AttentionRollout}), read as {@link #headMap} reads one head.
   *
   * @param image the image, in [0, N)
   * @return a grid × grid map
   */
  public Heatmap rollout(int image) {
    List<float[]> per = new ArrayList<>();
    for (int l = 0; l < layers.size(); l++) {
      float[][] hs = new float[heads][];
      for (int h = 0; h < heads; h++) hs[h] = matrix(image, l, h);
      per.add(AttentionRollout.meanOfHeads(hs, tokens));
    }
    return outputRow(AttentionRollout.rollout(per, tokens), tokens, classToken, grid);
  }

  /** Row 0 without its first entry (class token), or the mean of all rows (mean pool), as a grid × grid map. */
  static Heatmap outputRow(float[] a, int t, boolean classToken, int grid) {
    float[] out = new float[grid * grid];
    if (classToken) {
      System.arraycopy(a, 1, out, 0, grid * grid);
    } else {
      for (int i = 0; i < t; i++) for (int j = 0; j < t; j++) out[j] += a[i * t + j] / t;
    }
    return new Heatmap(grid, grid, out);
  }
}
