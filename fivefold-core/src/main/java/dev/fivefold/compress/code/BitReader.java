package dev.fivefold.compress.code;

import dev.fivefold.io.BadInputException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads bits MSB-first from a byte array, the mirror of {@link BitWriter}.
 *
 * <p>Reading past the end throws {@link BadInputException} {@code "truncated stream at bit N"},
 * where {@code N} is the position (from the start of the range) of the first missing bit.
 * {@link #peekBits(int)} instead pads with zero bits past the end, so a table decoder can look
 * ahead; the bits it then {@link #skipBits skips} are checked.
 *
 * <p>Not thread-safe.
 */
public final class BitReader {
  private final byte[] buf;
  private final int start;
  private final int end; // exclusive byte index
  private long pos; // bit position from start

  /**
   * A reader over all of {@code buf}, held, not copied.
   *
   * @param buf the bytes
   */
  public BitReader(byte[] buf) {
    this(buf, 0, buf.length);
  }

  /**
   * A reader over {@code buf[off, off + len)}, held, not copied.
   *
   * @param buf the bytes
   * @param off the first byte of the range
   * @param len the range's length in bytes
   * @throws IllegalArgumentException if the range lies outside the array
   */
  public BitReader(byte[] buf, int off, int len) {
    if (off < 0 || len < 0 || off > buf.length - len) {
      throw new IllegalArgumentException("range [" + off + ", " + off + "+" + len + ") outside array of " + buf.length);
    }
    this.buf = buf;
    this.start = off;
    this.end = off + len;
  }

  /**
   * Reads the whole stream into memory and returns a reader over it.
   *
   * @param in the stream, read to its end
   * @return the reader
   * @throws IOException if the stream cannot be read
   */
  public static BitReader of(InputStream in) throws IOException {
    return new BitReader(in.readAllBytes());
  }

  /**
   * Bits consumed so far.
   *
   * @return the bit position from the start of the range
   */
  public long position() {
    return pos;
  }

  /**
   * Total bits in the range.
   *
   * @return 8 × the range's bytes
   */
  public long bitLength() {
    return 8L * (end - start);
  }

  /**
   * Reads {@code n} bits, {@code 0 <= n <= 32}, as an unsigned value.
   *
   * @param n the bit count, in [0, 32]
   * @return the bits, the first read most significant
   * @throws IllegalArgumentException if {@code n} is outside [0, 32]
   * @throws BadInputException if fewer than {@code n} bits are left
   */
  public long readBits(int n) {
    long v = peekBits(n);
    skipBits(n);
    return v;
  }

  /**
   * Reads one bit.
   *
   * @return true for a 1 bit
   * @throws BadInputException at the end of the range
   */
  public boolean readBit() {
    return readBits(1) != 0;
  }

  /**
   * The next {@code n} bits ({@code 0 <= n <= 32}) without consuming them; zero bits past the end.
   *
   * @param n the bit count, in [0, 32]
   * @return the bits, the first most significant
   * @throws IllegalArgumentException if {@code n} is outside [0, 32]
   */
  public long peekBits(int n) {
    if (n < 0 || n > 32) throw new IllegalArgumentException("n (" + n + ") must be in [0, 32]");
    if (n == 0) return 0;
    int byteIdx = start + (int) (pos >>> 3);
    int shift = (int) (pos & 7);
    // gather 5 bytes (40 bits) >= shift + 32
    long w;
    if (byteIdx + 5 <= end) {
      w = (buf[byteIdx] & 0xFFL) << 32 | (buf[byteIdx + 1] & 0xFFL) << 24 | (buf[byteIdx + 2] & 0xFFL) << 16
          | (buf[byteIdx + 3] & 0xFFL) << 8 | (buf[byteIdx + 4] & 0xFFL);
    } else {
      w = 0;
      for (int i = 0; i < 5; i++) w = (w << 8) | (byteIdx + i < end ? buf[byteIdx + i] & 0xFF : 0);
    }
    return (w >>> (40 - shift - n)) & ((1L << n) - 1);
  }

  /**
   * Consumes {@code n >= 0} bits.
   *
   * @param n the bit count
   * @throws IllegalArgumentException if {@code n} is negative
   * @throws BadInputException if fewer than {@code n} bits are left
   */
  public void skipBits(long n) {
    if (n < 0) throw new IllegalArgumentException("n (" + n + ") must be >= 0");
    if (pos + n > bitLength()) throw new BadInputException("truncated stream at bit " + bitLength());
    pos += n;
  }

  /**
   * Elias-gamma value written by {@link BitWriter#writeGamma}.
   *
   * @return the value, &ge; 1
   * @throws BadInputException for a prefix of more than 61 zeros or a truncated stream
   */
  public long readGamma() {
    int zeros = 0;
    while (!readBit()) {
      if (++zeros > 61) throw new BadInputException("corrupt stream: Elias-gamma prefix longer than 61 bits at bit " + pos);
    }
    long v = 1;
    int rest = zeros;
    while (rest > 0) {
      int k = Math.min(rest, 32);
      v = (v << k) | readBits(k);
      rest -= k;
    }
    return v;
  }

  /** Skips to the next byte boundary. */
  public void alignToByte() {
    long r = pos & 7;
    if (r != 0) skipBits(8 - r);
  }

  /**
   * Byte offset (in the backing array) of the current position; the reader must be byte-aligned.
   *
   * @return the byte index into the backing array
   * @throws IllegalStateException if the position is not on a byte boundary
   */
  public int byteOffset() {
    if ((pos & 7) != 0) throw new IllegalStateException("reader is not byte-aligned (bit " + pos + ")");
    return start + (int) (pos >>> 3);
  }

  /**
   * Bits left before the end.
   *
   * @return the bits not yet consumed
   */
  public long remaining() {
    return bitLength() - pos;
  }
}
