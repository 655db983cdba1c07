package dev.fivefold.perception.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Upsampling as PyTorch's interpolate(bilinear, align_corners=False); normalisation. */
class HeatmapTest {
  @Test
  void bilinearLikePyTorch() {
    // torch.nn.functional.interpolate(torch.tensor([[[[0., 1.], [2., 3.]]]]), size=(4, 4), mode="bilinear", align_corners=False)
    float[] want = {0, 0.25f, 0.75f, 1, 0.5f, 0.75f, 1.25f, 1.5f, 1.5f, 1.75f, 2.25f, 2.5f, 2, 2.25f, 2.75f, 3};
    assertArrayEquals(want, new Heatmap(2, 2, new float[] {0, 1, 2, 3}).upsample(4, 4).values(), 1e-6f);
    assertArrayEquals(new float[] {5, 5, 5, 5}, new Heatmap(1, 1, new float[] {5}).upsample(2, 2).values(), 0f);
  }

  @Test
  void normalisedAndChecked() {
    assertArrayEquals(new float[] {0, 0.5f, 1}, new Heatmap(1, 3, new float[] {2, 3, 4}).normalised().values(), 0f);
    assertArrayEquals(new float[] {0, 0}, new Heatmap(1, 2, new float[] {7, 7}).normalised().values(), 0f);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new Heatmap(2, 2, new float[3])).getMessage().contains("heatmap values (3) must be height·width (4)"));
  }
}
