package dev.fivefold.perception.generate;

import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.GptConfig;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.VecOps;
import java.util.Map;
import java.util.function.Function;

/**
 * A GPT run one position at a time, without the tape: {@link #step} feeds one token at the next
 * position and returns the logits there, each block attending to the keys and values cached for
 * the earlier positions ({@link KvCache}), so a token costs one row of work (≈ 2 multiply-adds per
 * weight plus 2·L·n·C for attention over n positions) instead of the whole context.
 *
 * <p>Per position t with token x: h = wte[x] + wpe[t]; for each block: a = ln_1(h);
 * [q k v] = c_attn(a); cache (k, v) at t; h = h + c_proj(attend(q)); h = h + mlp.c_proj(gelu(mlp.c_fc(ln_2(h))));
 * logits = lm_head(ln_f(h)). Dropout is off (inference).
 *
 * <p>With float32 weights ({@link #of(Gpt)}) and the float32 cache, every operation is the one the
 * training forward ({@link Gpt#forward}) applies to that row, in the same order (layer norm, the
 * {@link dev.fivefold.tensor.kernel.VecOps} GELU and exponential, Gemm's fma chains via
 * {@link dev.fivefold.tensor.kernel.MatVec}), so the logits at every position are bit-identical to
 * the full forward's over the same tokens (for a forward of two or more positions, context &lt; 8192;
 * see MatVec for the one-row case). Positions are learned absolute embeddings, so a position's
 * keys depend on where it sits: the cache holds positions 0..n−1 of one window and is never rolled
 * ({@link Generator} recomputes on a slide).
 *
 * <p>Not thread-safe: one decoder per thread; its buffers are reused, so {@link #step}'s result is
 * valid until the next call.
 */
public final class Decoder {
  /** LayerNorm's epsilon in the GPT (nn.LayerNorm's default). */
  static final float EPS = 1e-5f;

  private final GptConfig cfg;
  private final float[] wte, wpe, lnFw, lnFb;
  private final Block[] blocks;
  private final RowLinear head;
  private final KvCache cache;
  private final float[] x, a, qkv, att, proj, fc, logits;
  private int length;

  private record Block(float[] ln1w, float[] ln1b, RowLinear cAttn, RowLinear cProj, float[] ln2w, float[] ln2b, RowLinear fc, RowLinear proj) {}

  /**
   * A decoder over {@code tensors} (the GPT's state dict names: embeddings and layer-norm
   * parameters, as float32) and {@code linears} (by module name, e.g. "h.0.attn.c_attn",
   * "lm_head"), with the cache {@code cache}.
   *
   * @param cfg the model's shape
   * @param tensors the float32 parameters by name ({@code wte.weight}, {@code h.0.ln_1.weight}, …)
   * @param linears the linear maps by module name, in their generation form
   * @param cache the KV cache, of the model's shape
   */
  public Decoder(GptConfig cfg, Function<String, Tensor> tensors, Function<String, RowLinear> linears, KvCache cache) {
    this.cfg = cfg;
    int c = cfg.width();
    wte = data(tensors, "wte.weight", cfg.vocab() * c);
    wpe = data(tensors, "wpe.weight", cfg.context() * c);
    blocks = new Block[cfg.layers()];
    for (int i = 0; i < blocks.length; i++) {
      String p = "h." + i + ".";
      blocks[i] = new Block(data(tensors, p + "ln_1.weight", c), data(tensors, p + "ln_1.bias", c),
          linear(linears, p + "attn.c_attn", c, 3 * c), linear(linears, p + "attn.c_proj", c, c),
          data(tensors, p + "ln_2.weight", c), data(tensors, p + "ln_2.bias", c),
          linear(linears, p + "mlp.c_fc", c, 4 * c), linear(linears, p + "mlp.c_proj", 4 * c, c));
    }
    lnFw = data(tensors, "ln_f.weight", c);
    lnFb = data(tensors, "ln_f.bias", c);
    head = linear(linears, "lm_head", c, cfg.vocab());
    if (cache.capacity() != cfg.context()) throw new IllegalArgumentException("KV cache capacity (" + cache.capacity() + ") must equal the context (" + cfg.context() + ")");
    this.cache = cache;
    x = new float[c];
    a = new float[c];
    qkv = new float[3 * c];
    att = new float[c];
    proj = new float[c];
    fc = new float[4 * c];
    logits = new float[cfg.vocab()];
  }

  /**
   * The float32 decoder of a GPT (weights copied into panels; later changes to the model are not seen).
   *
   * @param gpt the model
   * @return a decoder with float32 weights and cache
   */
  public static Decoder of(Gpt gpt) {
    return of(gpt, 0);
  }

  /**
   * The float32 weights of {@code gpt} with a float32 cache ({@code kvBits} 0) or an int8/int4 one.
   *
   * @param gpt the model
   * @param kvBits 0 or 32 (float32), 8 or 4
   * @return the decoder
   */
  public static Decoder of(Gpt gpt, int kvBits) {
    Map<String, Tensor> sd = gpt.stateDict();
    return new Decoder(gpt.config(), sd::get, name -> RowLinear.dense(sd.get(name + ".weight"), sd.get(name + ".bias")), cache(gpt.config(), kvBits));
  }

  /**
   * A float32 cache ({@code kvBits} 0) or an int8 / int4 one for a model of shape {@code cfg}.
   *
   * @param cfg the model's shape
   * @param kvBits 0 or 32 (float32), 8 or 4
   * @return an empty cache of the model's context
   */
  public static KvCache cache(GptConfig cfg, int kvBits) {
    int hs = cfg.width() / cfg.heads();
    if (kvBits == 0 || kvBits == 32) return KvCache.float32(cfg.layers(), cfg.heads(), hs, cfg.context());
    return KvCache.quantized(kvBits, cfg.layers(), cfg.heads(), hs, cfg.context());
  }

  private static float[] data(Function<String, Tensor> tensors, String name, int size) {
    Tensor t = tensors.apply(name);
    if (t == null) throw new IllegalArgumentException("GPT weights: no tensor " + name);
    if (t.size() != size) throw new IllegalArgumentException("GPT weights: " + name + " " + t.shape() + " has " + t.size() + " elements, expected " + size);
    return t.data();
  }

  private static RowLinear linear(Function<String, RowLinear> linears, String name, int in, int out) {
    RowLinear l = linears.apply(name);
    if (l == null) throw new IllegalArgumentException("GPT weights: no linear " + name);
    if (l.in() != in || l.out() != out) throw new IllegalArgumentException("GPT weights: " + name + " is [" + l.out() + ", " + l.in() + "], expected [" + out + ", " + in + "]");
    return l;
  }

  /**
   * The model's shape.
   *
   * @return the config
   */
  public GptConfig config() {
    return cfg;
  }

  /**
   * Positions held (the next token goes to position {@link #length()}).
   *
   * @return the positions fed since the last reset, in [0, context]
   */
  public int length() {
    return length;
  }

  /** Forgets every position. */
  public void reset() {
    length = 0;
  }

  /**
   * Bytes of the weights in their generation form (linear maps as stored, embeddings and norms float32).
   *
   * @return the bytes
   */
  public long weightBytes() {
    long b = 4L * (wte.length + wpe.length + lnFw.length + lnFb.length) + head.weightBytes();
    for (Block k : blocks) {
      b += 4L * (k.ln1w.length * 4L) + k.cAttn.weightBytes() + k.cProj.weightBytes() + k.fc.weightBytes() + k.proj.weightBytes();
      b += 4L * (k.cAttn.out() + k.cProj.out() + k.fc.out() + k.proj.out());
    }
    return b;
  }

  /**
   * Bytes of the KV cache at full context.
   *
   * @return the bytes
   */
  public long cacheBytes() {
    return cache.bytes();
  }

  /**
   * Feeds {@code token} at position {@link #length()} and returns the logits [V] there (a buffer
   * reused by the next call).
   *
   * @throws IllegalStateException when the context is full ({@link #reset()} first)
   * @throws IllegalArgumentException for a token outside [0, vocab)
   * @param token the token id, in [0, vocab)
   * @return the V logits of the next token
   */
  public float[] step(int token) {
    if (token < 0 || token >= cfg.vocab()) throw new IllegalArgumentException("token (" + token + ") must be in [0, " + cfg.vocab() + ")");
    if (length >= cfg.context()) throw new IllegalStateException("context full (" + cfg.context() + " positions): reset() first");
    int c = cfg.width(), pos = length;
    for (int i = 0; i < c; i++) x[i] = wte[token * c + i] + wpe[pos * c + i];
    for (int l = 0; l < blocks.length; l++) {
      Block b = blocks[l];
      layerNorm(x, b.ln1w, b.ln1b, a);
      b.cAttn.apply(a, 0, qkv, 0);
      cache.put(l, pos, qkv, c, 2 * c);
      cache.attend(l, pos + 1, qkv, 0, att, 0);
      b.cProj.apply(att, 0, proj, 0);
      for (int i = 0; i < c; i++) x[i] = x[i] + proj[i];
      layerNorm(x, b.ln2w, b.ln2b, a);
      b.fc.apply(a, 0, fc, 0);
      VecOps.gelu(fc, 0, fc, 0, fc.length);
      b.proj.apply(fc, 0, proj, 0);
      for (int i = 0; i < c; i++) x[i] = x[i] + proj[i];
    }
    layerNorm(x, lnFw, lnFb, a);
    head.apply(a, 0, logits, 0);
    length++;
    return logits;
  }

  /** y = (x − mean)·rstd·w + b over one row, the training forward's layer norm expression for expression. */
  static void layerNorm(float[] xs, float[] w, float[] b, float[] y) {
    int c = xs.length;
    float mean = 0;
    for (int j = 0; j < c; j++) mean += xs[j];
    mean /= c;
    float var = 0;
    for (int j = 0; j < c; j++) {
      float d = xs[j] - mean;
      var += d * d;
    }
    var /= c;
    float rstd = (float) (1.0 / Math.sqrt(var + EPS));
    for (int j = 0; j < c; j++) y[j] = (xs[j] - mean) * rstd * w[j] + b[j];
  }
}
