package dev.fivefold.perception.explain;

import dev.fivefold.nn.Module;
import dev.fivefold.nn.Parameter;
import dev.fivefold.perception.ImageClassifier;
import dev.fivefold.tensor.Tensor;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The model-randomisation test of Adebayo et al. 2018 ("Sanity Checks for Saliency Maps", §3.1):
 * if a map shows what the model learned, it must change when the learned weights are replaced by
 * random ones. The weights of the model's layers ({@link #units}) are re-initialised with the
 * family's own initialisation (a fresh {@code spec().build(seed)}): cascading from the top (the
 * output layer first, then one more layer down at each step, cumulatively; the paper's fig. 2),
 * one layer at a time with the others kept trained (the paper's "independent" randomisation), or
 * all at once; each method's maps of the randomised model are compared with the
 * trained model's by Spearman's rank correlation, averaged over the images (images whose maps are
 * constant, for which ρ is undefined, are left out of the mean; NaN if all are). Each map is
 * compared for the trained model's predicted class. High correlation with random weights means the
 * map does not depend on what was learned (the paper's finding for guided backprop).
 */
public final class SanityCheck {
  private SanityCheck() {}

  /** Cascading from the top layer down; one layer at a time (the others trained); every layer at once. */
  public enum Mode {
    /** Randomise from the top layer down, one more layer each step. */
    CASCADING,
    /** Randomise one layer at a time, the others trained. */
    INDEPENDENT,
    /** Randomise every layer at once, in one step. */
    ALL
  }

  /**
   * One randomisation: the units randomised so far and per method the mean ρ with the trained maps.
   *
   * @param randomised the units whose weights are random in this step, top first
   * @param correlation per method, the mean Spearman ρ over the images
   */
  public record Step(List<String> randomised, Map<Method, Double> correlation) {}

  /**
   * The model's layers as randomisation units, bottom first, in parameter order: each parameter's
   * top-level name ({@code conv1}, {@code fc2}, {@code head}, a top-level tensor such as {@code pos}),
   * with the numbered children of a container kept apart ({@code blocks.0}, {@code blocks.1}).
   *
   * @param model the model
   * @return the unit names, bottom first
   */
  public static List<String> units(Module model) {
    List<String> out = new ArrayList<>();
    for (String name : model.namedParameters().keySet()) {
      String u = unitOf(name);
      if (!out.contains(u)) out.add(u);
    }
    return out;
  }

  static String unitOf(String parameter) {
    String[] parts = parameter.split("\\.");
    if (parts.length >= 3 && parts[1].chars().allMatch(Character::isDigit)) return parts[0] + "." + parts[1];
    return parts[0];
  }

  /**
   * A copy of {@code model} whose {@code randomised} units hold fresh weights of {@code new spec().build(seed)}.
   *
   * @param model an image classifier (unchanged)
   * @param randomised the units to re-initialise
   * @param seed the fresh weights' seed
   * @return the copy
   * @throws IllegalArgumentException if {@code model} is not an image classifier
   */
  public static Module randomised(Module model, List<String> randomised, long seed) {
    if (!(model instanceof ImageClassifier ic)) throw new IllegalArgumentException("model (" + model.getClass().getSimpleName() + ") is not an image classifier");
    Module copy = model.copy();
    Map<String, Parameter> fresh = ic.spec().build(seed).namedParameters();
    for (var e : copy.namedParameters().entrySet()) {
      if (randomised.contains(unitOf(e.getKey()))) e.getValue().value().copyFrom(fresh.get(e.getKey()).value());
    }
    return copy;
  }

  /**
   * Runs the test on the images {@code x}: the trained maps once, then per step the randomised
   * model's maps; {@code log} gets a line per step.
   *
   * @param model the trained classifier
   * @param x the images {@code [N, ...]}
   * @param methods the attribution methods to test
   * @param options the methods' settings
   * @param mode which units each step randomises
   * @param seed the random weights' seed
   * @param log receives a line per step
   * @return one step per randomisation, in order
   */
  public static List<Step> run(Module model, Tensor x, List<Method> methods, MapOptions options, Mode mode, long seed, Consumer<String> log) {
    Probe p = new Probe(model);
    int n = p.count(x);
    int[] targets = p.predict(x.data(), n);
    Map<Method, Heatmap[]> trained = new EnumMap<>(Method.class);
    for (Method m : methods) trained.put(m, m.maps(model, x, targets, options));
    List<String> all = units(model);
    List<List<String>> plan = new ArrayList<>();
    switch (mode) {
      case ALL -> plan.add(all.reversed());
      case INDEPENDENT -> {
        for (String u : all.reversed()) plan.add(List.of(u));
      }
      case CASCADING -> {
        for (int k = 1; k <= all.size(); k++) plan.add(List.copyOf(all.reversed().subList(0, k)));
      }
    }
    List<Step> out = new ArrayList<>();
    for (List<String> units : plan) {
      Module r = randomised(model, units, seed);
      Map<Method, Double> rho = new LinkedHashMap<>();
      for (Method m : methods) rho.put(m, meanCorrelation(trained.get(m), m.maps(r, x, targets, options)));
      out.add(new Step(units, rho));
      log.accept("randomised " + describe(mode, units) + ": " + rho);
    }
    return out;
  }

  /**
   * How a step's randomised units read in a table: "all (N layers)", "fc1 only", "down to fc1".
   *
   * @param mode the test's mode
   * @param randomised the step's randomised units
   * @return the description
   */
  public static String describe(Mode mode, List<String> randomised) {
    return switch (mode) {
      case ALL -> "all (" + randomised.size() + " layers)";
      case INDEPENDENT -> randomised.getFirst() + " only";
      case CASCADING -> "down to " + randomised.getLast();
    };
  }

  /**
   * The mean Spearman ρ of corresponding maps, leaving out the NaNs; NaN if every pair is.
   *
   * @param a maps of the trained model
   * @param b the corresponding maps of the randomised model
   * @return the mean ρ
   * @throws IllegalArgumentException if the map counts differ
   */
  public static double meanCorrelation(Heatmap[] a, Heatmap[] b) {
    if (a.length != b.length) throw new IllegalArgumentException("map counts (" + a.length + ", " + b.length + ") must be equal");
    double s = 0;
    int k = 0;
    for (int i = 0; i < a.length; i++) {
      double r = RankCorrelation.spearman(a[i].values(), b[i].values());
      if (!Double.isNaN(r)) {
        s += r;
        k++;
      }
    }
    return k == 0 ? Double.NaN : s / k;
  }
}
