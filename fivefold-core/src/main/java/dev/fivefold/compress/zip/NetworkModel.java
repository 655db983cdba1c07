package dev.fivefold.compress.zip;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.Parameter;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.GptConfig;
import dev.fivefold.perception.generate.Decoder;
import dev.fivefold.perception.generate.KvCache;
import dev.fivefold.perception.generate.RowLinear;
import dev.fivefold.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;

/**
 * The network predictor: a {@link Gpt} that predicts the next byte of each of B interleaved
 * segments and, in online mode, learns from the bytes as they are coded (NNCP, Bellard 2019).
 *
 * <p>The schedule, the same in the encoder and the decoder. Coding runs in rounds (one byte of
 * every segment per round); K = T/2 rounds make a cycle (T the GPT's context). Within a cycle the
 * weights are frozen and each segment has its own {@link Decoder} (KV cache, one position per
 * byte): the logits after feeding byte t predict byte t+1. At the end of a cycle:
 * <ol>
 *   <li>online mode: one Adam step on the batch of the B segments' last T+1 bytes (inputs the
 *       first T, targets the last T; a segment with fewer bytes sits out), mean cross-entropy;
 *   <li>the decoders are rebuilt on the new weights and each is fed the last T − K bytes of its
 *       segment, so the next prediction again sees between T − K and T − 1 bytes of context.
 * </ol>
 * So every byte costs about two single-position forwards plus, amortised, one row of a batched
 * training step over T positions (each byte is trained on twice, in two overlapping windows).
 *
 * <p>Determinism: the decoder's row kernels and the training step's kernels give results that do
 * not depend on the thread count; they do depend on the SIMD vector width, which the archive
 * records ({@link Header}). The byte distribution is a softmax in double with
 * {@link StrictMath#exp}, floored at 2^-24 per byte, so no byte is impossible.
 *
 * <p>Static mode ({@code train} false): a trained checkpoint whose vocabulary maps tokens to bytes;
 * bytes outside it are fed as token 0 and get only the floor probability.
 */
final class NetworkModel {
  private static final double FLOOR = 1.0 / (1 << 24);
  private final Gpt gpt;
  private final GptConfig cfg;
  private final int window, cycle, segments;
  private final int[] byteToToken;
  private final int[] tokenToByte;
  private final Optimizer opt;
  private final Tape tape;
  private final KvCache[] caches;
  private final Decoder[] decoders;
  private final float[][] logits;
  private final int[][] hist; // last window + 1 tokens per segment, a ring
  private final long[] count;
  private final double[] dist = new double[256];
  private final double[] z;
  private final int[] inputs, targets;
  private long steps;

  /**
   * @param gpt the model (trained in place when {@code lr} &gt; 0)
   * @param symbols byte of each token (length ≤ vocab)
   * @param segments B
   * @param lr Adam learning rate; 0: static (no training)
   */
  NetworkModel(Gpt gpt, byte[] symbols, int segments, double lr) {
    this.gpt = gpt;
    this.cfg = gpt.config();
    this.window = cfg.context();
    this.cycle = Math.max(1, window / 2);
    this.segments = segments;
    tokenToByte = new int[cfg.vocab()];
    byteToToken = new int[256];
    java.util.Arrays.fill(tokenToByte, -1);
    for (int t = 0; t < symbols.length; t++) {
      tokenToByte[t] = symbols[t] & 0xFF;
      byteToToken[symbols[t] & 0xFF] = t;
    }
    opt = lr > 0 ? Optimizers.adam(gpt.parameters(), lr) : null;
    tape = lr > 0 ? Tape.training() : null;
    if (lr > 0) gpt.train();
    else gpt.eval();
    caches = new KvCache[segments];
    decoders = new Decoder[segments];
    logits = new float[segments][];
    hist = new int[segments][window + 1];
    count = new long[segments];
    z = new double[cfg.vocab()];
    inputs = new int[segments * window];
    targets = new int[segments * window];
    for (int s = 0; s < segments; s++) caches[s] = Decoder.cache(cfg, 0);
    rebuild();
  }

  /** Training steps taken. */
  long steps() {
    return steps;
  }

  /**
   * The predicted distribution of the next byte of segment s (256 probabilities summing to 1, a
   * buffer reused by the next call), or null before the segment's first byte.
   */
  double[] distribution(int s) {
    float[] l = logits[s];
    if (l == null) return null;
    int v = cfg.vocab();
    double max = Double.NEGATIVE_INFINITY;
    for (int t = 0; t < v; t++) if (tokenToByte[t] >= 0 && l[t] > max) max = l[t];
    double sum = 0;
    for (int t = 0; t < v; t++) {
      double e = tokenToByte[t] >= 0 ? StrictMath.exp(l[t] - max) : 0;
      z[t] = e;
      sum += e;
    }
    java.util.Arrays.fill(dist, 0);
    double keep = 1 - 256 * FLOOR;
    for (int t = 0; t < v; t++) if (tokenToByte[t] >= 0) dist[tokenToByte[t]] = z[t] / sum * keep;
    for (int b = 0; b < 256; b++) dist[b] += FLOOR;
    return dist;
  }

  /** Byte b of segment s was coded in round r; feeds it unless r ends a cycle. */
  void byteEnd(int s, int b, long round) {
    int tok = byteToToken[b];
    hist[s][(int) (count[s] % (window + 1))] = tok;
    count[s]++;
    if ((round + 1) % cycle != 0) logits[s] = decoders[s].step(tok);
  }

  /** Round r is over (segments that coded a byte in it: {@code active}); at a cycle's end, train and rebuild. */
  void roundEnd(long round, boolean[] active) {
    if ((round + 1) % cycle != 0) return;
    if (opt != null) train(active);
    rebuild();
    int keep = window - cycle;
    for (int s = 0; s < segments; s++) {
      if (!active[s] || count[s] == 0) continue;
      long n = Math.min(count[s], keep);
      float[] l = null;
      for (long i = count[s] - n; i < count[s]; i++) l = decoders[s].step(hist[s][(int) (i % (window + 1))]);
      logits[s] = l;
    }
  }

  private void train(boolean[] active) {
    int rows = 0;
    for (int s = 0; s < segments; s++) {
      if (!active[s] || count[s] < window + 1) continue;
      long from = count[s] - window - 1;
      for (int i = 0; i < window; i++) {
        inputs[rows * window + i] = hist[s][(int) ((from + i) % (window + 1))];
        targets[rows * window + i] = hist[s][(int) ((from + i + 1) % (window + 1))];
      }
      rows++;
    }
    if (rows == 0) return;
    int[] in = rows == segments ? inputs : java.util.Arrays.copyOf(inputs, rows * window);
    int[] tg = rows == segments ? targets : java.util.Arrays.copyOf(targets, rows * window);
    tape.reset();
    Var out = gpt.forward(tape, in, rows, window); // [rows, T, V]
    Var loss = F.crossEntropy(out, tg);
    tape.backward(loss);
    opt.step();
    steps++;
  }

  /** New decoders over the current weights (the linear maps packed once and shared by all segments). */
  private void rebuild() {
    Map<String, Parameter> named = gpt.namedParameters();
    Map<String, RowLinear> linears = new HashMap<>();
    Map<String, Tensor> tensors = new HashMap<>();
    for (var e : named.entrySet()) tensors.put(e.getKey(), e.getValue().value());
    for (var e : named.entrySet()) {
      String k = e.getKey();
      if (k.endsWith(".weight") && e.getValue().value().rank() == 2 && !k.startsWith("wte") && !k.startsWith("wpe")) {
        String m = k.substring(0, k.length() - ".weight".length());
        linears.put(m, RowLinear.dense(e.getValue().value(), tensors.get(m + ".bias")));
      }
    }
    for (int s = 0; s < segments; s++) decoders[s] = new Decoder(cfg, tensors::get, linears::get, caches[s]);
  }
}
