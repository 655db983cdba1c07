package dev.fivefold.compress.grad;

import dev.fivefold.compress.code.EntropyCoder;
import dev.fivefold.compress.code.SmallestCoder;
import dev.fivefold.io.BadInputException;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * The byte format of payloads: little-endian fixed-width numbers, LEB128 varints, and "blocks" —
 * a byte string sent either as is or entropy-coded by fivefold's own coders (rANS or adaptive
 * arithmetic, {@link SmallestCoder}), whichever is shorter, behind a one-byte flag. Floats that
 * are coded travel as four byte planes (all low bytes, ..., all sign-and-exponent bytes), so the
 * coder sees the skewed exponent bytes together. Lossless: a decoded float has the bits it had.
 */
final class Wire {
  private Wire() {}

  private static final int RAW = 0, CODED = 1;
  private static final EntropyCoder CODER = new SmallestCoder(List.of(EntropyCoder.rans(), EntropyCoder.adaptiveArithmetic()));

  /** A growing byte string. */
  static final class Out {
    private final ByteArrayOutputStream b = new ByteArrayOutputStream();

    Out u8(int v) {
      b.write(v);
      return this;
    }

    Out i32(int v) {
      for (int k = 0; k < 4; k++) b.write(v >>> (8 * k));
      return this;
    }

    Out i64(long v) {
      for (int k = 0; k < 8; k++) b.write((int) (v >>> (8 * k)));
      return this;
    }

    Out f32(float v) {
      return i32(Float.floatToRawIntBits(v));
    }

    Out varint(long v) {
      while ((v & ~0x7FL) != 0) {
        b.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      b.write((int) v);
      return this;
    }

    /** {@code n} floats of {@code a} from {@code off}, raw (4 bytes each). */
    Out floats(float[] a, int off, int n) {
      for (int i = 0; i < n; i++) f32(a[off + i]);
      return this;
    }

    /** A block: flag, length, then {@code raw} as is or entropy-coded, whichever is shorter. */
    Out block(byte[] raw) {
      byte[] coded = raw.length < 32 ? null : encode(raw);
      if (coded != null && coded.length < raw.length) {
        u8(CODED).varint(raw.length).varint(coded.length);
        b.writeBytes(coded);
      } else {
        u8(RAW).varint(raw.length);
        b.writeBytes(raw);
      }
      return this;
    }

    /** {@code n} floats as a block of their byte planes. */
    Out floatBlock(float[] a, int n) {
      byte[] planes = new byte[4 * n];
      for (int i = 0; i < n; i++) {
        int bits = Float.floatToRawIntBits(a[i]);
        for (int k = 0; k < 4; k++) planes[k * n + i] = (byte) (bits >>> (8 * k));
      }
      return block(planes);
    }

    /**
     * {@code n} symbols in {@code [0, alphabet)}: flag, then packed at ⌈log2 alphabet⌉ bits each, or
     * entropy-coded by the symbol coder, whichever is shorter.
     */
    Out symbols(int[] s, int n, int alphabet) {
      int width = widthOf(alphabet);
      byte[] packed = pack(s, n, width);
      byte[] coded = n < 32 ? null : CODER.encode(n == s.length ? s : java.util.Arrays.copyOf(s, n), alphabet);
      if (coded != null && coded.length < packed.length) {
        u8(CODED).varint(coded.length);
        b.writeBytes(coded);
      } else {
        u8(RAW);
        b.writeBytes(packed);
      }
      return this;
    }

    byte[] bytes() {
      return b.toByteArray();
    }
  }

  /** Bits of a fixed-width symbol of an alphabet of size {@code alphabet} (at least 1). */
  static int widthOf(int alphabet) {
    return Math.max(1, 32 - Integer.numberOfLeadingZeros(alphabet - 1));
  }

  /** A reader over a payload; every read past the end is a {@link BadInputException}. */
  static final class In {
    private final byte[] a;
    private int p;

    In(byte[] a) {
      if (a == null) throw new BadInputException("payload is null");
      this.a = a;
    }

    private void need(int n) {
      if (n < 0 || p + (long) n > a.length) throw new BadInputException("payload truncated: " + n + " more bytes wanted at " + p + " of " + a.length);
    }

    int u8() {
      need(1);
      return a[p++] & 0xFF;
    }

    int i32() {
      need(4);
      int v = 0;
      for (int k = 0; k < 4; k++) v |= (a[p++] & 0xFF) << (8 * k);
      return v;
    }

    long i64() {
      need(8);
      long v = 0;
      for (int k = 0; k < 8; k++) v |= (a[p++] & 0xFFL) << (8 * k);
      return v;
    }

    float f32() {
      return Float.intBitsToFloat(i32());
    }

    long varint() {
      long v = 0;
      for (int s = 0; s < 64; s += 7) {
        int b = u8();
        v |= (long) (b & 0x7F) << s;
        if ((b & 0x80) == 0) return v;
      }
      throw new BadInputException("payload: varint longer than 64 bits at " + p);
    }

    int size(long max, String what) {
      long v = varint();
      if (v < 0 || v > max) throw new BadInputException("payload: " + what + " (" + v + ") must be in [0, " + max + "]");
      return (int) v;
    }

    void floats(float[] out, int off, int n) {
      for (int i = 0; i < n; i++) out[off + i] = f32();
    }

    byte[] block(int maxLength) {
      int flag = u8();
      int n = size(maxLength, "block length");
      if (flag == RAW) {
        need(n);
        byte[] r = java.util.Arrays.copyOfRange(a, p, p + n);
        p += n;
        return r;
      }
      if (flag != CODED) throw new BadInputException("payload: block flag (" + flag + ") must be 0 or 1");
      int m = size(a.length, "coded length");
      need(m);
      int[] s = CODER.decode(java.util.Arrays.copyOfRange(a, p, p + m), n);
      p += m;
      if (s.length != n) throw new BadInputException("payload: coded block has " + s.length + " bytes, header says " + n);
      byte[] r = new byte[n];
      for (int i = 0; i < n; i++) r[i] = (byte) s[i];
      return r;
    }

    float[] floatBlock(int n) {
      byte[] planes = block(4 * n);
      if (planes.length != 4 * n) throw new BadInputException("payload: float block has " + planes.length + " bytes, " + 4 * n + " expected");
      float[] out = new float[n];
      for (int i = 0; i < n; i++) {
        int bits = 0;
        for (int k = 0; k < 4; k++) bits |= (planes[k * n + i] & 0xFF) << (8 * k);
        out[i] = Float.intBitsToFloat(bits);
      }
      return out;
    }

    int[] symbols(int n, int alphabet) {
      int flag = u8();
      int[] out;
      if (flag == RAW) {
        int width = widthOf(alphabet);
        int len = (int) (((long) n * width + 7) / 8);
        need(len);
        out = unpack(java.util.Arrays.copyOfRange(a, p, p + len), n, width);
        p += len;
      } else if (flag == CODED) {
        int m = size(a.length, "coded length");
        need(m);
        out = CODER.decode(java.util.Arrays.copyOfRange(a, p, p + m), n);
        p += m;
        if (out.length != n) throw new BadInputException("payload: coded symbols (" + out.length + ") must be " + n);
      } else {
        throw new BadInputException("payload: symbol flag (" + flag + ") must be 0 or 1");
      }
      for (int v : out) if (v < 0 || v >= alphabet) throw new BadInputException("payload: symbol (" + v + ") must be in [0, " + alphabet + ")");
      return out;
    }

    void end() {
      if (p != a.length) throw new BadInputException("payload: " + (a.length - p) + " bytes left over after " + p);
    }
  }

  private static byte[] encode(byte[] raw) {
    int[] s = new int[raw.length];
    for (int i = 0; i < raw.length; i++) s[i] = raw[i] & 0xFF;
    return CODER.encode(s, 256);
  }

  /** Packs {@code n} symbols of {@code width} bits (1 to 16) MSB-first into bytes. */
  static byte[] pack(int[] symbols, int n, int width) {
    byte[] out = new byte[(int) (((long) n * width + 7) / 8)];
    if (width == 1) { // the sign bits: eight at a time
      for (int i = 0; i < n; i++) if (symbols[i] != 0) out[i >>> 3] |= (byte) (0x80 >>> (i & 7));
      return out;
    }
    long bit = 0;
    for (int i = 0; i < n; i++) {
      int v = symbols[i];
      for (int k = width - 1; k >= 0; k--, bit++) if ((v >>> k & 1) != 0) out[(int) (bit >>> 3)] |= (byte) (0x80 >>> (bit & 7));
    }
    return out;
  }

  /** The inverse of {@link #pack}. */
  static int[] unpack(byte[] b, int n, int width) {
    if ((long) b.length * 8 < (long) n * width) throw new BadInputException("payload: " + b.length + " bytes cannot hold " + n + " symbols of " + width + " bits");
    int[] out = new int[n];
    if (width == 1) {
      for (int i = 0; i < n; i++) out[i] = b[i >>> 3] >>> (7 - (i & 7)) & 1;
      return out;
    }
    long bit = 0;
    for (int i = 0; i < n; i++) {
      int v = 0;
      for (int k = 0; k < width; k++, bit++) v = v << 1 | (b[(int) (bit >>> 3)] >>> (7 - (bit & 7)) & 1);
      out[i] = v;
    }
    return out;
  }
}
