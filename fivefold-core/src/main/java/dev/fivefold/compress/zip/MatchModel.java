package dev.fivefold.compress.zip;

/**
 * The match model of lpaq1, over interleaved segments: it finds the last place where the
 * {@code minLen} bytes before the current position occurred (a hash table of positions), checks
 * how long the match really is, and predicts the byte that followed there, bit by bit, while the
 * bits coded so far agree with it. Its input to the mixer is {@code ±stretch(p)} from an adaptive
 * counter per (match length bucket, expected bit), so the mixer learns how far a match of each
 * length is to be trusted; after a mispredicted bit it says nothing until the next byte.
 *
 * <p>Positions are positions in the original file, so a match may point into another segment (a
 * verse of the Bible repeated in another book). Each segment keeps its last {@code window} bytes in
 * a ring; a position is usable while it is coded and still in its segment's ring, which bounds
 * the memory whatever the file size.
 */
final class MatchModel {
  static final int MAXLEN = 65535;
  /** Mixer inputs given. */
  static final int INPUTS = 2;
  private final int[] table;
  private final int tableMask;
  private final byte[][] ring;
  private final int ringMask;
  private final long[] start;
  private final long[] coded;
  private final long[] ptr;
  private final int[] len;
  private final long segmentLength;
  private final int minLen;
  private final int[] counters = Counters.table(64 * 2);
  private int seg, expected = -1, slotIndex = -1;

  /**
   * @param starts first file position of each segment
   * @param segmentLength bytes per segment (the last may have fewer)
   * @param window ring bytes per segment (a power of two)
   * @param tableBits log2 of the hash table's entries
   * @param minLen the context length looked up (≥ 2), and the shortest match followed
   */
  MatchModel(long[] starts, long segmentLength, int window, int tableBits, int minLen) {
    if (minLen < 2 || minLen > 64) throw new IllegalArgumentException("minLen (" + minLen + ") must be in [2, 64]");
    this.minLen = minLen;
    int b = starts.length;
    start = starts.clone();
    coded = new long[b];
    ptr = new long[b];
    len = new int[b];
    this.segmentLength = segmentLength;
    ring = new byte[b][window];
    ringMask = window - 1;
    table = new int[1 << tableBits];
    tableMask = (1 << tableBits) - 1;
  }

  /** Starts a byte of segment {@code s}: the byte the current match expects, if any. */
  void byteStart(int s) {
    seg = s;
    expected = len[s] > 0 && usable(ptr[s]) ? byteAt(ptr[s]) : -1;
    if (expected < 0) len[s] = 0;
  }

  /** The expected byte of the current match or −1. */
  int expected() {
    return expected;
  }

  /** The current match length (0: none). */
  int length() {
    return len[seg];
  }

  void predict(int c0, int bit, int[] x, int off) {
    if (expected >= 0 && ((expected | 256) >>> (8 - bit)) == c0) {
      int e = (expected >>> (7 - bit)) & 1;
      int l = len[seg];
      int bucket = l < 16 ? l : l < 32 ? 16 + ((l - 16) >> 2) : l < 64 ? 20 + ((l - 32) >> 3) : l < 512 ? 24 + ((l - 64) >> 6) : 31;
      slotIndex = bucket * 2 + e;
      int p = Counters.p12(counters[slotIndex]);
      int st = Logistic.stretch(p);
      x[off] = st;
      x[off + 1] = (p - 2048) >> 2;
    } else {
      slotIndex = -1;
      x[off] = 0;
      x[off + 1] = 0;
    }
  }

  void update(int y) {
    if (slotIndex >= 0) Counters.update(counters, slotIndex, y, 1023);
  }

  /** Ends the byte {@code b} of the current segment; {@code hist} holds its last 8 bytes, b included. */
  void byteEnd(int b, long hist) {
    int s = seg;
    long pos = start[s] + coded[s]; // file position of b
    ring[s][(int) (coded[s] & ringMask)] = (byte) b;
    coded[s]++;
    if (len[s] > 0 && expected == b) {
      if (len[s] < MAXLEN) len[s]++;
      ptr[s]++;
    } else {
      len[s] = 0;
    }
    if (coded[s] < minLen) return;
    long key;
    if (minLen <= 8) {
      key = minLen == 8 ? hist : hist & ((1L << (8 * minLen)) - 1);
    } else {
      key = 0;
      for (int i = 0; i < minLen; i++) key = (key + byteAt(pos - i) + 1) * 0x2545F4914F6CDD1DL;
    }
    int h = (int) ((key * 0x9E3779B97F4A7C15L) >>> 40) & tableMask;
    if (len[s] == 0) {
      long cand = table[h] - 1L;
      if (cand >= 0 && cand != pos + 1 && usable(cand)) {
        int l = 0;
        while (l < 64 && usable(cand - 1 - l) && pos - l >= start[s] && byteAt(cand - 1 - l) == byteAt(pos - l)) l++;
        if (l >= minLen) {
          len[s] = l;
          ptr[s] = cand;
        }
      }
    }
    if (pos + 1 < Integer.MAX_VALUE) table[h] = (int) (pos + 2);
  }

  private boolean usable(long p) {
    if (p < 0) return false;
    int s = (int) Math.min(start.length - 1, p / segmentLength);
    long off = p - start[s];
    return off < coded[s] && off >= coded[s] - ring[s].length;
  }

  private int byteAt(long p) {
    int s = (int) Math.min(start.length - 1, p / segmentLength);
    return ring[s][(int) ((p - start[s]) & ringMask)] & 0xFF;
  }
}
