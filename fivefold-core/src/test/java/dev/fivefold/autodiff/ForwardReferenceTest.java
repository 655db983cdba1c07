package dev.fivefold.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The finite-difference check proves each backward is the derivative of its forward; these
 * compare the fused forwards with naive double-precision references, so a wrong forward (mask,
 * scale, padding, constants) cannot hide behind a consistent gradient.
 */
class ForwardReferenceTest {

  static void close(double expected, float actual, String what) {
    assertEquals(expected, actual, 1e-4 * Math.max(1, Math.abs(expected)), what);
  }

  @Test
  void causalAttentionMatchesNaive() {
    int b = 2, c = 8;
    for (int nh : new int[] {1, 2, 4}) for (int t : new int[] {5, 70}) {
      Tensor qkv = Tensor.normal(new Rng(nh), 0f, 1f, b, t, 3 * c);
      Var y = F.causalAttention(Tape.inference().input(qkv), nh);
      int hs = c / nh;
      float[] x = qkv.data();
      for (int bi = 0; bi < b; bi++) {
        for (int h = 0; h < nh; h++) {
          for (int i = 0; i < t; i++) {
            double[] s = new double[i + 1];
            double m = Double.NEGATIVE_INFINITY, z = 0;
            for (int j = 0; j <= i; j++) {
              for (int d = 0; d < hs; d++) s[j] += (double) x[(bi * t + i) * 3 * c + h * hs + d] * x[(bi * t + j) * 3 * c + c + h * hs + d];
              s[j] /= Math.sqrt(hs);
              m = Math.max(m, s[j]);
            }
            for (int j = 0; j <= i; j++) z += Math.exp(s[j] - m);
            for (int d = 0; d < hs; d++) {
              double o = 0;
              for (int j = 0; j <= i; j++) o += Math.exp(s[j] - m) / z * x[(bi * t + j) * 3 * c + 2 * c + h * hs + d];
              close(o, y.value().get(bi, i, h * hs + d), "attention h" + nh + " b" + bi + " t" + i + " d" + (h * hs + d));
            }
          }
        }
      }
    }
  }

  @Test
  void bidirectionalAttentionMatchesNaive() {
    int b = 2, c = 8;
    for (int nh : new int[] {1, 2, 4}) for (int t : new int[] {5, 70}) {
      Tensor qkv = Tensor.normal(new Rng(nh), 0f, 1f, b, t, 3 * c);
      Var y = F.attention(Tape.inference().input(qkv), nh);
      int hs = c / nh;
      float[] x = qkv.data();
      for (int bi = 0; bi < b; bi++) {
        for (int h = 0; h < nh; h++) {
          for (int i = 0; i < t; i++) {
            double[] s = new double[t];
            double m = Double.NEGATIVE_INFINITY, z = 0;
            for (int j = 0; j < t; j++) {
              for (int d = 0; d < hs; d++) s[j] += (double) x[(bi * t + i) * 3 * c + h * hs + d] * x[(bi * t + j) * 3 * c + c + h * hs + d];
              s[j] /= Math.sqrt(hs);
              m = Math.max(m, s[j]);
            }
            for (int j = 0; j < t; j++) z += Math.exp(s[j] - m);
            for (int d = 0; d < hs; d++) {
              double o = 0;
              for (int j = 0; j < t; j++) o += Math.exp(s[j] - m) / z * x[(bi * t + j) * 3 * c + 2 * c + h * hs + d];
              close(o, y.value().get(bi, i, h * hs + d), "bidirectional attention h" + nh + " b" + bi + " t" + i + " d" + (h * hs + d));
            }
          }
        }
      }
      // the probabilities are kept for maps: rows sum to 1, nothing masked
      Tensor p = F.attentionProbabilities(y);
      for (int r = 0; r < b * nh * t; r++) {
        double sum = 0;
        for (int j = 0; j < t; j++) {
          assertTrue(p.data()[r * t + j] > 0, "probability > 0 at row " + r + " col " + j);
          sum += p.data()[r * t + j];
        }
        close(1, (float) sum, "row sum " + r);
      }
    }
  }

  @Test
  void conv2dMatchesNaive() {
    for (int stride : new int[] {1, 2}) {
      for (int pad : new int[] {0, 1, 2}) {
        Rng r = new Rng(stride * 10 + pad);
        Tensor x = Tensor.normal(r, 0f, 1f, 2, 3, 5, 7), w = Tensor.normal(r, 0f, 1f, 4, 3, 2, 3), bias = Tensor.normal(r, 0f, 1f, 4);
        Tape tape = Tape.inference();
        Tensor y = F.conv2d(tape.input(x), tape.input(w), tape.input(bias), stride, pad).value();
        int oh = (5 + 2 * pad - 2) / stride + 1, ow = (7 + 2 * pad - 3) / stride + 1;
        assertEquals(java.util.List.of(2, 4, oh, ow), java.util.Arrays.stream(y.shape().dims()).boxed().toList());
        for (int n = 0; n < 2; n++) for (int o = 0; o < 4; o++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
          double s = bias.data()[o];
          for (int ch = 0; ch < 3; ch++) for (int u = 0; u < 2; u++) for (int v = 0; v < 3; v++) {
            int yy = i * stride + u - pad, xx = j * stride + v - pad;
            if (yy >= 0 && yy < 5 && xx >= 0 && xx < 7) s += (double) w.get(o, ch, u, v) * x.get(n, ch, yy, xx);
          }
          close(s, y.get(n, o, i, j), "conv s" + stride + " p" + pad + " at " + n + "," + o + "," + i + "," + j);
        }
      }
    }
  }

  @Test
  void geluLayerNormCrossEntropyAndPoolsMatchFormulas() {
    Rng r = new Rng(3);
    Tensor x = Tensor.normal(r, 0f, 2f, 4, 6);
    Tape tape = Tape.inference();
    Var vx = tape.input(x);
    float[] g = F.gelu(vx).data(), sm = F.softmax(vx).data(), ls = F.logSoftmax(vx).data();
    for (int i = 0; i < g.length; i++) {
      double z = x.data()[i];
      close(0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z))), g[i], "gelu " + z);
    }
    Tensor w = Tensor.normal(r, 1f, 0.5f, 6), b = Tensor.normal(r, 0f, 0.5f, 6);
    float[] ln = F.layerNorm(vx, tape.input(w), tape.input(b), 1e-5f).data();
    int[] tg = {5, 0, 2, 3};
    double ce = 0;
    for (int row = 0; row < 4; row++) {
      double mean = 0, var = 0, m = Double.NEGATIVE_INFINITY, z = 0;
      for (int j = 0; j < 6; j++) mean += x.get(row, j) / 6.0;
      for (int j = 0; j < 6; j++) var += (x.get(row, j) - mean) * (x.get(row, j) - mean) / 6.0;
      for (int j = 0; j < 6; j++) m = Math.max(m, x.get(row, j));
      for (int j = 0; j < 6; j++) z += Math.exp(x.get(row, j) - m);
      for (int j = 0; j < 6; j++) {
        close((x.get(row, j) - mean) / Math.sqrt(var + 1e-5) * w.data()[j] + b.data()[j], ln[row * 6 + j], "layerNorm");
        close(Math.exp(x.get(row, j) - m) / z, sm[row * 6 + j], "softmax");
        close(x.get(row, j) - m - Math.log(z), ls[row * 6 + j], "logSoftmax");
      }
      ce += (m + Math.log(z) - x.get(row, tg[row])) / 4;
    }
    close(ce, F.crossEntropy(vx, tg).item(), "crossEntropy");
    Tensor img = Tensor.normal(r, 0f, 1f, 1, 2, 5, 5);
    Tensor mp = F.maxPool2d(tape.input(img), 3, 2).value(), ap = F.avgPool2d(tape.input(img), 3, 2).value();
    for (int ch = 0; ch < 2; ch++) for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) {
      double mx = Double.NEGATIVE_INFINITY, s = 0;
      for (int u = 0; u < 3; u++) for (int v = 0; v < 3; v++) {
        mx = Math.max(mx, img.get(0, ch, 2 * i + u, 2 * j + v));
        s += img.get(0, ch, 2 * i + u, 2 * j + v);
      }
      close(mx, mp.get(0, ch, i, j), "maxPool");
      close(s / 9, ap.get(0, ch, i, j), "avgPool");
    }
  }
}
