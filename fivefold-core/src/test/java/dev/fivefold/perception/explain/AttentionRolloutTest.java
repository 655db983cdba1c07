package dev.fivefold.perception.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Attention rollout against a hand-computed two-layer example; a ViT's maps are distributions. */
class AttentionRolloutTest {
  @Test
  void twoLayersByHand() {
    // heads of layer 1 average to [[0.5, 0.5], [0.2, 0.8]]; layer 2 is [[1, 0], [0.4, 0.6]]
    float[] l1 = AttentionRollout.meanOfHeads(new float[][] {{0.6f, 0.4f, 0.3f, 0.7f}, {0.4f, 0.6f, 0.1f, 0.9f}}, 2);
    assertArrayEquals(new float[] {0.5f, 0.5f, 0.2f, 0.8f}, l1, 1e-7f);
    float[] l2 = {1f, 0f, 0.4f, 0.6f};
    // Â1 = (A1 + I)/2 = [[0.75, 0.25], [0.1, 0.9]]; Â2 = [[1, 0], [0.2, 0.8]]; R = Â2·Â1 = [[0.75, 0.25], [0.23, 0.77]]
    assertArrayEquals(new float[] {0.75f, 0.25f, 0.23f, 0.77f}, AttentionRollout.rollout(List.of(l1, l2), 2), 1e-6f);
    assertArrayEquals(new float[] {0.75f, 0.25f, 0.1f, 0.9f}, AttentionRollout.rollout(List.of(l1), 2), 1e-7f);
    // rows that do not sum to 1 are renormalised after adding I: [[1, 1], [0, 0]] + I → [[2/3, 1/3], [0, 1]]
    assertArrayEquals(new float[] {2 / 3f, 1 / 3f, 0f, 1f}, AttentionRollout.rollout(List.of(new float[] {1, 1, 0, 0}), 2), 1e-6f);
    // the class token's row without itself; mean pooling: the mean of the rows
    float[] a = {0.1f, 0.2f, 0.3f, 0.4f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    assertArrayEquals(new float[] {0.2f, 0.3f, 0.4f, 0f}, AttentionMaps.outputRow(a, 5, true, 2).values(), 0f);
    float[] pooled = {1, 0, 0, 0, 0, 1, 0, 0, 0.5f, 0.5f, 0, 0, 0, 0, 0, 1};
    assertArrayEquals(new float[] {0.375f, 0.375f, 0f, 0.25f}, AttentionMaps.outputRow(pooled, 4, false, 2).values(), 1e-7f);
  }

  @Test
  void vitMapsAreDistributionsOverThePatches() {
    for (String spec : new String[] {"vit:patch=7,width=8,layers=2,heads=2,mlp=12,pool=cls", "vit:patch=14,width=6,layers=2,heads=3,mlp=5,pool=mean"}) {
      Tensor x = SaliencyTest.images(2, 3);
      AttentionMaps a = AttentionMaps.of(Models.create(spec, 2), x);
      assertEquals(2, a.layers().size());
      int g = a.grid(), t = a.tokens();
      for (int i = 0; i < 2; i++) {
        for (int l = 0; l < 2; l++) {
          for (int h = 0; h < a.heads(); h++) {
            float[] m = a.matrix(i, l, h);
            for (int row = 0; row < t; row++) {
              double s = 0;
              for (int j = 0; j < t; j++) s += m[row * t + j];
              assertEquals(1, s, 1e-5);
            }
            Heatmap hm = a.headMap(i, l, h);
            assertEquals(g, hm.height());
            double s = 0;
            for (float v : hm.values()) s += v;
            assertTrue(a.classToken() ? s < 1 + 1e-5 : Math.abs(s - 1) < 1e-5, spec + ": " + s);
          }
        }
        Heatmap r = a.rollout(i);
        double s = 0;
        for (float v : r.values()) s += v;
        assertTrue(a.classToken() ? s > 0 && s < 1 : Math.abs(s - 1) < 1e-5, spec + ": rollout sums to " + s);
      }
    }
    String msg = assertThrows(IllegalArgumentException.class, () -> AttentionMaps.of(Models.create("lenet5:2-3-8", 1), Tensor.zeros(1, 1, 28, 28))).getMessage();
    assertTrue(msg.contains("attention maps need a vit") && msg.contains("LeNet5 has no attention"), msg);
  }
}
