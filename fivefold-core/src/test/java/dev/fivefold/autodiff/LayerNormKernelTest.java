package dev.fivefold.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Parallel;
import org.junit.jupiter.api.Test;

/**
 * Layer norm's sixteen-rows-at-a-time sums against the row-by-row scalar loops they replaced (copied
 * here as the reference): output and the gradients of x, w and b bit for bit, for row counts below,
 * at and around the block and widths below and above the vector, with 1 and 2 threads.
 */
class LayerNormKernelTest {
  /** The scalar forward and backward as they were: returns {y, dx, dw, db}. */
  static float[][] reference(float[] xs, float[] ww, float[] bb, float[] g, int rows, int c, float eps) {
    float[] y = new float[rows * c], gx = new float[rows * c], gw = new float[c], gb = new float[c], stats = new float[2 * rows];
    for (int r = 0; r < rows; r++) {
      int off = r * c;
      float mean = 0;
      for (int j = 0; j < c; j++) mean += xs[off + j];
      mean /= c;
      float var = 0;
      for (int j = 0; j < c; j++) {
        float d = xs[off + j] - mean;
        var += d * d;
      }
      var /= c;
      float rstd = (float) (1.0 / Math.sqrt(var + eps));
      stats[2 * r] = mean;
      stats[2 * r + 1] = rstd;
      for (int j = 0; j < c; j++) y[off + j] = (xs[off + j] - mean) * rstd * ww[j] + bb[j];
    }
    for (int r = 0; r < rows; r++) {
      int off = r * c;
      float mean = stats[2 * r], rstd = stats[2 * r + 1];
      float sg = 0, sgx = 0;
      for (int j = 0; j < c; j++) {
        float gh = g[off + j] * ww[j];
        float xh = (xs[off + j] - mean) * rstd;
        sg += gh;
        sgx += gh * xh;
      }
      sg /= c;
      sgx /= c;
      for (int j = 0; j < c; j++) {
        float gh = g[off + j] * ww[j];
        float xh = (xs[off + j] - mean) * rstd;
        gx[off + j] += rstd * (gh - sg - xh * sgx);
      }
    }
    for (int r = 0; r < rows; r++) {
      int off = r * c;
      float mean = stats[2 * r], rstd = stats[2 * r + 1];
      for (int j = 0; j < c; j++) gw[j] += g[off + j] * (xs[off + j] - mean) * rstd;
    }
    for (int r = 0; r < rows; r++) {
      int off = r * c;
      for (int j = 0; j < c; j++) gb[j] += g[off + j];
    }
    return new float[][] {y, gx, gw, gb};
  }

  @Test
  void blockedSumsAreBitIdenticalToTheRowLoops() {
    int saved = Parallel.threads();
    try {
      for (int c : new int[] {1, 6, 8, 17, 64, 100}) {
        for (int rows : new int[] {1, 15, 16, 17, 33, 64, 97, 400, 2100}) {
          Rng rng = new Rng(rows * 131L + c);
          Tensor x = Tensor.normal(rng, 0.3f, 2f, rows, c), w = Tensor.normal(rng, 1f, 0.5f, c), b = Tensor.normal(rng, 0f, 1f, c);
          Tensor u = Tensor.normal(rng, 0f, 1f, rows, c);
          float[][] ref = reference(x.data(), w.data(), b.data(), u.data(), rows, c, 1e-5f);
          for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            Tape tape = Tape.training();
            float[] gx = new float[x.size()], gw = new float[c], gb = new float[c];
            Var y = F.layerNorm(tape.parameter(x, gx), tape.parameter(w, gw), tape.parameter(b, gb), 1e-5f);
            String what = rows + "x" + c + ", " + threads + " threads";
            assertArrayEquals(ref[0], y.data(), what + " output");
            tape.backward(y, u.data());
            assertArrayEquals(ref[1], gx, what + " dx");
            assertArrayEquals(ref[2], gw, what + " dw");
            assertArrayEquals(ref[3], gb, what + " db");
          }
        }
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }
}
