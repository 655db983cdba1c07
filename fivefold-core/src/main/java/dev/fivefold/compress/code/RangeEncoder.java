package dev.fivefold.compress.code;

import java.util.Arrays;

/**
 * A 32-bit range encoder with carry propagation (Schindler 1998; Martin 1979, "Range encoding"),
 * in the byte-oriented form used by LZMA: {@code low} is kept in 33 bits, a run of 0xFF bytes is
 * held back ({@code cache}, {@code cacheSize}) until a carry resolves it.
 *
 * <p>Coding a symbol with cumulative frequency {@code start}, frequency {@code size} and total
 * {@code total} narrows {@code [low, low + range)} to {@code r = range / total},
 * {@code low += r * start}, {@code range = r * size}, then shifts out bytes while
 * {@code range < 2^24}. With {@code total <= 2^16} the truncation of {@code range / total} costs
 * at most {@code log2(1 + 2^-8)} bits per symbol and much less on average.
 */
final class RangeEncoder {
  static final long TOP = 1L << 24;
  private byte[] out;
  private int size;
  private long low; // < 2^33
  private long range = 0xFFFFFFFFL;
  private int cache;
  private long cacheSize = 1;

  RangeEncoder(int initialBytes) {
    out = new byte[Math.max(16, initialBytes)];
  }

  void encode(int start, int freq, int total) {
    long r = range / total;
    low += r * start;
    range = r * freq;
    while (range < TOP) {
      range <<= 8;
      shiftLow();
    }
  }

  /** {@link #encode} with {@code total = 2^totalBits}. */
  void encodeShift(int start, int freq, int totalBits) {
    long r = range >>> totalBits;
    low += r * start;
    range = r * freq;
    while (range < TOP) {
      range <<= 8;
      shiftLow();
    }
  }

  private void shiftLow() {
    if (low < 0xFF000000L || low > 0xFFFFFFFFL) {
      int carry = (int) (low >>> 32);
      int temp = cache;
      do {
        put((byte) (temp + carry));
        temp = 0xFF;
      } while (--cacheSize != 0);
      cache = (int) (low >>> 24) & 0xFF;
    }
    cacheSize++;
    low = (low & 0x00FFFFFFL) << 8;
  }

  /**
   * Flushes the state and returns the bytes. The first byte is always 0 (no carry can reach it);
   * with {@code leadingZero} false it is left out.
   */
  byte[] finish(boolean leadingZero) {
    for (int i = 0; i < 5; i++) shiftLow();
    return leadingZero ? Arrays.copyOf(out, size) : Arrays.copyOfRange(out, 1, size);
  }

  private void put(byte b) {
    if (size == out.length) out = Arrays.copyOf(out, out.length * 2);
    out[size++] = b;
  }
}
