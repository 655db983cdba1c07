package dev.fivefold.compress.zip;

import java.io.IOException;

/**
 * The whole model of the coder: the parts that are switched on give stretched bit predictions,
 * three {@link Mixer}s and a second-layer mixer combine them, three {@link Apm}s refine the result, and the 12-bit probability
 * goes to the arithmetic coder. The encoder and the decoder run this same code; only the
 * {@link BitCoder} differs (it writes the known bit or reads it).
 *
 * <p>Binary decomposition: a byte is coded as 8 bits, most significant first; {@code c0} is the
 * partial byte with a leading 1 (1, 1b, 1bb, …). The network's byte distribution q enters as
 * {@code stretch(Σ q over bytes with prefix c0·1 / Σ q over bytes with prefix c0·0)}, from a tree
 * of partial sums built once per byte, so the mixer sees network and counts on the same footing.
 *
 * <p>Mixer inputs: a bias, an order-0 model (2), then with the context models
 * {@link ContextModels#INPUTS} from {@link ContextModels} and 2 from each of two {@link MatchModel}s
 * (minimum lengths {@value #MATCH_SHORT} and {@value #MATCH_LONG}), then with the network on 2 from
 * it. Mixer 1 selects its weights by c0; mixer 2 by (match length bucket, bit index, network
 * confidence); mixer 3 by the previous byte; mixer 4 by (how many order-n contexts have a history,
 * bit index, the long match's length bucket); a second-layer mixer (selected by c0, the partial
 * byte, learning rate 1, weights starting at 1/4) mixes their four stretched outputs into p (paq8's 2-layer network). APM 1 is indexed by the match state (no match, or expected bit and length
 * bucket) and c0, APM 2 by the previous byte and c0, APM 3 by a 10-bit hash of the last two bytes
 * and c0 (all at rate 1/64); the final probability is {@code (p + a1 + 2·a2 + 4·a3)/8} clamped to
 * [1, 4095]. Rates were chosen on the first 200 KB and 1 MB of the KJV (docs/zip.md; first-layer
 * mixer rate 7, session 11).
 *
 * <p>With both the network and the context models on it also runs a shadow chain (own mixers and
 * APMs) over the inputs without the network's, and a final 3-input mixer (selected by network
 * confidence and bit index) of the full chain and the shadow chain gives 3/4 of the coded
 * probability (the full chain the other 1/4): where the network is still poor (early in a file)
 * the coder falls back on the context models. It also reads the network's own byte probability,
 * so one run measures what each part costs alone ({@link #contextBits()}, {@link #networkBits()}).
 */
final class Predictor {
  private static final int MR = 7, AR = 6, WI = 16384;
  /** Codes one bit with P(1) = p/4096 and returns it (the encoder: the given bit; the decoder: the bit read). */
  interface BitCoder {
    int code(int bit, int p) throws IOException;
  }

  private static final double[] COST = new double[4097];

  static {
    for (int p = 1; p <= 4096; p++) COST[p] = -Math.log(p / 4096.0) / Math.log(2);
    COST[0] = 12;
  }

  private final boolean context;
  private final ContextModels cm;
  private final MatchModel mm, mm2;
  /** Minimum lengths of the two match models. */
  static final int MATCH_SHORT = 6, MATCH_LONG = 16;
  private final NetworkModel net;
  private final int[] order0 = Counters.table(256);
  private final int n, nShadow, netOff;
  private final int[] x;
  private final Mixer m1, m2, m3, m4, s1, s2, s3, s4, mf, sf;
  private final Apm a1, a2, a3, sa1, sa2, sa3;
  private final int[] xm = new int[4];
  private final Mixer fm;
  private final int[] xf = {0, 0, 256};
  private final History[] hist;
  private final double[] tree = new double[512];
  private double bits, contextBits, networkBits;

  Predictor(ZipSettings s, long[] starts, long segmentLength, NetworkModel net) {
    this.context = s.context();
    this.net = net;
    int segs = starts.length;
    cm = context ? new ContextModels(s.tableBits()) : null;
    int window = Integer.highestOneBit((int) Math.max(1 << 12, Math.min(1 << 22, (1L << 24) / segs)));
    mm = context ? new MatchModel(starts, segmentLength, window, Math.min(22, s.tableBits()), MATCH_SHORT) : null;
    mm2 = context ? new MatchModel(starts, segmentLength, window, Math.min(22, s.tableBits()), MATCH_LONG) : null;
    nShadow = 3 + (context ? ContextModels.INPUTS + 2 * MatchModel.INPUTS : 0);
    netOff = nShadow;
    n = nShadow + (net != null ? 2 : 0);
    x = new int[n];
    m1 = new Mixer(n, 256, MR, WI);
    m2 = new Mixer(n, 16 * 8 * 8, MR, WI);
    m3 = new Mixer(n, 256, MR, WI);
    m4 = new Mixer(n, 10 * 8 * 4, MR, WI);
    mf = new Mixer(4, 256, 1, 16384);
    a1 = new Apm(33 * 256, AR);
    a2 = new Apm(65536, AR);
    a3 = new Apm(1024 * 256, AR);
    boolean shadow = net != null && context;
    s1 = shadow ? new Mixer(nShadow, 256, MR, WI) : null;
    s2 = shadow ? new Mixer(nShadow, 16 * 8 * 8, MR, WI) : null;
    s3 = shadow ? new Mixer(nShadow, 256, MR, WI) : null;
    s4 = shadow ? new Mixer(nShadow, 10 * 8 * 4, MR, WI) : null;
    sf = shadow ? new Mixer(4, 256, 1, 16384) : null;
    sa1 = shadow ? new Apm(33 * 256, AR) : null;
    sa2 = shadow ? new Apm(65536, AR) : null;
    sa3 = shadow ? new Apm(1024 * 256, AR) : null;
    fm = shadow ? new Mixer(3, 64, 32, 32768) : null;
    hist = new History[segs];
    for (int i = 0; i < segs; i++) hist[i] = new History();
  }

  /** Bytes the predictor of {@code s} over {@code segs} segments allocates, about (tables, match models, APMs, histories). */
  static long bytesNeeded(ZipSettings s, int segs) {
    long apms = (33L * 256 + 65536 + 1024 * 256) * 33 * 4;
    long b = apms * (s.network() && s.context() ? 2 : 1) + segs * (65536L * 2 + 1024);
    if (s.context()) {
      long window = Integer.highestOneBit((int) Math.max(1 << 12, Math.min(1 << 22, (1L << 24) / segs)));
      b += ContextModels.bytes(s.tableBits()) + 2 * ((4L << Math.min(22, s.tableBits())) + segs * window);
    }
    return b;
  }

  /**
   * Refuses, before allocating, a predictor that would not fit in what is left of the Java heap:
   * a one-line {@link dev.fivefold.io.BadInputException} naming {@code file} and what to change.
   */
  static void checkMemory(ZipSettings s, int segs, String file, String advice) {
    Runtime rt = Runtime.getRuntime();
    long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    long need = bytesNeeded(s, segs);
    if (need > free) {
      throw new dev.fivefold.io.BadInputException(file + ": the context models need " + (need >> 20) + " MiB (" + ContextModels.MODELS + " tables of "
          + (ContextModels.bytes(s.tableBits()) / ContextModels.MODELS >> 20) + " MiB at table bits " + s.tableBits() + ") but the Java heap has "
          + (free >> 20) + " MiB free; " + advice);
    }
  }

  /** Estimated bits of everything coded so far (Σ −log2 p of each bit under the final probability). */
  double bits() {
    return bits;
  }

  /** Bits the context models alone (the shadow chain) would have spent; NaN without a shadow chain. */
  double contextBits() {
    return s1 != null ? contextBits : net == null ? bits : Double.NaN;
  }

  /** Bits the network alone (its byte distribution, 8 bits where it has none) would have spent; NaN without a network. */
  double networkBits() {
    return net != null ? networkBits : Double.NaN;
  }

  /**
   * Codes one byte of segment {@code seg} in round {@code round}: {@code b} is the byte (encoder)
   * or ignored (decoder); returns the byte coded.
   */
  int codeByte(int seg, int b, long round, BitCoder io) throws IOException {
    History hs = hist[seg];
    long h = hs.h;
    int c1 = (int) (h & 0xFF);
    if (context) {
      cm.byteStart(hs);
      mm.byteStart(seg);
      mm2.byteStart(seg);
    }
    double[] q = net != null ? net.distribution(seg) : null;
    if (q != null) {
      for (int i = 0; i < 256; i++) tree[256 + i] = q[i];
      for (int i = 255; i >= 1; i--) tree[i] = tree[2 * i] + tree[2 * i + 1];
    }
    int lenBucket = context ? Math.min(15, mm.length()) : 0;
    int c0 = 1;
    x[0] = 256;
    for (int bit = 0; bit < 8; bit++) {
      int v = order0[c0];
      x[1] = Counters.count(v) == 0 ? 0 : Logistic.stretch(Counters.p12(v));
      x[2] = (Counters.p12(v) - 2048) >> 3;
      if (context) {
        cm.predict(c0, bit, x, 3);
        mm.predict(c0, bit, x, 3 + ContextModels.INPUTS);
        mm2.predict(c0, bit, x, 3 + ContextModels.INPUTS + MatchModel.INPUTS);
      }
      int conf = 0;
      if (net != null) {
        int st = q != null ? Logistic.stretch(tree[2 * c0 + 1], tree[2 * c0]) : 0;
        x[netOff] = st;
        x[netOff + 1] = q != null ? (Logistic.squash(st) - 2048) >> 3 : 0;
        conf = Math.min(7, Math.abs(st) >> 8);
      }
      int sel2 = (lenBucket * 8 + bit) * 8 + conf;
      int mctx = 0;
      if (context) {
        int e = mm.expected();
        if (e >= 0 && ((e | 256) >>> (8 - bit)) == c0) mctx = 1 + ((e >>> (7 - bit)) & 1) + 2 * lenBucket;
      }
      int c2 = (int) (h >>> 8) & 0xFF;
      int sel4 = ((context ? cm.known() : 0) * 8 + bit) * 4 + (!context || mm2.expected() < 0 ? 0 : 1 + Math.min(2, mm2.length() >> 5));
      int pr = refine(m1, m2, m3, m4, mf, a1, a2, a3, c0, sel2, sel4, c1, c2, mctx);
      int ps = 0;
      if (s1 != null) {
        ps = refine(s1, s2, s3, s4, sf, sa1, sa2, sa3, c0, (lenBucket * 8 + bit) * 8, sel4, c1, c2, mctx);
        xf[0] = Logistic.stretch(pr);
        xf[1] = Logistic.stretch(ps);
        fm.mix(xf, conf * 8 + bit);
        int pf = (fm.p() * 3 + pr + 2) >> 2;
        pr = pf < 1 ? 1 : pf > 4095 ? 4095 : pf;
      }
      int y = io.code(b < 0 ? 0 : (b >>> (7 - bit)) & 1, pr);
      bits += COST[y != 0 ? pr : 4096 - pr];
      if (s1 != null) {
        contextBits += COST[y != 0 ? ps : 4096 - ps];
        fm.update(y);
        s1.update(y);
        s2.update(y);
        s3.update(y);
        s4.update(y);
        sf.update(y);
        sa1.update(y);
        sa2.update(y);
        sa3.update(y);
      }
      m1.update(y);
      m2.update(y);
      m3.update(y);
      m4.update(y);
      mf.update(y);
      a1.update(y);
      a2.update(y);
      a3.update(y);
      Counters.update(order0, c0, y, 255);
      if (context) {
        cm.update(y);
        mm.update(y);
        mm2.update(y);
      }
      c0 = (c0 << 1) | y;
    }
    int out = c0 & 0xFF;
    if (net != null) networkBits += q != null ? -Math.log(q[out]) / Math.log(2) : 8;
    hs.add(out);
    if (context) {
      mm.byteEnd(out, hs.h);
      mm2.byteEnd(out, hs.h);
    }
    if (net != null) net.byteEnd(seg, out, round);
    return out;
  }

  /** Round {@code round} is over; {@code active} marks the segments that coded a byte in it. */
  void roundEnd(long round, boolean[] active) {
    if (net != null) net.roundEnd(round, active);
  }

  private int refine(Mixer ma, Mixer mb, Mixer mc, Mixer md, Mixer f, Apm aa, Apm ab, Apm ac, int c0, int sel2, int sel4, int c1, int c2, int mctx) {
    xm[0] = ma.mix(x, c0);
    xm[1] = mb.mix(x, sel2);
    xm[2] = mc.mix(x, c1);
    xm[3] = md.mix(x, sel4);
    int d = f.mix(xm, c0);
    int p = Logistic.squash(d);
    int r1 = aa.refine(p, (mctx << 8) | c0);
    int r2 = ab.refine(p, (c1 << 8) | c0);
    int r3 = ac.refine(p, ((((c2 << 8) | c1) * 0x9E3779B1 >>> 22) << 8) | c0);
    int pr = (p + r1 + 2 * r2 + 4 * r3 + 4) >> 3;
    return pr < 1 ? 1 : pr > 4095 ? 4095 : pr;
  }
}
