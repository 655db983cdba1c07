package dev.fivefold.perception.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.nn.Module;
import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Spearman's ρ; a model's maps correlate 1 with themselves and less with randomised weights. */
class SanityCheckTest {
  @Test
  void spearman() {
    assertEquals(1, RankCorrelation.spearman(new float[] {1, 2, 3, 4}, new float[] {10, 20, 30, 400}), 1e-12);
    assertEquals(-1, RankCorrelation.spearman(new float[] {1, 2, 3, 4}, new float[] {4, 3, 2, 1}), 1e-12);
    // ties take their mean rank: ranks (1.5, 1.5, 3) and (1, 2, 3): ρ = 0.866…
    assertEquals(Math.sqrt(3) / 2, RankCorrelation.spearman(new float[] {1, 1, 2}, new float[] {1, 2, 3}), 1e-12);
    assertTrue(Double.isNaN(RankCorrelation.spearman(new float[] {1, 1, 1}, new float[] {1, 2, 3})));
    assertTrue(Double.isNaN(RankCorrelation.spearman(new float[] {1, Float.NaN}, new float[] {1, 2})));
  }

  @Test
  void unitsAndRandomisedCopies() {
    Module m = Models.create("lenet5:2-3-8", 1);
    assertEquals(List.of("conv1", "conv2", "fc1", "fc2"), SanityCheck.units(m));
    assertEquals(List.of("cls", "pos", "patch_embed", "blocks.0", "blocks.1", "ln_f", "head"),
        SanityCheck.units(Models.create("vit:patch=7,width=8,layers=2,heads=2,mlp=12", 1)));
    Map<String, Tensor> before = m.stateDict();
    Module r = SanityCheck.randomised(m, List.of("fc2", "conv1"), 5);
    Module fresh = Models.create("lenet5:2-3-8", 5);
    for (var e : r.stateDict().entrySet()) {
      boolean random = e.getKey().startsWith("fc2.") || e.getKey().startsWith("conv1.");
      float[] want = (random ? fresh.stateDict() : before).get(e.getKey()).data();
      assertTrue(java.util.Arrays.equals(want, e.getValue().data()), e.getKey());
      assertTrue(java.util.Arrays.equals(before.get(e.getKey()).data(), m.stateDict().get(e.getKey()).data()), "the original is untouched: " + e.getKey());
    }
  }

  @Test
  void selfCorrelationIsOneAndRandomisedWeightsLower() {
    Module m = Models.create("lenet5:4-6-16", 1);
    Tensor x = SaliencyTest.images(4, 2);
    int[] t = new Probe(m).predict(x.data(), 4);
    for (Method method : List.of(Method.GRADIENT, Method.GRAD_CAM, Method.OCCLUSION)) {
      Heatmap[] a = method.maps(m, x, t, MapOptions.defaults());
      assertEquals(1.0, SanityCheck.meanCorrelation(a, method.maps(m, x, t, MapOptions.defaults())), 1e-12, method.label());
    }
    List<SanityCheck.Step> cascade = SanityCheck.run(m, x, List.of(Method.GRADIENT, Method.OCCLUSION), MapOptions.defaults(), SanityCheck.Mode.CASCADING, 7, s -> {});
    assertEquals(4, cascade.size());
    assertEquals(List.of("fc2"), cascade.getFirst().randomised());
    assertEquals(List.of("fc2", "fc1", "conv2", "conv1"), cascade.getLast().randomised());
    for (SanityCheck.Step s : cascade) for (double rho : s.correlation().values()) assertTrue(rho < 0.95, s.toString());
    List<SanityCheck.Step> all = SanityCheck.run(m, x, List.of(Method.GRADIENT), MapOptions.defaults(), SanityCheck.Mode.ALL, 7, s -> {});
    assertEquals(1, all.size());
    assertEquals(cascade.getLast().correlation().get(Method.GRADIENT), all.getFirst().correlation().get(Method.GRADIENT), 1e-12);
    List<SanityCheck.Step> one = SanityCheck.run(m, x, List.of(Method.GRADIENT), MapOptions.defaults(), SanityCheck.Mode.INDEPENDENT, 7, s -> {});
    assertEquals(List.of(List.of("fc2"), List.of("fc1"), List.of("conv2"), List.of("conv1")), one.stream().map(SanityCheck.Step::randomised).toList());
    // the top layer alone is the first cascading step
    assertEquals(cascade.getFirst().correlation().get(Method.GRADIENT), one.getFirst().correlation().get(Method.GRADIENT), 1e-12);
    assertEquals("fc1 only", SanityCheck.describe(SanityCheck.Mode.INDEPENDENT, List.of("fc1")));
  }
}
