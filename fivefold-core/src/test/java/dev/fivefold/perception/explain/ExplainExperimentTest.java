package dev.fivefold.perception.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.Models;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The whole experiment on tiny models: what it returns for a CNN and a ViT, and the bad inputs it refuses. */
class ExplainExperimentTest {
  static Dataset data(int n) {
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = i % 10;
    return new Dataset(SaliencyTest.images(n, 4), y, 10);
  }

  static ExplainExperiment.Config config(int[] images, List<Method> methods) {
    return new ExplainExperiment.Config(images, methods, new MapOptions(2, 0.1, 7, 7, 0f, null, 1), null, 6, 4, 3, SanityCheck.Mode.CASCADING, 1);
  }

  @Test
  void cnn() {
    Module m = Models.create("lenet5:3-4-8", 1);
    ExplainExperiment.Result r = ExplainExperiment.run(m, data(12), config(new int[] {5, 0}, List.of()), s -> {});
    assertEquals(List.of(Method.GRADIENT, Method.GRADIENT_X_INPUT, Method.SMOOTHGRAD, Method.GRAD_CAM, Method.OCCLUSION), r.methods());
    assertEquals(5, r.labels()[0]);
    assertEquals(2, r.maps().get(Method.GRADIENT).length);
    assertEquals(28, r.maps().get(Method.OCCLUSION)[1].height());
    assertEquals(8, r.maps().get(Method.GRAD_CAM)[0].height());
    assertEquals(3, r.filters().length);
    assertEquals(5, r.filters()[0][0].width());
    assertEquals(List.of("conv1", "conv2"), List.copyOf(r.featureMaps().keySet()));
    assertEquals(List.of(2, 3, 24, 24), java.util.Arrays.stream(r.featureMaps().get("conv1").shape().dims()).boxed().toList());
    assertNull(r.attention());
    assertEquals(6, r.deletion().size());
    assertEquals("random", r.deletion().getLast().name());
    assertEquals(5, r.deletion().getFirst().accuracy().length);
    assertEquals(4, r.sanity().size());
  }

  @Test
  void vit() {
    Module m = Models.create("vit:patch=7,width=8,layers=2,heads=2,mlp=12", 1);
    ExplainExperiment.Result r = ExplainExperiment.run(m, data(8), config(new int[] {1}, List.of(Method.ROLLOUT, Method.GRADIENT)), s -> {});
    assertNotNull(r.attention());
    assertEquals(4, r.maps().get(Method.ROLLOUT)[0].height());
    assertEquals(8, r.filters().length); // the patch embedding: one 7×7 picture per width
    assertEquals(7, r.filters()[0][0].height());
    assertTrue(r.featureMaps().isEmpty());
    assertEquals(List.of(Method.GRADIENT, Method.GRADIENT_X_INPUT, Method.SMOOTHGRAD, Method.OCCLUSION, Method.ROLLOUT), Method.applicable(m));
    assertEquals(7, r.sanity().size());
  }

  @Test
  void badInputIsOneLineNamingTheValue() {
    Module cnn = Models.create("lenet5:2-3-8", 1), mlp = Models.create("mlp:784-8-10", 1);
    String msg = assertThrows(IllegalArgumentException.class, () -> ExplainExperiment.run(cnn, data(4), config(new int[] {4}, List.of()), s -> {})).getMessage();
    assertTrue(msg.contains("image index (4) must be < the test set's size (4)"), msg);
    msg = assertThrows(IllegalArgumentException.class, () -> ExplainExperiment.run(cnn, data(4), config(new int[] {0}, List.of(Method.ROLLOUT)), s -> {})).getMessage();
    assertTrue(msg.contains("method (rollout) does not apply to LeNet5 (it has no attention"), msg);
    msg = assertThrows(IllegalArgumentException.class, () -> ExplainExperiment.run(mlp, data(4), config(new int[] {0}, List.of(Method.GRAD_CAM)), s -> {})).getMessage();
    assertTrue(msg.contains("method (gradcam) does not apply to Mlp"), msg);
    msg = assertThrows(IllegalArgumentException.class, () -> config(new int[] {-1}, List.of())).getMessage();
    assertTrue(msg.contains("image index (-1) must be >= 0"), msg);
    msg = assertThrows(IllegalArgumentException.class, () -> Method.parse("lime")).getMessage();
    assertTrue(msg.contains("method (lime) must be one of gradient, gradxinput, smoothgrad, gradcam, occlusion, rollout"), msg);
    assertEquals(Method.GRAD_CAM, Method.parse("Grad-CAM"));
    msg = assertThrows(IllegalArgumentException.class, () -> new MapOptions(25, 0.15, 0, 2, 0f, null, 1)).getMessage();
    assertTrue(msg.contains("patch (0) must be >= 1"), msg);
    msg = assertThrows(IllegalArgumentException.class, () -> new MapOptions(25, 0.15, 4, -1, 0f, null, 1)).getMessage();
    assertTrue(msg.contains("stride (-1) must be >= 1"), msg);
    msg = assertThrows(IllegalArgumentException.class, () -> new MapOptions(0, 0.15, 4, 1, 0f, null, 1)).getMessage();
    assertTrue(msg.contains("smoothSamples (0) must be >= 1"), msg);
    // an MLP's filters are its first layer's rows as 28×28 pictures
    assertEquals(28, Filters.firstLayer(mlp)[7][0].height());
  }
}
