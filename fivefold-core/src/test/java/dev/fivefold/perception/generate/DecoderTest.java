package dev.fivefold.perception.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.GptConfig;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.kernel.Parallel;
import dev.fivefold.train.LanguageModelTask;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The KV-cache decoder against the oracle it must reproduce: the training forward over the whole
 * sequence. Float32 weights and cache: bit-identical logits at every position.
 */
class DecoderTest {
  static int[] tokens(int n, int vocab, long seed) {
    Rng r = new Rng(seed);
    int[] t = new int[n];
    for (int i = 0; i < n; i++) t[i] = (int) (r.nextDouble() * vocab);
    return t;
  }

  /** Logits [T, V] of the full forward of one sequence. */
  static float[] full(Gpt g, int[] toks) {
    Tape tape = Tape.inference();
    return g.forward(tape, toks, 1, toks.length).data().clone();
  }

  static Gpt model(GptConfig cfg, long seed) {
    Gpt g = new Gpt(cfg, seed);
    g.eval();
    return g;
  }

  @Test
  void everyPositionBitIdenticalToFullForward() {
    // width 128: mlp.c_proj has 512 inputs (two depth blocks); head size 32; context 70 crosses two 32-row blocks
    // width 48, 2 heads: head size 24, not a multiple of the vector length (scalar tails)
    for (GptConfig cfg : new GptConfig[] {new GptConfig(13, 70, 2, 4, 128, 0.1f), new GptConfig(11, 37, 3, 2, 48, 0f)}) {
      Gpt g = model(cfg, 3);
      int[] toks = tokens(cfg.context(), cfg.vocab(), 5);
      float[] want = full(g, toks);
      int threads = Parallel.threads();
      try {
        for (int th : new int[] {1, 2}) {
          Parallel.setThreads(th);
          Decoder d = Decoder.of(g);
          for (int i = 0; i < toks.length; i++) {
            float[] z = d.step(toks[i]);
            for (int j = 0; j < cfg.vocab(); j++) {
              float w = want[i * cfg.vocab() + j];
              if (Float.floatToIntBits(w) != Float.floatToIntBits(z[j])) throw new AssertionError(cfg + " threads " + th + " position " + i + " logit " + j + ": " + z[j] + " != " + w);
            }
          }
          assertThrows(IllegalStateException.class, () -> d.step(0));
        }
      } finally {
        Parallel.setThreads(threads);
      }
    }
  }

  @Test
  void keepContextMinusOneSamplesWhatTheRecomputingSamplerSamples() {
    GptConfig cfg = new GptConfig(17, 24, 2, 2, 32, 0f);
    Gpt g = model(cfg, 9);
    int[] prompt = tokens(5, cfg.vocab(), 2);
    for (double temp : new double[] {0, 0.9}) {
      int[] want = LanguageModelTask.sample(g, prompt, 60, temp, temp == 0 ? 0 : 5, new Rng(4));
      Generator.Result r = Generator.generate(Decoder.of(g), prompt, new Generator.Config(60, temp, temp == 0 ? 0 : 5, cfg.context() - 1), new Rng(4));
      assertArrayEquals(want, r.tokens(), "temperature " + temp);
      assertTrue(r.slides() > 0);
    }
    // a prompt longer than the context: only its last context tokens are fed
    int[] longPrompt = tokens(40, cfg.vocab(), 8);
    assertArrayEquals(LanguageModelTask.sample(g, longPrompt, 10, 0.7, 0, new Rng(1)),
        Generator.generate(Decoder.of(g), longPrompt, new Generator.Config(10, 0.7, 0, cfg.context() - 1), new Rng(1)).tokens());
  }

  @Test
  void slidingWindowRecomputesKeptTokensAtPositionsFromZero() {
    GptConfig cfg = new GptConfig(17, 16, 2, 2, 32, 0f);
    Gpt g = model(cfg, 10);
    int[] prompt = tokens(3, cfg.vocab(), 6);
    int keep = 6, n = 40;
    Generator.Result r = Generator.generate(Decoder.of(g), prompt, new Generator.Config(n, 0, 0, keep), new Rng(0));
    // the oracle: the window is rebuilt from the last `keep` tokens whenever it is full; greedy from full forwards
    int[] seq = Arrays.copyOf(prompt, prompt.length + n);
    int len = prompt.length, from = 0, slides = 0;
    for (int k = 0; k < n; k++) {
      if (len - from > cfg.context()) {
        from = len - 1 - keep;
        slides++;
      }
      int[] w = Arrays.copyOfRange(seq, from, len);
      float[] z = full(g, w.length == 1 ? new int[] {w[0], w[0]} : w);
      int off = (w.length - 1) * cfg.vocab(), best = 0;
      for (int j = 1; j < cfg.vocab(); j++) if (z[off + j] > z[off + best]) best = j;
      seq[len++] = best;
    }
    assertArrayEquals(seq, r.tokens());
    assertEquals(slides, r.slides());
    assertTrue(slides >= 3);
  }

  @Test
  void quantizedCacheStaysCloseToFloat() {
    GptConfig cfg = new GptConfig(13, 40, 2, 2, 64, 0f);
    Gpt g = model(cfg, 12);
    int[] toks = tokens(cfg.context(), cfg.vocab(), 3);
    Decoder f = Decoder.of(g), q8 = Decoder.of(g, 8), q4 = Decoder.of(g, 4);
    double e8 = 0, e4 = 0, scale = 0;
    for (int t : toks) {
      float[] a = f.step(t).clone(), b = q8.step(t), c = q4.step(t);
      for (int j = 0; j < a.length; j++) {
        e8 = Math.max(e8, Math.abs(a[j] - b[j]));
        e4 = Math.max(e4, Math.abs(a[j] - c[j]));
        scale = Math.max(scale, Math.abs(a[j]));
      }
    }
    assertTrue(e8 > 0 && e8 < 0.01 * scale, "int8 KV max error " + e8 + " vs logit scale " + scale);
    assertTrue(e4 > e8 && e4 < 0.2 * scale, "int4 KV max error " + e4 + " vs " + e8);
    assertTrue(q4.cacheBytes() < q8.cacheBytes() && q8.cacheBytes() < f.cacheBytes());
  }

  @Test
  void badInput() {
    GptConfig cfg = new GptConfig(5, 4, 1, 1, 8, 0f);
    Decoder d = Decoder.of(model(cfg, 1));
    assertThrows(IllegalArgumentException.class, () -> d.step(5));
    assertThrows(IllegalArgumentException.class, () -> Generator.generate(d, new int[] {1}, new Generator.Config(3, 0, 0, 4), new Rng(0)));
    assertThrows(IllegalArgumentException.class, () -> new Generator.Config(-1, 0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> Decoder.cache(cfg, 3));
  }
}
