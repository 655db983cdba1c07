package dev.fivefold.compress.zip;

/**
 * Context models at the bit level, as lpaq1/paq8 build them: for each of {@value #MODELS}
 * contexts a hashed table of {@link BitHistory} states (one byte per context and bit position),
 * each state mapped to a probability by that model's {@link StateMap}, one map per bit index (an
 * indirect model). The contexts ({@link #context}, read from the segment's {@link History}):
 * <ol start="0">
 *   <li>orders 1–6 (0–5), order 8 (6): the last k bytes;
 *   <li>(7) the current word with the last byte; (8) the current and the previous word; (11) the
 *       last three words; (19) the current word and the one two back (skipping one); (20) the
 *       current word with its case and the last byte;
 *   <li>(9) sparse: the two bytes before the last; (17) the 3rd and 4th last bytes; (18) the last
 *       and the 3rd last byte;
 *   <li>(10) the column in the line with the last byte;
 *   <li>(12, 13) orders 12 and 16;
 *   <li>(14) the last 5 bytes case folded with line feeds read as spaces (wrapped text);
 *   <li>(15, 16) indirect: the last byte (two bytes) with the two bytes that followed its last two
 *       occurrences;
 *   <li>(21) numbering: in a line's leading number, the digit that continues the last line's
 *       number plus one ({@link History#numbering}).
 * </ol>
 * Contexts 0–11 were format 2's (docs/zip.md measures each addition).
 *
 * <p>Every model gives the mixer two inputs per bit, {@code stretch(p)} and {@code (p − 2048)/8}
 * (0 in a context never seen, so the mixer can tell "unknown" from "even").
 *
 * <p>Addressing (lpaq1's nibble buckets with check bytes): at the start of each half byte a model
 * hashes its context with the bits of the byte seen so far into a 64-byte line of four 16-byte
 * buckets; three of them are probed for the 8-bit check of the hash; on a miss the bucket whose
 * first state has the fewest counts (the least evidence) is cleared and taken. Within a bucket,
 * byte 0 is the check and bytes 1..15 the states of the partial nibble {@code 1, 1b, 1bb, 1bbb}.
 * So one cache line serves four bits and a colliding context mostly starts fresh instead of
 * inheriting another's statistics.
 */
final class ContextModels {
  /** Models: the contexts 0..21 of {@link #context}. */
  static final int MODELS = 22;

  /** Mixer inputs given. */
  static final int INPUTS = 2 * MODELS;
  private final byte[][] t = new byte[MODELS][];
  private final StateMap[] sm = new StateMap[MODELS];
  private final int mask;
  private final long[] ctx = new long[MODELS];
  private final int[] bucket = new int[MODELS];
  private final int[] slot = new int[MODELS];
  private final int[] state = new int[MODELS];
  private int known;

  /** @param bits log2 of each model's table in ints (12..28): its bytes are 4·2^bits (the states of 2^bits·4/16 buckets) */
  ContextModels(int bits) {
    for (int i = 0; i < MODELS; i++) {
      t[i] = new byte[1 << (bits + 2)];
      sm[i] = new StateMap(8, 1023);
    }
    mask = (1 << (bits + 2)) - 1;
  }

  /** Bytes of the tables for {@code bits}. */
  static long bytes(int bits) {
    return (long) MODELS << (bits + 2);
  }

  /** Sets the byte contexts from the history of the segment. */
  void byteStart(History s) {
    for (int i = 0; i < MODELS; i++) ctx[i] = mix(context(i, s), i + 1);
  }

  /** The unhashed context k of history s. */
  static long context(int k, History s) {
    long hist = s.h;
    int c1 = (int) (hist & 0xFF);
    return switch (k) {
      case 0, 1, 2, 3, 4, 5 -> hist & ((1L << (8 * (k + 1))) - 1);
      case 6 -> hist;
      case 7 -> ((long) s.word << 8) | c1;
      case 8 -> ((long) s.word1 << 32) ^ (s.word & 0xFFFFFFFFL);
      case 9 -> (hist >>> 8) & 0xFFFF;
      case 10 -> ((long) Math.min(s.column, 255) << 8) | c1;
      case 11 -> ((long) s.word2 << 32) ^ ((long) s.word1 << 16) ^ (s.word & 0xFFFFFFFFL);
      case 12 -> hist * 0x2545F4914F6CDD1DL + (s.h2 & 0xFFFFFFFFL);
      case 13 -> hist * 0x2545F4914F6CDD1DL + s.h2 * 31;
      case 14 -> s.folded & 0xFFFFFFFFFFL;
      case 15 -> ((long) s.indirect1() << 8) | c1;
      case 16 -> ((long) s.indirect2() << 16) | (hist & 0xFFFF);
      case 17 -> (hist >>> 16) & 0xFFFF;
      case 18 -> ((hist >>> 16) & 0xFF) << 8 | c1;
      case 19 -> ((long) s.word2 << 32) ^ (s.word & 0xFFFFFFFFL) ^ 0x5555L;
      case 20 -> ((long) s.casedWord << 8) | c1;
      case 21 -> s.numbering() == 0 ? c1 | 1L << 40 : s.numbering();
      default -> throw new IllegalArgumentException("context " + k);
    };
  }

  private static long mix(long v, int k) {
    long h = (v + k) * 0x9E3779B97F4A7C15L;
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    return h ^ (h >>> 32) ^ ((long) k << 56);
  }

  /** Writes the {@link #INPUTS} inputs for the next bit at x[off..]: c0 is the partial byte 1..255, bit the bit index 0..7. */
  /** How many of the order-n contexts (1–6, 8, 12, 16) have a history for the current bit: 0..9 (after {@link #predict}). */
  int known() {
    return known;
  }

  void predict(int c0, int bit, int[] x, int off) {
    if (bit == 0 || bit == 4) {
      long salt = (long) c0 * 0xC2B2AE3D27D4EB4FL;
      for (int i = 0; i < MODELS; i++) bucket[i] = find(t[i], (ctx[i] ^ salt) * 0x9E3779B97F4A7C15L);
    }
    int nib = bit < 4 ? (c0 & ((1 << bit) - 1)) | (1 << bit) : (c0 & ((1 << (bit - 4)) - 1)) | (1 << (bit - 4));
    int kn = 0;
    for (int i = 0; i < MODELS; i++) {
      int s = bucket[i] + nib;
      slot[i] = s;
      int st = t[i][s] & 0xFF;
      state[i] = st;
      if (st != 0 && (i <= 6 || i == 12 || i == 13)) kn++;
      int p = sm[i].p(bit, st);
      x[off + 2 * i] = Logistic.stretch(p);
      x[off + 2 * i + 1] = st == 0 ? 0 : (p - 2048) >> 3;
    }
    known = kn;
  }

  /** The bucket of hash h in table b: found by its check byte among 3, or the weakest of them cleared. */
  private int find(byte[] b, long h) {
    int base = (int) (h >>> 32) & mask & ~15;
    byte chk = (byte) (h >>> 24);
    int best = base, bestPri = Integer.MAX_VALUE;
    for (int j = 0; j < 3; j++) {
      int i = base ^ (j << 4);
      if (b[i] == chk) return i;
      int s = b[i + 1] & 0xFF;
      int pri = BitHistory.n0(s) + BitHistory.n1(s);
      if (pri < bestPri) {
        bestPri = pri;
        best = i;
      }
    }
    java.util.Arrays.fill(b, best, best + 16, (byte) 0);
    b[best] = chk;
    return best;
  }

  void update(int y) {
    for (int i = 0; i < MODELS; i++) {
      t[i][slot[i]] = (byte) BitHistory.next(state[i], y);
      sm[i].update(y);
    }
  }
}
