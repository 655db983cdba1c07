package dev.fivefold.compress.zip;

import dev.fivefold.io.BadInputException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The decoder of {@link BinaryEncoder}: {@code x} holds 32 bits of the code point, the interval
 * is narrowed exactly as the encoder did. It reads at most {@code length} bytes; needing more means
 * the stream is corrupt or cut short ({@link BadInputException} naming {@code what}).
 */
final class BinaryDecoder {
  private final InputStream in;
  private final long length;
  private final String what;
  private long x1, x2 = 0xFFFFFFFFL, x;
  private long read;

  BinaryDecoder(InputStream in, long length, String what) throws IOException {
    this.in = in;
    this.length = length;
    this.what = what;
    for (int i = 0; i < 4; i++) x = (x << 8) | next();
  }

  /** The next bit, given P(bit = 1) = p/4096 with p in [1, 4095] (the encoder's p). */
  int decode(int p) throws IOException {
    long xmid = x1 + ((x2 - x1) >>> 12) * p;
    int bit;
    if (x <= xmid) {
      bit = 1;
      x2 = xmid;
    } else {
      bit = 0;
      x1 = xmid + 1;
    }
    while (((x1 ^ x2) & 0xFF000000L) == 0) {
      x1 = (x1 << 8) & 0xFFFFFFFFL;
      x2 = ((x2 << 8) & 0xFFFFFFFFL) | 0xFF;
      x = ((x << 8) & 0xFFFFFFFFL) | next();
    }
    return bit;
  }

  private int next() throws IOException {
    if (read >= length) throw new BadInputException(what + ": corrupt archive (the coded stream ends early at byte " + read + ")");
    int b = in.read();
    if (b < 0) throw new BadInputException(what + ": truncated archive (the coded stream ends at byte " + read + " of " + length + ")");
    read++;
    return b;
  }
}
