package dev.fivefold.perception.explain;

import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.Vit;
import dev.fivefold.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a trained image classifier looks at, and the evidence that the pictures mean something
 * ({@code fivefold explain}): for chosen test images the maps of each attribution {@link Method},
 * the first layer's filters ({@link Filters}), a CNN's feature maps ({@link FeatureMaps}) and a
 * ViT's attention per layer and head ({@link AttentionMaps}); then the deletion curve of each
 * method against a random order ({@link DeletionCurve}) on the first {@code deletionImages} test
 * images, and the model-randomisation sanity check ({@link SanityCheck}) on the first
 * {@code sanityImages}. Maps are of the model's predicted class. Deterministic for a seed.
 */
public final class ExplainExperiment {
  private ExplainExperiment() {}

  /**
   * What to draw and which checks to run.
   *
   * @param images test-set indices of the images to draw (each &ge; 0; checked against the set in {@link #run})
   * @param methods the attribution methods (each must apply to the model: {@link Method#appliesTo}); empty: every applicable one
   * @param options the methods' settings
   * @param featureLayers the CNN layers whose feature maps to keep; null: {@link FeatureMaps#defaultLayers}
   * @param deletionImages test images of the deletion curves, &ge; 0 (0: none)
   * @param deletionSteps steps from 0 to all pixels removed, &ge; 1
   * @param sanityImages test images of the sanity check, &ge; 0 (0: none)
   * @param sanityMode cascading from the top, one layer at a time, or all layers at once
   * @param seed the random deletion order and the randomised weights
   */
  public record Config(int[] images, List<Method> methods, MapOptions options, List<String> featureLayers, int deletionImages, int deletionSteps,
      int sanityImages, SanityCheck.Mode sanityMode, long seed) {
    /**
     * Copies the arrays and lists and validates the components.
     *
     * @throws IllegalArgumentException if an image index is negative, a method repeats, {@code options} or
     *     {@code sanityMode} is null, or a count is out of range
     */
    public Config {
      images = images.clone();
      for (int i : images) if (i < 0) throw new IllegalArgumentException("image index (" + i + ") must be >= 0");
      methods = List.copyOf(methods);
      if (methods.stream().distinct().count() != methods.size()) throw new IllegalArgumentException("methods (" + methods + ") must not repeat");
      if (options == null) throw new IllegalArgumentException("options must not be null");
      if (featureLayers != null) featureLayers = List.copyOf(featureLayers);
      if (deletionImages < 0) throw new IllegalArgumentException("deletionImages (" + deletionImages + ") must be >= 0");
      if (deletionSteps < 1) throw new IllegalArgumentException("deletionSteps (" + deletionSteps + ") must be >= 1");
      if (sanityImages < 0) throw new IllegalArgumentException("sanityImages (" + sanityImages + ") must be >= 0");
      if (sanityMode == null) throw new IllegalArgumentException("sanityMode must not be null");
    }
  }

  /**
   * Everything drawn and measured for one model.
   *
   * @param images the drawn images' indices
   * @param labels their true classes
   * @param predicted the model's classes for them (the maps' target)
   * @param pixels the drawn images themselves, [n, ...]
   * @param methods the methods run
   * @param maps per method, a map per drawn image at the method's resolution
   * @param filters the first layer's pictures [units][channels], or null when it has none
   * @param featureMaps per layer, [n, K, h, w] (empty unless a CNN)
   * @param attention per layer and head (null unless a ViT)
   * @param deletion a curve per method, then the random order's (empty when deletionImages was 0)
   * @param sanity the randomisation steps (empty when sanityImages was 0)
   * @param sanityMode how they randomised
   * @param units the model's randomisation units, bottom first
   */
  public record Result(int[] images, int[] labels, int[] predicted, Tensor pixels, List<Method> methods, Map<Method, Heatmap[]> maps,
      Heatmap[][] filters, Map<String, Tensor> featureMaps, AttentionMaps attention, List<DeletionCurve.Curve> deletion,
      List<SanityCheck.Step> sanity, SanityCheck.Mode sanityMode, List<String> units) {}

  /**
   * Runs everything {@code cfg} asks on {@code model} with the {@code test} images; {@code log}
   * gets a line per stage.
   *
   * @throws IllegalArgumentException for an image index out of range or a method that does not apply
   * @param model the image classifier
   * @param test the test set the images come from
   * @param cfg what to draw and run
   * @param log receives a line per stage
   * @return the maps, pictures, curves and sanity steps
   */
  public static Result run(Module model, Dataset test, Config cfg, Consumer<String> log) {
    for (int i : cfg.images()) {
      if (i >= test.size()) throw new IllegalArgumentException("image index (" + i + ") must be < the test set's size (" + test.size() + ")");
    }
    List<Method> methods = cfg.methods().isEmpty() ? Method.applicable(model) : cfg.methods();
    for (Method m : methods) {
      if (!m.appliesTo(model)) {
        throw new IllegalArgumentException("method (" + m + ") does not apply to " + model.getClass().getSimpleName()
            + (m == Method.ROLLOUT ? " (it has no attention; rollout needs a vit)" : " (it has no convolutional feature map; grad-cam needs a cnn)"));
      }
    }
    Probe p = new Probe(model);
    Dataset chosen = test.subset(cfg.images());
    Tensor x = chosen.x();
    int[] predicted = p.predict(x.data(), chosen.size());
    Map<Method, Heatmap[]> maps = new EnumMap<>(Method.class);
    for (Method m : methods) {
      long t0 = System.nanoTime();
      maps.put(m, m.maps(model, x, predicted, cfg.options()));
      log.accept(String.format(Locale.ROOT, "%s maps of %d images: %.1f s", m, chosen.size(), (System.nanoTime() - t0) / 1e9));
    }
    Heatmap[][] filters;
    try {
      filters = Filters.firstLayer(model);
    } catch (IllegalArgumentException e) {
      filters = null;
    }
    List<String> layers = cfg.featureLayers() != null ? cfg.featureLayers() : FeatureMaps.defaultLayers(model);
    Map<String, Tensor> features = layers.isEmpty() || chosen.size() == 0 ? Map.of() : FeatureMaps.capture(model, x, layers);
    AttentionMaps attention = model instanceof Vit && chosen.size() > 0 ? AttentionMaps.of(model, x) : null;

    List<DeletionCurve.Curve> deletion = new ArrayList<>();
    if (cfg.deletionImages() > 0) {
      Dataset d = test.take(Math.min(cfg.deletionImages(), test.size()));
      int[] pred = p.predict(d.x().data(), d.size());
      for (Method m : methods) {
        long t0 = System.nanoTime();
        DeletionCurve.Curve c = DeletionCurve.of(m.label(), model, d.x(), d.y(), m.maps(model, d.x(), pred, cfg.options()), cfg.deletionSteps(), cfg.options().baseline());
        deletion.add(c);
        log.accept(String.format(Locale.ROOT, "deletion curve of %s on %d images: area %.4f (%.1f s)", m, d.size(), c.area(), (System.nanoTime() - t0) / 1e9));
      }
      DeletionCurve.Curve r = DeletionCurve.random(model, d.x(), d.y(), cfg.deletionSteps(), cfg.options().baseline(), cfg.seed());
      deletion.add(r);
      log.accept(String.format(Locale.ROOT, "deletion curve of a random order: area %.4f", r.area()));
    }
    List<SanityCheck.Step> sanity = cfg.sanityImages() == 0 ? List.of()
        : SanityCheck.run(model, test.take(Math.min(cfg.sanityImages(), test.size())).x(), methods, cfg.options(), cfg.sanityMode(), cfg.seed() + 1, log);
    return new Result(cfg.images(), Arrays.copyOf(chosen.y(), chosen.size()), predicted, x, methods, maps, filters, features, attention, deletion, sanity,
        cfg.sanityMode(), SanityCheck.units(model));
  }
}
