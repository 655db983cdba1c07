package dev.fivefold.info;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.Activation;
import dev.fivefold.nn.Linear;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A fully connected classifier whose every layer output can be read: {@code sizes[0]} inputs,
 * hidden layers {@code sizes[1..L-2]} with one activation, a linear output of {@code sizes[L-1]}
 * logits. Layers are named fc1, fc2, ... (as {@code perception.Mlp}); weights are PyTorch's
 * default initialisation from {@code seed}.
 *
 * <p>{@link #layerOutputs} returns the representations T of the information plane: each hidden
 * layer's activation and, last, the softmax of the logits (the output layer of Shwartz-Ziv &amp;
 * Tishby's figures).
 */
public final class TracedMlp extends Module {
  private final List<Linear> layers = new ArrayList<>();
  private final Activation act;
  private final int[] sizes;

  public TracedMlp(int[] sizes, String activation, long seed) {
    if (sizes.length < 3) throw new IllegalArgumentException("sizes (length " + sizes.length + ") needs input, at least one hidden layer and output");
    this.sizes = sizes.clone();
    this.act = Activation.of(activation);
    Rng rng = new Rng(seed);
    for (int i = 0; i + 1 < sizes.length; i++) layers.add(child("fc" + (i + 1), new Linear(sizes[i], sizes[i + 1], rng)));
  }

  /** Shwartz-Ziv &amp; Tishby's network for {@link SyntheticBits}: 12-10-7-5-4-3-2. */
  public static TracedMlp shwartzZivTishby(String activation, long seed) {
    return new TracedMlp(new int[] {12, 10, 7, 5, 4, 3, 2}, activation, seed);
  }

  public String activation() {
    return act.name();
  }

  public int[] sizes() {
    return sizes.clone();
  }

  public List<Linear> layers() {
    return Collections.unmodifiableList(layers);
  }

  @Override
  public Var forward(Var x) { // [N, in] -> [N, out]
    Var h = x;
    for (int i = 0; i < layers.size(); i++) {
      h = layers.get(i).forward(h);
      if (i + 1 < layers.size()) h = act.forward(h);
    }
    return h;
  }

  /**
   * Every layer's output on {@code x [n, in]}, computed without recording: the hidden activations
   * {@code [n, sizes[i]]} for i = 1..L-2, then the softmax probabilities {@code [n, sizes[L-1]]}.
   */
  public List<float[][]> layerOutputs(Tensor x) {
    Tape tape = Tape.inference();
    List<float[][]> out = new ArrayList<>();
    Var h = tape.input(x);
    for (int i = 0; i < layers.size(); i++) {
      h = layers.get(i).forward(h);
      h = i + 1 < layers.size() ? act.forward(h) : F.softmax(h);
      out.add(rows(h));
    }
    return out;
  }

  private static float[][] rows(Var v) {
    int n = v.shape().dim(0), d = v.shape().dim(1);
    float[] a = v.data();
    float[][] r = new float[n][d];
    for (int i = 0; i < n; i++) System.arraycopy(a, i * d, r[i], 0, d);
    return r;
  }
}
