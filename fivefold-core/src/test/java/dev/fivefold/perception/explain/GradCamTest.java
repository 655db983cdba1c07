package dev.fivefold.perception.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Grad-CAM against a hand computation on a one-convolution model; the default layer. */
class GradCamTest {
  @Test
  void matchesTheHandComputation() {
    TinyModels.Cnn m = new TinyModels.Cnn(4);
    Rng r = new Rng(2);
    int n = 3;
    float[] x = new float[n * 36];
    for (int i = 0; i < x.length; i++) x[i] = r.nextFloat() * 2 - 1;
    Tensor images = Tensor.of(x, n, 1, 6, 6);
    int[] targets = {0, 2, 1};
    float[] w = m.conv.namedParameters().get("weight").value().data(), b = m.conv.namedParameters().get("bias").value().data();
    float[] fc = m.fc.namedParameters().get("weight").value().data(); // [3, 32]
    assertEquals("relu", GradCam.defaultLayer(m));
    Heatmap[] afterRelu = GradCam.compute(m, images, targets, null), beforeRelu = GradCam.compute(m, images, targets, "conv");
    for (int i = 0; i < n; i++) {
      double[][] a = new double[2][16]; // conv output [2, 4, 4]
      for (int k = 0; k < 2; k++) {
        for (int p = 0; p < 16; p++) {
          double s = b[k];
          for (int dy = 0; dy < 3; dy++) for (int dx = 0; dx < 3; dx++) s += w[k * 9 + dy * 3 + dx] * x[i * 36 + (p / 4 + dy) * 6 + p % 4 + dx];
          a[k][p] = s;
        }
      }
      double[] cam = new double[16], camPre = new double[16];
      for (int k = 0; k < 2; k++) {
        double alpha = 0, alphaPre = 0; // dy_c/dA⁺ = fc[c, k·16 + p]; through the ReLU only where A > 0
        for (int p = 0; p < 16; p++) {
          alpha += fc[targets[i] * 32 + k * 16 + p] / 16.0;
          alphaPre += (a[k][p] > 0 ? fc[targets[i] * 32 + k * 16 + p] : 0) / 16.0;
        }
        for (int p = 0; p < 16; p++) {
          cam[p] += alpha * Math.max(0, a[k][p]);
          camPre[p] += alphaPre * a[k][p];
        }
      }
      assertEquals(4, afterRelu[i].height());
      for (int p = 0; p < 16; p++) {
        assertEquals(Math.max(0, cam[p]), afterRelu[i].values()[p], 1e-5, "image " + i + " cell " + p);
        assertEquals(Math.max(0, camPre[p]), beforeRelu[i].values()[p], 1e-5, "image " + i + " cell " + p + " (conv)");
      }
    }
  }

  @Test
  void defaultLayerIsTheLastConvolutionalMapAndOtherModelsHaveNone() {
    assertEquals("relu2", GradCam.defaultLayer(Models.create("lenet5:2-3-8", 1)));
    assertEquals(List.of("conv1", "relu1", "pool1", "conv2", "relu2", "pool2"), List.copyOf(GradCam.spatialLayers(Models.create("lenet5:2-3-8", 1)).keySet()));
    assertArrayEquals(new int[] {3, 8, 8}, GradCam.spatialLayers(Models.create("lenet5:2-3-8", 1)).get("relu2"));
    for (String s : new String[] {"mlp:784-8-10", "vit:patch=7,width=8,layers=1,heads=2,mlp=12"}) {
      String msg = assertThrows(IllegalArgumentException.class, () -> GradCam.defaultLayer(Models.create(s, 1))).getMessage();
      assertTrue(msg.contains("grad-cam needs a convolutional feature map"), msg);
    }
    String msg = assertThrows(IllegalArgumentException.class,
        () -> GradCam.compute(Models.create("lenet5:2-3-8", 1), Tensor.zeros(1, 1, 28, 28), new int[] {0}, "fc1")).getMessage();
    assertTrue(msg.contains("layer (fc1) is not a spatial layer") && msg.contains("relu2"), msg);
  }
}
