package dev.fivefold.perception.generate;

/**
 * The KV cache quantized per head: each position's key row and value row of each head (hs numbers)
 * is stored as symmetric integers with one float scale, s = max|x| / qmax (qmax = 127 for int8,
 * 7 for int4; a zero row gets s = 1), q = round(x / s) clamped to [−qmax, qmax]. int4 codes are
 * stored two per byte (q + 8, element 2i in the low nibble). Memory per position, layer and head:
 * 2·(hs·bits/8 + 4) bytes instead of 8·hs.
 *
 * <p>Attention dequantises on the fly: s_j = σ^K_j·Σ_p q_p·k_j[p] (the dot in float over the
 * integer codes), the softmax of the float cache, then y = Σ_j (P_j·σ^V_j)·v_j. The rounding error
 * per element is at most s/2 (Jacob et al. 2018, the same uniform quantizer as the weights').
 */
final class QuantizedKvCache implements KvCache {
  private final int bits, layers, heads, hs, cap, qmax, rowBytes;
  private final byte[][] k, v;
  private final float[][] ks, vs;
  private final float[] scores, row;
  private final float scale;

  QuantizedKvCache(int bits, int layers, int heads, int hs, int cap) {
    if (bits != 8 && bits != 4) throw new IllegalArgumentException("KV cache bits (" + bits + ") must be 8 or 4");
    if (layers < 1 || heads < 1 || hs < 1 || cap < 1) throw new IllegalArgumentException("KV cache sizes (layers " + layers + ", heads " + heads + ", head size " + hs + ", capacity " + cap + ") must be >= 1");
    this.bits = bits;
    this.layers = layers;
    this.heads = heads;
    this.hs = hs;
    this.cap = cap;
    this.qmax = bits == 8 ? 127 : 7;
    this.rowBytes = bits == 8 ? hs : (hs + 1) / 2;
    k = new byte[layers * heads][cap * rowBytes];
    v = new byte[layers * heads][cap * rowBytes];
    ks = new float[layers * heads][cap];
    vs = new float[layers * heads][cap];
    scores = new float[cap];
    row = new float[hs];
    scale = (float) (1.0 / Math.sqrt(hs));
  }

  @Override
  public int capacity() {
    return cap;
  }

  @Override
  public long bytes() {
    return 2L * layers * heads * cap * (rowBytes + 4L);
  }

  @Override
  public void put(int layer, int pos, float[] src, int kOff, int vOff) {
    if (pos < 0 || pos >= cap) throw new IllegalArgumentException("position (" + pos + ") must be in [0, " + cap + ")");
    for (int h = 0; h < heads; h++) {
      int lh = layer * heads + h;
      ks[lh][pos] = encode(src, kOff + h * hs, k[lh], pos * rowBytes);
      vs[lh][pos] = encode(src, vOff + h * hs, v[lh], pos * rowBytes);
    }
  }

  /** Quantizes hs values at src[off..] into codes at dst[at..]; returns the scale. */
  private float encode(float[] src, int off, byte[] dst, int at) {
    float max = 0f;
    for (int p = 0; p < hs; p++) max = Math.max(max, Math.abs(src[off + p]));
    float s = max > 0 ? max / qmax : 1f;
    for (int p = 0; p < hs; p++) {
      int q = Math.clamp(Math.round(src[off + p] / s), -qmax, qmax);
      if (bits == 8) dst[at + p] = (byte) q;
      else if ((p & 1) == 0) dst[at + p / 2] = (byte) (q + 8);
      else dst[at + p / 2] |= (byte) ((q + 8) << 4);
    }
    return s;
  }

  /** The integer code of element p of the row at {@code at}. */
  private int code(byte[] b, int at, int p) {
    if (bits == 8) return b[at + p];
    int x = b[at + p / 2] & 0xFF;
    return ((p & 1) == 0 ? x & 0x0F : x >>> 4) - 8;
  }

  @Override
  public void attend(int layer, int n, float[] q, int qOff, float[] y, int yOff) {
    if (n < 1 || n > cap) throw new IllegalArgumentException("positions (" + n + ") must be in [1, " + cap + "]");
    for (int h = 0; h < heads; h++) {
      int lh = layer * heads + h, qo = qOff + h * hs;
      byte[] kk = k[lh], vv = v[lh];
      for (int j = 0; j < n; j++) {
        float dot = 0f;
        int at = j * rowBytes;
        for (int p = 0; p < hs; p++) dot = Math.fma(q[qo + p], code(kk, at, p), dot);
        scores[j] = dot * ks[lh][j];
      }
      FloatKvCache.softmaxPrefix(scores, 0, n, scale);
      java.util.Arrays.fill(row, 0f);
      for (int j = 0; j < n; j++) {
        float w = scores[j] * vs[lh][j];
        int at = j * rowBytes;
        for (int d = 0; d < hs; d++) row[d] = Math.fma(w, code(vv, at, d), row[d]);
      }
      System.arraycopy(row, 0, y, yOff + h * hs, hs);
    }
  }
}
