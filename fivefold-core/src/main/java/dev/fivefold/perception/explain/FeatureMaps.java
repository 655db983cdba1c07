package dev.fivefold.perception.explain;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.nn.Conv2d;
import dev.fivefold.nn.ForwardHook;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The feature maps a CNN computes for some images: the output [N, K, h, w] of chosen direct
 * children of the model, seen through a {@link ForwardHook} as its forward runs them (Zeiler &amp;
 * Fergus 2014 look at them layer by layer). {@link GradCam#spatialLayers} lists the layers that
 * have them; the default is every child that is a {@link Conv2d}.
 */
public final class FeatureMaps {
  private FeatureMaps() {}

  /**
   * The direct children that are convolutions, in forward order: the default layers to show.
   *
   * @param model the model
   * @return the names of its top-level convolutions, possibly empty
   */
  public static List<String> defaultLayers(Module model) {
    List<String> out = new ArrayList<>();
    Map<String, Module> all = model.namedModules();
    for (String name : GradCam.spatialLayers(model).keySet()) if (all.get(name) instanceof Conv2d) out.add(name);
    return out;
  }

  /**
   * The outputs of {@code layers} on the images {@code x} (copies, [N, K, h, w] each), in the order
   * asked for; one forward on an inference tape in eval mode.
   *
   * @throws IllegalArgumentException naming a layer that is not a spatial layer of the model, and listing those that are
   * @param model the model
   * @param x the images {@code [N, ...]}
   * @param layers names of spatial layers of the model
   * @return per layer its output {@code [N, K, h, w]}, in the order given
   */
  public static Map<String, Tensor> capture(Module model, Tensor x, List<String> layers) {
    Probe p = new Probe(model);
    int n = p.count(x);
    Map<String, int[]> spatial = GradCam.spatialLayers(model);
    for (String l : layers) {
      if (!spatial.containsKey(l)) throw new IllegalArgumentException("layer (" + l + ") is not a spatial layer of " + model.getClass().getSimpleName() + "; one of " + spatial.keySet());
    }
    Map<String, Tensor> seen = new LinkedHashMap<>();
    boolean training = model.isTraining();
    model.eval();
    Tape tape = Tape.inference();
    try (ForwardHook.Handle h = model.hook((name, m, o) -> {
      if (layers.contains(name) && !seen.containsKey(name)) seen.put(name, o.value().copy());
    })) {
      model.forward(tape.input(p.batch(x.data(), 0, n)));
    } finally {
      tape.reset();
      if (training) model.train();
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (String l : layers) out.put(l, seen.get(l));
    return out;
  }

  /**
   * Channel {@code k} of image {@code i} of a captured [N, K, h, w] map.
   *
   * @param maps a captured {@code [N, K, h, w]} tensor
   * @param i the image, in [0, N)
   * @param k the channel, in [0, K)
   * @return an h × w map (a copy)
   */
  public static Heatmap channel(Tensor maps, int i, int k) {
    int h = maps.dim(2), w = maps.dim(3), off = (i * maps.dim(1) + k) * h * w;
    return new Heatmap(h, w, java.util.Arrays.copyOfRange(maps.data(), off, off + h * w));
  }
}
