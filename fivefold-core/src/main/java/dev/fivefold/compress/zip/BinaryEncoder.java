package dev.fivefold.compress.zip;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A 32-bit binary arithmetic encoder (the carry-less coder of lpaq1 / paq8, Mahoney 2005): the
 * interval {@code [x1, x2]} of 32-bit unsigned integers is split at
 * {@code xmid = x1 + ((x2 − x1) >>> 12)·p} for the probability {@code p/4096} that the bit is 1;
 * a 1 keeps {@code [x1, xmid]}, a 0 keeps {@code [xmid + 1, x2]}. Leading bytes on which x1 and x2
 * agree are shifted out, so the interval stays wider than 2^24.
 *
 * <p>The frequency rule: the model's probability is a 12-bit integer p clamped to [1, 4095], so
 * both sub-intervals hold at least {@code 2^24 / 2^12 = 4096} values: no bit ever has zero
 * frequency. The cost of coding a bit is {@code −log2(p/4096)} up to the truncation of
 * {@code (x2 − x1)/4096} (less than 2^-12 relative). {@link #finish} writes the 4 bytes of x1, so
 * the decoder never reads past the end of the stream.
 */
final class BinaryEncoder {
  private final OutputStream out;
  private long x1, x2 = 0xFFFFFFFFL;
  private long bytes;

  BinaryEncoder(OutputStream out) {
    this.out = out;
  }

  /** Codes {@code bit} with P(bit = 1) = p/4096, p in [1, 4095]. */
  void encode(int bit, int p) throws IOException {
    long xmid = x1 + ((x2 - x1) >>> 12) * p;
    if (bit != 0) x2 = xmid;
    else x1 = xmid + 1;
    while (((x1 ^ x2) & 0xFF000000L) == 0) {
      out.write((int) (x2 >>> 24));
      bytes++;
      x1 = (x1 << 8) & 0xFFFFFFFFL;
      x2 = ((x2 << 8) & 0xFFFFFFFFL) | 0xFF;
    }
  }

  /** Writes the final 4 bytes (x1, most significant first). */
  void finish() throws IOException {
    for (int i = 0; i < 4; i++) {
      out.write((int) (x1 >>> 24));
      x1 = (x1 << 8) & 0xFFFFFFFFL;
    }
    bytes += 4;
  }

  /** Bytes written so far. */
  long bytes() {
    return bytes;
  }
}
