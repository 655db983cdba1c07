package dev.fivefold.compress.code;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Writes bits MSB-first into a growing byte array: the first bit written is bit 7 of byte 0.
 *
 * <p>{@link #toByteArray()} pads the last byte with zero bits. Also writes Elias-gamma codes
 * (Elias 1975, "Universal codeword sets"): a value {@code v >= 1} of {@code n} significant bits is
 * {@code n - 1} zero bits followed by {@code v} in {@code n} bits, so small values are short.
 *
 * <p>Not thread-safe.
 */
public final class BitWriter {
  private byte[] buf;
  private int size; // whole bytes in buf
  private long acc; // pending bits, right-aligned
  private int accBits; // 0..7 between calls

  /** A writer with a buffer of 64 bytes to start. */
  public BitWriter() {
    this(64);
  }

  /**
   * A writer whose buffer starts at {@code initialBytes} (it grows as needed).
   *
   * @param initialBytes the initial capacity, &ge; 0
   * @throws IllegalArgumentException if {@code initialBytes} is negative
   */
  public BitWriter(int initialBytes) {
    if (initialBytes < 0) throw new IllegalArgumentException("initialBytes (" + initialBytes + ") must be >= 0");
    buf = new byte[Math.max(16, initialBytes)];
  }

  /**
   * Writes the low {@code n} bits of {@code value}, most significant first; {@code 0 <= n <= 32}.
   *
   * @param value the bits, right-aligned; higher bits are ignored
   * @param n the bit count, in [0, 32]
   * @throws IllegalArgumentException if {@code n} is outside [0, 32]
   */
  public void writeBits(long value, int n) {
    if (n < 0 || n > 32) throw new IllegalArgumentException("n (" + n + ") must be in [0, 32]");
    if (n == 0) return;
    acc = (acc << n) | (value & ((1L << n) - 1));
    accBits += n;
    while (accBits >= 8) {
      accBits -= 8;
      put((byte) (acc >>> accBits));
    }
  }

  /**
   * Writes one bit.
   *
   * @param bit true for a 1 bit
   */
  public void writeBit(boolean bit) {
    writeBits(bit ? 1 : 0, 1);
  }

  /**
   * Elias-gamma code of {@code v}, {@code 1 <= v < 2^62}.
   *
   * @param v the value
   * @throws IllegalArgumentException if {@code v} is outside [1, 2^62)
   */
  public void writeGamma(long v) {
    if (v < 1 || v >= (1L << 62)) throw new IllegalArgumentException("gamma value (" + v + ") must be in [1, 2^62)");
    int n = 64 - Long.numberOfLeadingZeros(v);
    for (int z = n - 1; z > 0; z -= Math.min(z, 32)) writeBits(0, Math.min(z, 32));
    if (n > 32) {
      writeBits(v >>> 32, n - 32);
      writeBits(v, 32);
    } else {
      writeBits(v, n);
    }
  }

  /** Pads with zero bits up to the next byte boundary. */
  public void alignToByte() {
    if (accBits > 0) writeBits(0, 8 - accBits);
  }

  /**
   * Appends whole bytes; the writer must be byte-aligned.
   *
   * @param b the source array
   * @param off the first byte to copy
   * @param len the bytes to copy
   * @throws IllegalStateException if bits are pending
   */
  public void writeBytes(byte[] b, int off, int len) {
    if (accBits != 0) throw new IllegalStateException("writeBytes needs a byte-aligned writer (" + accBits + " pending bits)");
    ensure(len);
    System.arraycopy(b, off, buf, size, len);
    size += len;
  }

  /**
   * Bits written so far.
   *
   * @return the bit count
   */
  public long bitLength() {
    return 8L * size + accBits;
  }

  /**
   * The bytes written so far, the last one padded with zero bits.
   *
   * @return a new array
   */
  public byte[] toByteArray() {
    byte[] out = Arrays.copyOf(buf, size + (accBits > 0 ? 1 : 0));
    if (accBits > 0) out[size] = (byte) (acc << (8 - accBits));
    return out;
  }

  /**
   * Writes {@link #toByteArray()} to {@code out}.
   *
   * @param out the destination
   * @throws IOException if the stream cannot be written
   */
  public void writeTo(OutputStream out) throws IOException {
    out.write(toByteArray());
  }

  private void put(byte b) {
    if (size == buf.length) ensure(1);
    buf[size++] = b;
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      long cap = Math.max((long) buf.length * 2, (long) size + more);
      if (cap > Integer.MAX_VALUE - 16) throw new IllegalStateException("bit stream exceeds 2 GiB");
      buf = Arrays.copyOf(buf, (int) cap);
    }
  }
}
