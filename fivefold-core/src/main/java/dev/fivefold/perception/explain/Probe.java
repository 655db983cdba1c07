package dev.fivefold.perception.explain;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.ForwardHook;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.ImageClassifier;
import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import java.util.Arrays;

/**
 * An image classifier seen from outside: its image geometry (channels × height × width; a flat
 * input of a square number of values is one channel of side √F), its logits, and the gradient of
 * chosen class scores with respect to the input and to one layer's output. Runs the model in eval
 * mode and restores its mode; leaves its parameters' gradient accumulators zero.
 */
final class Probe {
  /** Images per forward of {@link #logits}. */
  static final int CHUNK = 256;

  final Module model;
  final int[] sample;
  final int features, channels, height, width, classes;

  Probe(Module model) {
    if (!(model instanceof ImageClassifier ic)) throw new IllegalArgumentException("model (" + model.getClass().getSimpleName() + ") is not an image classifier");
    this.model = model;
    this.sample = ic.inputShape();
    this.features = ic.features();
    this.classes = ic.classes();
    if (sample.length == 3) {
      channels = sample[0];
      height = sample[1];
      width = sample[2];
    } else {
      int side = (int) Math.round(Math.sqrt(features));
      if (side * side != features) throw new IllegalArgumentException("model input " + Arrays.toString(sample) + " is not an image (C×H×W or a square)");
      channels = 1;
      height = side;
      width = side;
    }
  }

  /** Pixels per channel. */
  int pixels() {
    return height * width;
  }

  /** The number of images in {@code x} (its first dimension), checking it holds whole images. */
  int count(Tensor x) {
    int n = x.rank() == 0 ? 0 : x.dim(0);
    if (x.size() != n * features) throw new IllegalArgumentException("images " + x.shape() + " must be [N, " + Arrays.toString(sample) + "]");
    return n;
  }

  Tensor batch(float[] x, int from, int n) {
    int[] dims = new int[sample.length + 1];
    dims[0] = n;
    System.arraycopy(sample, 0, dims, 1, sample.length);
    return Tensor.wrap(Arrays.copyOfRange(x, from * features, (from + n) * features), Shape.of(dims));
  }

  /** Logits [n · classes] of n images, in chunks on an inference tape. */
  float[] logits(float[] x, int n) {
    float[] out = new float[n * classes];
    boolean training = model.isTraining();
    model.eval();
    Tape tape = Tape.inference();
    try {
      for (int s = 0; s < n; s += CHUNK) {
        int m = Math.min(CHUNK, n - s);
        tape.reset();
        Var z = model.forward(tape.input(batch(x, s, m)));
        System.arraycopy(z.data(), 0, out, s * classes, m * classes);
      }
    } finally {
      if (training) model.train();
    }
    return out;
  }

  /** The arg-max class of each of n images (the first of equal logits). */
  int[] predict(float[] x, int n) {
    return argmax(logits(x, n), n, classes);
  }

  static int[] argmax(float[] z, int n, int c) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int j = 1; j < c; j++) if (z[i * c + j] > z[i * c + best]) best = j;
      out[i] = best;
    }
    return out;
  }

  /** Softmax probabilities [n · classes] of n images. */
  float[] probabilities(float[] x, int n) {
    float[] z = logits(x, n);
    for (int i = 0; i < n; i++) {
      double m = Double.NEGATIVE_INFINITY, s = 0;
      for (int j = 0; j < classes; j++) m = Math.max(m, z[i * classes + j]);
      for (int j = 0; j < classes; j++) s += Math.exp(z[i * classes + j] - m);
      for (int j = 0; j < classes; j++) z[i * classes + j] = (float) (Math.exp(z[i * classes + j] - m) / s);
    }
    return z;
  }

  /**
   * What one backward of the target scores leaves: dy/dx [n · F] and, when a layer was asked for,
   * that layer's output [n, ...] and dy/d(output).
   */
  record Gradients(float[] input, Tensor layerOutput, float[] layerGradient) {}

  /**
   * The gradient of Σᵢ y_{targets[i]}(xᵢ) (the logits, before the softmax) with respect to every
   * input value and, if {@code layer} is not null, to the output of the model's direct child of
   * that name (seen through a {@link ForwardHook}); one backward for the whole batch, so each
   * image's gradient is that of its own score (the models here treat images independently in eval
   * mode).
   */
  Gradients gradients(float[] x, int n, int[] targets, String layer) {
    boolean training = model.isTraining();
    model.eval();
    Tape tape = Tape.training();
    Var[] seen = new Var[1];
    ForwardHook.Handle h = layer == null ? null : model.hook((name, m, out) -> {
      if (name.equals(layer)) seen[0] = out;
    });
    try {
      float[] gx = new float[n * features];
      Var in = tape.parameter(batch(x, 0, n), gx);
      Var z = model.forward(in);
      float[] seed = new float[n * classes];
      for (int i = 0; i < n; i++) seed[i * classes + targets[i]] = 1f;
      tape.backward(z, seed);
      Tensor out = null;
      float[] g = null;
      if (layer != null) {
        if (seen[0] == null) throw new IllegalArgumentException("layer (" + layer + ") did not run in the forward of " + model.getClass().getSimpleName());
        out = seen[0].value().copy();
        Tensor gt = seen[0].grad();
        g = gt == null ? new float[out.size()] : gt.data().clone();
      }
      return new Gradients(gx, out, g);
    } finally {
      if (h != null) h.close();
      model.zeroGrad();
      tape.reset();
      if (training) model.train();
    }
  }

  /** Per-pixel reduction over channels: for one image, {@code f(Σ_c v[c, p])} for each pixel p. */
  Heatmap pixelMap(float[] v, int image, boolean absOfSum) {
    int p = pixels();
    float[] out = new float[p];
    for (int q = 0; q < p; q++) {
      double s = 0, m = 0;
      for (int c = 0; c < channels; c++) {
        float a = v[image * features + c * p + q];
        s += a;
        m = Math.max(m, Math.abs(a));
      }
      out[q] = (float) (absOfSum ? Math.abs(s) : m);
    }
    return new Heatmap(height, width, out);
  }

  /** Checks the target classes: one per image, each in [0, classes). */
  void checkTargets(int[] targets, int n) {
    if (targets.length != n) throw new IllegalArgumentException("targets (" + targets.length + ") must be one per image (" + n + ")");
    for (int t : targets) if (t < 0 || t >= classes) throw new IllegalArgumentException("target class (" + t + ") must be in [0, " + classes + ")");
  }
}
