package dev.fivefold.compress.zip;

/**
 * Count-based context models at the bit level: orders 1 to 6 (the last k bytes) and two word
 * models (the letters of the current word; the current word with the previous one), each a
 * hashed table of {@link Counters}. Every model gives the mixer two inputs per bit,
 * {@code stretch(p)} and {@code (p − 2048)/8} (the second lets the mixer weigh confident and
 * unsure predictions differently), and nothing more: the mixer and the APMs do the rest.
 *
 * <p>Addressing (lpaq1's nibble buckets, without check bytes): at the start of each half byte the
 * model hashes its byte context with the bits of the byte seen so far into a bucket of 16 slots;
 * within the nibble the slot is the partial nibble {@code 1, 1b, 1bb, 1bbb} (1..15). So one cache
 * line serves four bits, and a table of 2^bits ints holds 2^(bits−4) buckets; colliding contexts
 * share counters (the mixer learns how far to trust each order).
 */
final class ContextModels {
  /** Models: orders 1..6, word, word pair. */
  static final int MODELS = 8;
  /** Mixer inputs given. */
  static final int INPUTS = 2 * MODELS;
  private static final int[] LIMIT = {1023, 1023, 127, 127, 127, 127, 127, 127};
  private final int[][] t = new int[MODELS][];
  private final int mask;
  private final long[] ctx = new long[MODELS];
  private final int[] bucket = new int[MODELS];
  private final int[] slot = new int[MODELS];

  /** @param bits log2 of the slots of each model's table (10..28) */
  ContextModels(int bits) {
    for (int i = 0; i < MODELS; i++) t[i] = Counters.table(1 << bits);
    mask = (1 << bits) - 1;
  }

  /**
   * Sets the byte contexts: {@code hist} holds the last 8 bytes of the segment (the last in the low
   * byte), {@code word} and {@code prevWord} hash the current and the previous word.
   */
  void byteStart(long hist, int word, int prevWord) {
    for (int k = 1; k <= 6; k++) {
      long m = hist & ((1L << (8 * k)) - 1);
      ctx[k - 1] = (m + 1) * 0x9E3779B97F4A7C15L + k * 0x632BE59BD9B4E019L;
    }
    ctx[6] = (word + 0x1234567L) * 0xD6E8FEB86659FD93L + ((hist & 0xFF) << 40);
    ctx[7] = ((((long) prevWord << 32) ^ word) + 0x7654321L) * 0xA0761D6478BD642FL;
  }

  /** Writes the {@link #INPUTS} inputs for the next bit at x[off..]: c0 is the partial byte 1..255, bit the bit index 0..7. */
  void predict(int c0, int bit, int[] x, int off) {
    if (bit == 0 || bit == 4) {
      long salt = (long) c0 * 0xC2B2AE3D27D4EB4FL;
      for (int i = 0; i < MODELS; i++) {
        long h = (ctx[i] ^ salt) * 0x9E3779B97F4A7C15L;
        bucket[i] = (int) (h >>> 32) & mask & ~15;
      }
    }
    int nib = bit < 4 ? (c0 & ((1 << bit) - 1)) | (1 << bit) : (c0 & ((1 << (bit - 4)) - 1)) | (1 << (bit - 4));
    for (int i = 0; i < MODELS; i++) {
      int s = bucket[i] + nib;
      slot[i] = s;
      int v = t[i][s];
      int p = Counters.p12(v);
      x[off + 2 * i] = Counters.count(v) == 0 ? 0 : Logistic.stretch(p);
      x[off + 2 * i + 1] = Counters.count(v) == 0 ? 0 : (p - 2048) >> 3;
    }
  }

  void update(int y) {
    for (int i = 0; i < MODELS; i++) Counters.update(t[i], slot[i], y, LIMIT[i]);
  }
}
