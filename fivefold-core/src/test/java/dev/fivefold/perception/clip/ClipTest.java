package dev.fivefold.perception.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.Dataset;
import dev.fivefold.data.caption.Captions;
import dev.fivefold.data.caption.CharVocabulary;
import dev.fivefold.io.SafeTensors;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.Trainer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The small CLIP: the InfoNCE loss against PyTorch (fixture infonce, scripts/record_clip_fixtures.py)
 * and finite differences; the temperature clamp; the bound; no tape growth after warm-up; a tiny
 * experiment, reproducible.
 */
class ClipTest {
  /** Loss of raw features through normalize and InfoNCE, on {@code tape}; xs = {img, txt, s}. */
  private static Var loss(Tape tape, Tensor[] xs, float[][] grads) {
    Var img = grads == null ? tape.input(xs[0]) : tape.parameter(xs[0], grads[0]);
    Var txt = grads == null ? tape.input(xs[1]) : tape.parameter(xs[1], grads[1]);
    Var s = grads == null ? tape.input(xs[2]) : tape.parameter(xs[2], grads[2]);
    return InfoNce.loss(InfoNce.normalize(img), InfoNce.normalize(txt), s);
  }

  private static void close(String what, float[] ref, float[] got, double tol) {
    assertEquals(ref.length, got.length, what);
    double scale = 0;
    for (float r : ref) scale = Math.max(scale, Math.abs(r));
    for (int i = 0; i < ref.length; i++) assertEquals(ref[i], got[i], tol * Math.max(scale, 1e-3), what + "[" + i + "]");
  }

  @Test
  void infoNceMatchesTorch() throws Exception {
    var url = ClipTest.class.getResource("/fixtures/infonce.safetensors");
    assertNotNull(url, "fixture infonce");
    var c = SafeTensors.read(Path.of(url.toURI()));
    Tensor[] xs = {c.get("img"), c.get("txt"), c.get("logit_scale")};
    float[][] g = {new float[xs[0].size()], new float[xs[1].size()], new float[1]};
    Tape tape = Tape.training();
    Var l = loss(tape, xs, g);
    close("loss", c.get("output").data(), l.data(), 1e-5);
    tape.backward(l);
    close("grad img", c.get("grad.img").data(), g[0], 1e-5);
    close("grad txt", c.get("grad.txt").data(), g[1], 1e-5);
    close("grad logit_scale", c.get("grad.logit_scale").data(), g[2], 1e-5);
  }

  @Test
  void infoNceGradientsMatchFiniteDifferences() {
    Rng rng = new Rng(5);
    Tensor[] xs = {Tensor.normal(rng, 0, 1, 5, 4), Tensor.normal(rng, 0, 1, 5, 4), Tensor.of(new float[] {1.3f}, 1)};
    float[][] g = {new float[20], new float[20], new float[1]};
    Tape tape = Tape.training();
    tape.backward(loss(tape, xs, g));
    float h = 1e-2f;
    for (int k = 0; k < 3; k++) {
      float[] d = xs[k].data();
      for (int i = 0; i < d.length; i++) {
        float keep = d[i];
        d[i] = keep + h;
        double up = loss(Tape.inference(), xs, null).item();
        d[i] = keep - h;
        double down = loss(Tape.inference(), xs, null).item();
        d[i] = keep;
        double numeric = (up - down) / (2 * h);
        assertEquals(numeric, g[k][i], 2e-3 + 1e-2 * Math.abs(numeric), "input " + k + " element " + i);
      }
    }
  }

  @Test
  void boundIsLogNMinusLossInBits() {
    assertEquals(8.0, InfoNce.ceilingBits(256), 1e-12);
    assertEquals(0.0, InfoNce.boundBits(Math.log(256), 256), 1e-12);
    assertEquals(8.0 - 1 / Math.log(2), InfoNce.boundBits(1.0, 256), 1e-12);
    double[] eye = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    assertEquals(1.0, ClipTask.recall(eye, 3, 1, false));
    assertEquals(1.0, ClipTask.recall(eye, 3, 1, true));
    double[] flat = new double[9];
    assertEquals(0.0, ClipTask.recall(flat, 3, 1, false), "ties count against the match");
    assertEquals(Math.log(3), ClipTask.symmetricLoss(flat, 3, 0, 3, 10.0), 1e-12, "uniform similarities: log N");
  }

  @Test
  void temperatureIsClampedAsInClip() {
    CharVocabulary v = new CharVocabulary("ab");
    Clip m = new Clip(new Clip.Spec(4, 2, 2, 4, 4, 1, 2, 4, v.size()), 1);
    assertEquals(1 / 0.07, m.scale(), 1e-4);
    m.logitScale().value().data()[0] = 9f;
    Tape t = Tape.training();
    m.loss(t.input(Tensor.zeros(2, 1, 28, 28)), new int[] {1, 2, 3, 0, 1, 3, 2, 0});
    assertEquals(100.0, m.scale(), 1e-3);
    m.logitScale().value().data()[0] = -2f;
    m.clampScale();
    assertEquals(1.0, m.scale(), 1e-9);
  }

  private static Dataset images(int n, long seed) {
    Rng rng = new Rng(seed);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = i % 10;
    return new Dataset(Tensor.uniform(rng, 0, 1, n, 1, 28, 28), y, 10);
  }

  @Test
  void trainingStepAllocatesNothingNewAfterWarmUp() {
    Captions captions = Captions.fashionMnist();
    CharVocabulary v = captions.vocabulary();
    Clip m = new Clip(new Clip.Spec(8, 2, 2, 8, 8, 1, 2, 48, v.size()), 1);
    ClipTask task = new ClipTask(m, captions, v, images(48, 1), images(20, 2), 16, 20, 1);
    Trainer t = new Trainer(task, Optimizers.adam(m.parameters(), 1e-3), TrainConfig.epochs(3));
    t.trainStep();
    t.trainStep();
    long before = t.tapeAllocatedBytes();
    for (int i = 0; i < 5; i++) t.trainStep();
    assertEquals(before, t.tapeAllocatedBytes(), "tape allocated new buffers after warm-up");
    Map<String, Double> e = task.evaluate();
    for (String k : new String[] {"accuracy", "i2t_r1", "i2t_r5", "t2i_r1", "t2i_r5"}) assertTrue(e.get(k) >= 0 && e.get(k) <= 1, k + " " + e.get(k));
    assertEquals(Math.log(16) / Math.log(2), e.get("ceiling_bits"), 1e-12);
  }

  @Test
  void tinyExperimentRunsAndIsReproducible() {
    var c = new ClipExperiment.Config(8, 8, 1, 48, 2, 16, 64, 40, 32, 10, 1e-3, 7);
    var a = ClipExperiment.run(c, images(64, 3), images(40, 4), e -> {});
    var b = ClipExperiment.run(c, images(64, 3), images(40, 4), e -> {});
    assertEquals(2, a.epochs().size());
    assertEquals(0L, a.tapeGrowthBytes());
    assertEquals(a.last().trainLoss(), b.last().trainLoss(), "same seed, same loss");
    assertEquals(a.last().zeroShot(), b.last().zeroShot());
    assertArrayEquals(a.projection().x(), b.projection().x());
    assertEquals(20, a.projection().x().length);
    assertTrue(a.last().samplesPerSecond() > 0);
  }
}
