package dev.fivefold.perception.explain;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.nn.ForwardHook;
import dev.fivefold.nn.Module;
import dev.fivefold.nn.Pool2d;
import dev.fivefold.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Grad-CAM (Selvaraju et al. 2017, eq. 1–2) on a convolutional feature map A [K, h, w] of a
 * classifier: the weight of channel k is the spatial mean of the target logit's gradient,
 * α_k = (1/hw) Σ_ij ∂y_c/∂A_k(i, j), and the map is ReLU(Σ_k α_k A_k), h × w (upsample it with
 * {@link Heatmap#upsample} to overlay it on the image).
 *
 * <p>The feature map is the output of one direct child of the model as its forward runs it (a
 * {@link ForwardHook}), so any {@link dev.fivefold.perception.ImageClassifier} whose forward runs
 * its layers through {@code Module.run} works: LeNet-5, a residual CNN. The default layer
 * ({@link #defaultLayer}) is the paper's "last convolutional layer": the last child whose output is
 * a spatial map [N, K, h, w] larger than 1 × 1 and that is not a pooling layer (for LeNet-5 relu2,
 * conv2's rectified output, 8 × 8). A map with no positive evidence is all 0.
 */
public final class GradCam {
  private GradCam() {}

  /**
   * Grad-CAM maps at {@code layer}'s resolution for each image of {@code x} and its target class; {@code layer} null: {@link #defaultLayer}.
   *
   * @param model a CNN classifier
   * @param x the images {@code [N, ...]}
   * @param targets the class of each image to explain
   * @param layer the convolutional layer's name, or null
   * @return one map per image
   */
  public static Heatmap[] compute(Module model, Tensor x, int[] targets, String layer) {
    Probe p = new Probe(model);
    int n = p.count(x);
    p.checkTargets(targets, n);
    String name = layer != null ? layer : defaultLayer(model);
    if (!spatialLayers(model).containsKey(name)) {
      throw new IllegalArgumentException("layer (" + name + ") is not a spatial layer of " + model.getClass().getSimpleName() + "; one of " + spatialLayers(model).keySet());
    }
    Heatmap[] out = new Heatmap[n];
    for (int s = 0; s < n; s += Saliency.CHUNK) {
      int m = Math.min(Saliency.CHUNK, n - s);
      Probe.Gradients g = p.gradients(java.util.Arrays.copyOfRange(x.data(), s * p.features, (s + m) * p.features), m,
          java.util.Arrays.copyOfRange(targets, s, s + m), name);
      Tensor a = g.layerOutput(); // [m, K, h, w]
      int k = a.dim(1), h = a.dim(2), w = a.dim(3), hw = h * w;
      float[] av = a.data(), gv = g.layerGradient();
      for (int i = 0; i < m; i++) {
        float[] cam = new float[hw];
        for (int c = 0; c < k; c++) {
          int off = (i * k + c) * hw;
          double alpha = 0;
          for (int q = 0; q < hw; q++) alpha += gv[off + q];
          alpha /= hw;
          for (int q = 0; q < hw; q++) cam[q] += (float) (alpha * av[off + q]);
        }
        for (int q = 0; q < hw; q++) cam[q] = Math.max(0f, cam[q]);
        out[s + i] = new Heatmap(h, w, cam);
      }
    }
    return out;
  }

  /**
   * The direct children of {@code model} whose output is a spatial map [N, K, h, w], with that
   * output's {K, h, w}, in the order the forward runs them (one probe forward of a zero image on
   * an inference tape). Empty for a model without convolutional maps (an MLP, a ViT).
   *
   * @param model the model
   * @return layer names to output shapes {K, h, w}, in forward order
   */
  public static Map<String, int[]> spatialLayers(Module model) {
    Probe p = new Probe(model);
    Map<String, int[]> out = new LinkedHashMap<>();
    boolean training = model.isTraining();
    model.eval();
    Tape tape = Tape.inference();
    try (ForwardHook.Handle h = model.hook((name, m, o) -> {
      if (o.shape().rank() == 4 && !out.containsKey(name)) {
        out.put(name, new int[] {o.shape().dim(1), o.shape().dim(2), o.shape().dim(3)});
      }
    })) {
      model.forward(tape.input(p.batch(new float[p.features], 0, 1)));
    } finally {
      if (training) model.train();
    }
    return out;
  }

  /**
   * The last direct child with a spatial output larger than 1 × 1 that is not a {@link Pool2d}
   * (for LeNet-5, relu2).
   *
   * @throws IllegalArgumentException if the model has none (not a CNN)
   * @param model a CNN
   * @return the layer's name
   */
  public static String defaultLayer(Module model) {
    Map<String, Module> children = new LinkedHashMap<>();
    for (var e : model.namedModules().entrySet()) if (!e.getKey().isEmpty() && !e.getKey().contains(".")) children.put(e.getKey(), e.getValue());
    String last = null;
    for (var e : spatialLayers(model).entrySet()) {
      int[] s = e.getValue();
      if (s[1] * s[2] > 1 && !(children.get(e.getKey()) instanceof Pool2d)) last = e.getKey();
    }
    if (last == null) {
      throw new IllegalArgumentException("grad-cam needs a convolutional feature map; " + model.getClass().getSimpleName() + " has none (use a CNN such as lenet5)");
    }
    return last;
  }
}
