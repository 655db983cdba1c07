package dev.fivefold.compress.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.compress.quant.QuantConfig.Granularity;
import dev.fivefold.compress.quant.QuantConfig.Method;
import dev.fivefold.compress.quant.QuantConfig.Scheme;
import dev.fivefold.io.SafeTensors;
import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.GptConfig;
import dev.fivefold.perception.LoadedModel;
import dev.fivefold.perception.generate.Decoder;
import dev.fivefold.perception.generate.RowLinear;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuantizationTest {
  @TempDir Path tmp;

  static float[] gaussian(SplittableRandom r, int n, double std) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      double u = r.nextDouble(), v = r.nextDouble();
      a[i] = (float) (std * Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v));
    }
    return a;
  }

  static List<QuantConfig> configs() {
    List<QuantConfig> out = new ArrayList<>();
    for (int bits : new int[] {8, 4}) for (Scheme s : Scheme.values()) for (Granularity g : Granularity.values()) out.add(QuantConfig.of(bits, s, g, 32, Method.RTN));
    return out;
  }

  @Test
  void rtnRoundTripErrorIsAtMostHalfAStep() {
    SplittableRandom r = new SplittableRandom(1);
    int rows = 24, cols = 96;
    float[] w = gaussian(r, rows * cols, 0.05);
    for (QuantConfig c : configs()) {
      QuantizedMatrix q = Rtn.quantize(w, rows, cols, c);
      float[] d = q.dequantize().data();
      for (int i = 0; i < w.length; i++) {
        int row = i / cols, grp = (i % cols) / q.groupSize();
        float s = q.scales()[row * q.groups() + grp];
        assertTrue(Math.abs(w[i] - d[i]) <= s / 2 * 1.0001f, c + " at " + i + ": " + w[i] + " vs " + d[i] + " step " + s);
      }
    }
    // finer grids lose less: int8 < int4, group < channel < tensor
    double e8 = PostTrainingQuantization.mse(w, Rtn.quantize(w, rows, cols, QuantConfig.of(8, Scheme.SYMMETRIC, Granularity.CHANNEL, 32, Method.RTN)).dequantize().data());
    double e4c = PostTrainingQuantization.mse(w, Rtn.quantize(w, rows, cols, QuantConfig.of(4, Scheme.SYMMETRIC, Granularity.CHANNEL, 32, Method.RTN)).dequantize().data());
    double e4g = PostTrainingQuantization.mse(w, Rtn.quantize(w, rows, cols, QuantConfig.of(4, Scheme.SYMMETRIC, Granularity.GROUP, 32, Method.RTN)).dequantize().data());
    double e4t = PostTrainingQuantization.mse(w, Rtn.quantize(w, rows, cols, QuantConfig.of(4, Scheme.SYMMETRIC, Granularity.TENSOR, 32, Method.RTN)).dequantize().data());
    assertTrue(e8 < e4g && e4g < e4c && e4c < e4t, e8 + " " + e4g + " " + e4c + " " + e4t);
  }

  /** ‖(W − Ŵ)X‖² / n for inputs X [n, cols]. */
  static double outputError(float[] w, float[] wq, int rows, int cols, float[] x, int n) {
    double s = 0;
    for (int k = 0; k < n; k++) for (int r = 0; r < rows; r++) {
      double d = 0;
      for (int c = 0; c < cols; c++) d += (w[r * cols + c] - wq[r * cols + c]) * x[k * cols + c];
      s += d * d;
    }
    return s / n;
  }

  @Test
  void gptqWithIdentityHessianIsRtnAndWithCorrelatedInputsBeatsIt() {
    SplittableRandom r = new SplittableRandom(2);
    int rows = 32, cols = 64, n = 512;
    float[] w = gaussian(r, rows * cols, 0.1);
    // H = I (no damping): no error to propagate, GPTQ is RTN exactly
    double[] eye = new double[cols * cols];
    for (int i = 0; i < cols; i++) eye[i * cols + i] = 1;
    for (Granularity g : new Granularity[] {Granularity.CHANNEL, Granularity.TENSOR}) {
      QuantConfig c = new QuantConfig(4, Scheme.SYMMETRIC, g, 32, Method.GPTQ, false, false, 0);
      assertEquals(Rtn.quantize(w, rows, cols, c), Gptq.quantize(w, rows, cols, eye, c), g.toString());
    }
    // correlated inputs: x = A·z with a random mixing A
    float[] a = gaussian(r, cols * cols, 1), z = gaussian(r, n * cols, 1), x = new float[n * cols];
    for (int k = 0; k < n; k++) for (int i = 0; i < cols; i++) {
      float s = 0;
      for (int j = 0; j < cols; j++) s += a[i * cols + j] * z[k * cols + j] * (j < 8 ? 1f : 0.1f);
      x[k * cols + i] = s;
    }
    double[] h = new double[cols * cols];
    for (int k = 0; k < n; k++) for (int i = 0; i < cols; i++) for (int j = 0; j < cols; j++) h[i * cols + j] += 2.0 * x[k * cols + i] * x[k * cols + j] / n;
    for (QuantConfig base : List.of(QuantConfig.of(4, Scheme.SYMMETRIC, Granularity.GROUP, 32, Method.GPTQ), QuantConfig.of(4, Scheme.AFFINE, Granularity.CHANNEL, 32, Method.GPTQ),
        QuantConfig.of(8, Scheme.SYMMETRIC, Granularity.CHANNEL, 32, Method.GPTQ))) {
      double rtn = outputError(w, Rtn.quantize(w, rows, cols, base).dequantize().data(), rows, cols, x, n);
      double gptq = outputError(w, Gptq.quantize(w, rows, cols, h, base).dequantize().data(), rows, cols, x, n);
      assertTrue(gptq < 0.7 * rtn, base + ": GPTQ output error " + gptq + " not well below RTN's " + rtn);
    }
  }

  @Test
  void choleskyOfInverse() {
    int n = 5;
    double[] h = new double[n * n];
    SplittableRandom r = new SplittableRandom(4);
    double[] m = new double[n * n];
    for (int i = 0; i < m.length; i++) m[i] = r.nextDouble(-1, 1);
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) {
      for (int k = 0; k < n; k++) h[i * n + j] += m[i * n + k] * m[j * n + k];
      if (i == j) h[i * n + j] += 0.5;
    }
    float[] u = Gptq.upperCholeskyOfInverse(h, n);
    // (UᵀU)·H = I
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) {
      double s = 0;
      for (int k = 0; k < n; k++) {
        double inv = 0;
        for (int l = 0; l < n; l++) inv += u[l * n + i] * u[l * n + k];
        s += inv * h[k * n + j];
      }
      assertEquals(i == j ? 1 : 0, s, 1e-4);
      if (j < i) assertEquals(0f, u[i * n + j]);
    }
  }

  @Test
  void rowLinearMatchesTheDequantisedWeight() {
    SplittableRandom r = new SplittableRandom(5);
    int rows = 70, cols = 128;
    float[] w = gaussian(r, rows * cols, 0.05), x = gaussian(r, cols, 1);
    Tensor bias = Tensor.of(gaussian(r, rows, 0.1), rows);
    for (QuantConfig c : configs()) {
      QuantizedMatrix q = Rtn.quantize(w, rows, cols, c);
      float[] want = new float[rows], got = new float[rows];
      RowLinear.dense(q.dequantize(), bias).apply(x, 0, want, 0);
      RowLinear ql = q.rowLinear(bias);
      ql.apply(x, 0, got, 0);
      for (int j = 0; j < rows; j++) assertEquals(want[j], got[j], 1e-4, c + " row " + j);
      assertTrue(ql.weightBytes() < 4L * rows * cols * c.bits() / 16, c + ": " + ql.weightBytes());
    }
  }

  @Test
  void checkpointRoundTripIsExactWithIntegerDtypes() throws Exception {
    GptConfig cfg = new GptConfig(11, 16, 1, 2, 64, 0f);
    Gpt g = new Gpt(cfg, 3);
    LoadedModel lm = new LoadedModel(tmp.resolve("src"), g, cfg.toString(), Map.of("model", cfg.toString(), "vocab", "00", "step", "5"));
    for (QuantConfig c : configs()) {
      QuantConfig full = new QuantConfig(c.bits(), c.scheme(), c.granularity(), c.groupSize(), c.method(), true, true, 0.01);
      PostTrainingQuantization.Result res = PostTrainingQuantization.run(lm, new PostTrainingQuantization.Config(full, List.of()));
      assertEquals(4 + 3, res.tensors().size());
      Path f = tmp.resolve("q" + c.bits() + c.scheme() + c.granularity() + ".safetensors");
      res.checkpoint().write(f);
      assertTrue(QuantizedCheckpoint.isQuantized(f));
      QuantizedCheckpoint back = QuantizedCheckpoint.read(f);
      assertEquals(res.checkpoint().quantized(), back.quantized(), c.toString());
      assertEquals(res.checkpoint().floats().keySet(), back.floats().keySet());
      assertTrue(!back.metadata().containsKey("step"));
      String header = new String(Files.readAllBytes(f), 0, 4000, java.nio.charset.StandardCharsets.ISO_8859_1);
      assertTrue(header.contains(c.bits() == 8 && c.scheme() == Scheme.SYMMETRIC ? "\"I8\"" : "\"U8\""), header);
      long fileBytes = Files.size(f);
      assertTrue(fileBytes < res.floatBytes() * (c.bits() == 8 ? 0.4 : 0.3) + 4000, c + ": file " + fileBytes + " vs float " + res.floatBytes());
      // loads for eval: the dequantised model computes what a float model with those weights computes
      Gpt dq = back.load(f).as(Gpt.class, "gpt");
      Decoder d = back.decoder(0), ref = Decoder.of(dq);
      for (int t : new int[] {1, 2, 3, 4}) {
        float[] a = d.step(t).clone(), b = ref.step(t);
        for (int j = 0; j < a.length; j++) assertEquals(b[j], a[j], 1e-3, c + " token " + t);
      }
    }
  }

  @Test
  void badInput() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> QuantConfig.of(3, Scheme.SYMMETRIC, Granularity.CHANNEL, 32, Method.RTN));
    assertThrows(IllegalArgumentException.class, () -> QuantConfig.of(4, Scheme.SYMMETRIC, Granularity.GROUP, 33, Method.RTN));
    GptConfig cfg = new GptConfig(11, 16, 1, 2, 48, 0f);
    Gpt g = new Gpt(cfg, 3);
    LoadedModel lm = new LoadedModel(tmp.resolve("src"), g, cfg.toString(), Map.of("model", cfg.toString()));
    var e = assertThrows(IllegalArgumentException.class, () -> PostTrainingQuantization.run(lm, new PostTrainingQuantization.Config(QuantConfig.of(8, Scheme.SYMMETRIC, Granularity.GROUP, 32, Method.RTN), List.of())));
    assertTrue(e.getMessage().contains("(32)") && e.getMessage().contains("h.0.attn.c_attn.weight") && e.getMessage().contains("48"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new PostTrainingQuantization.Config(QuantConfig.of(4, Scheme.SYMMETRIC, Granularity.CHANNEL, 32, Method.GPTQ), List.of()));
    var c = assertThrows(IllegalArgumentException.class, () -> Calibration.hessians(g, List.of(new int[17])));
    assertTrue(c.getMessage().contains("17"), c.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Calibration.hessians(g, List.of(new int[] {11})));
    assertThrows(IllegalArgumentException.class, () -> Calibration.hessians(g, List.of()));
    // a plain checkpoint is not a quantized one
    Path plain = tmp.resolve("plain.safetensors");
    SafeTensors.write(plain, Map.of("model.x", Tensor.zeros(2)), Map.of("model", cfg.toString()));
    assertTrue(!QuantizedCheckpoint.isQuantized(plain));
  }

  @Test
  void gptqOnAGptRunsFromCalibrationText() {
    GptConfig cfg = new GptConfig(11, 16, 2, 2, 32, 0f);
    Gpt g = new Gpt(cfg, 3);
    Rng rng = new Rng(2);
    List<int[]> calib = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int[] s = new int[16];
      for (int k = 0; k < s.length; k++) s[k] = (int) (rng.nextDouble() * 11);
      calib.add(s);
    }
    Map<String, double[]> h = Calibration.hessians(g, calib);
    assertEquals(List.of("h.0.attn.c_attn", "h.0.attn.c_proj", "h.0.mlp.c_fc", "h.0.mlp.c_proj", "h.1.attn.c_attn", "h.1.attn.c_proj", "h.1.mlp.c_fc", "h.1.mlp.c_proj", "lm_head"), new ArrayList<>(h.keySet()));
    double[] h0 = h.get("h.0.mlp.c_proj");
    assertEquals(128 * 128, h0.length);
    for (int i = 0; i < 128; i++) assertTrue(h0[i * 128 + i] >= 0);
    LoadedModel lm = new LoadedModel(Path.of("x"), g, cfg.toString(), Map.of());
    var res = PostTrainingQuantization.run(lm, new PostTrainingQuantization.Config(QuantConfig.of(4, Scheme.SYMMETRIC, Granularity.GROUP, 32, Method.GPTQ), calib));
    assertEquals(8, res.tensors().size());
  }
}
