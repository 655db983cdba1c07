package dev.fivefold.perception.explain;

import dev.fivefold.nn.Module;
import dev.fivefold.perception.Vit;
import dev.fivefold.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The attribution methods, each a map of "where the model looks" per image and target class:
 * gradient, gradient × input, SmoothGrad ({@link Saliency}), occlusion ({@link Occlusion}) for any
 * image classifier; Grad-CAM ({@link GradCam}) for a CNN; attention rollout
 * ({@link AttentionMaps#rollout}) for a ViT (its maps do not depend on the class).
 */
public enum Method {
  /** |∂y_c/∂x| ({@link Saliency#gradient}). */
  GRADIENT("gradient"),
  /** |Σ_channels x ⊙ ∂y_c/∂x| ({@link Saliency#gradientTimesInput}). */
  GRADIENT_X_INPUT("gradxinput"),
  /** The gradient map averaged over noisy copies ({@link Saliency#smoothGrad}). */
  SMOOTHGRAD("smoothgrad"),
  /** Gradient-weighted class activation maps of a convolutional layer ({@link GradCam}). */
  GRAD_CAM("gradcam"),
  /** The drop in the target's probability as a square patch is covered ({@link Occlusion}). */
  OCCLUSION("occlusion"),
  /** Attention rollout over a ViT's layers ({@link AttentionMaps#rollout}). */
  ROLLOUT("rollout");

  private final String label;

  Method(String label) {
    this.label = label;
  }

  /**
   * The name on the command line: gradient, gradxinput, smoothgrad, gradcam, occlusion, rollout.
   *
   * @return the label
   */
  public String label() {
    return label;
  }

  @Override
  public String toString() {
    return label;
  }

  /**
   * The method named {@code name} (case-insensitive; also grad-cam, grad×input spelled gradient-x-input).
   *
   * @param name the method's name
   * @return the method
   * @throws IllegalArgumentException if no method has that name
   */
  public static Method parse(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    for (Method m : values()) if (m.label.equals(n)) return m;
    if (n.equals("gradientxinput") || n.equals("gradinput")) return GRADIENT_X_INPUT;
    throw new IllegalArgumentException("method (" + name + ") must be one of " + Arrays.stream(values()).map(Method::label).collect(Collectors.joining(", ")));
  }

  /**
   * Whether it applies to {@code model}: rollout needs a ViT, Grad-CAM a convolutional feature map, the rest any image classifier.
   *
   * @param model the model
   * @return true if this method can explain it
   */
  public boolean appliesTo(Module model) {
    return switch (this) {
      case ROLLOUT -> model instanceof Vit;
      case GRAD_CAM -> GradCam.spatialLayers(model).values().stream().anyMatch(s -> s[1] * s[2] > 1);
      default -> true;
    };
  }

  /**
   * Every method that applies to {@code model}, in declaration order.
   *
   * @param model the model
   * @return the methods that apply
   */
  public static List<Method> applicable(Module model) {
    return Arrays.stream(values()).filter(m -> m.appliesTo(model)).toList();
  }

  /**
   * This method's maps of the images {@code x} [N, ...] for their {@code targets}, at the method's
   * own resolution (the image's; Grad-CAM's layer's; rollout's patch grid).
   *
   * @throws IllegalArgumentException if the method does not apply to the model
   * @param model the classifier
   * @param x the images {@code [N, ...]}
   * @param targets the class of each image to explain
   * @param o the methods' settings
   * @return one map per image
   */
  public Heatmap[] maps(Module model, Tensor x, int[] targets, MapOptions o) {
    return switch (this) {
      case GRADIENT -> Saliency.gradient(model, x, targets);
      case GRADIENT_X_INPUT -> Saliency.gradientTimesInput(model, x, targets);
      case SMOOTHGRAD -> Saliency.smoothGrad(model, x, targets, o.smoothSamples(), o.smoothSigma(), o.seed());
      case GRAD_CAM -> GradCam.compute(model, x, targets, o.layer());
      case OCCLUSION -> Occlusion.compute(model, x, targets, o.patch(), o.stride(), o.baseline());
      case ROLLOUT -> {
        AttentionMaps a = AttentionMaps.of(model, x);
        Heatmap[] out = new Heatmap[a.images()];
        for (int i = 0; i < out.length; i++) out[i] = a.rollout(i);
        yield out;
      }
    };
  }
}
