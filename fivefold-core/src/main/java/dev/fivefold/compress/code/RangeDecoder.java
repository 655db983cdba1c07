package dev.fivefold.compress.code;

import dev.fivefold.io.BadInputException;

/**
 * The decoder of {@link RangeEncoder}: {@code code} holds the offset of the encoded point from
 * {@code low}. Each symbol is found from {@code code / (range / total)}, then the same narrowing is
 * applied. A value outside the model's total, a missing byte or a nonzero first byte is a corrupt
 * stream ({@link BadInputException}).
 */
final class RangeDecoder {
  private final byte[] in;
  private int pos;
  private final int end;
  private final String coder;
  private long range = 0xFFFFFFFFL;
  private long code;
  private long r; // range / total of the symbol being decoded

  /** @param leadingZero whether the stream starts with the encoder's zero byte (version 1) */
  RangeDecoder(byte[] in, int off, int end, String coder, boolean leadingZero) {
    this.in = in;
    this.pos = off;
    this.end = end;
    this.coder = coder;
    if (leadingZero && next() != 0) throw new BadInputException(coder + ": corrupt range-coder stream (first byte is not 0)");
    for (int i = 0; i < 4; i++) code = (code << 8) | next();
  }

  /** The cumulative frequency of the next symbol, in {@code [0, total)}. */
  int target(int total) {
    r = range / total;
    long v = code / r;
    if (v >= total) throw new BadInputException(coder + ": corrupt range-coder stream at byte " + pos);
    return (int) v;
  }

  /** {@link #target} with {@code total = 2^totalBits}. */
  int targetShift(int totalBits) {
    r = range >>> totalBits;
    long v = code / r;
    if (v >>> totalBits != 0) throw new BadInputException(coder + ": corrupt range-coder stream at byte " + pos);
    return (int) v;
  }

  /** Consumes the symbol found by the last {@link #target} call. */
  void consume(int start, int freq) {
    code -= r * start;
    range = r * freq;
    while (range < RangeEncoder.TOP) {
      code = ((code << 8) | next()) & 0xFFFFFFFFL;
      range <<= 8;
    }
  }

  /** Bytes not yet read. */
  int remaining() {
    return end - pos;
  }

  private int next() {
    if (pos >= end) throw new BadInputException(coder + ": truncated stream at bit " + 8L * end);
    return in[pos++] & 0xFF;
  }
}
