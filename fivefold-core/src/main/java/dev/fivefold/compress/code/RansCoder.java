package dev.fivefold.compress.code;

import dev.fivefold.io.BadInputException;
import java.util.Arrays;

/**
 * Range asymmetric numeral systems (rANS; Duda 2013, "Asymmetric numeral systems: entropy coding
 * combining speed of Huffman coding with compression rate of arithmetic coding", arXiv:1311.2540)
 * with byte-wise renormalisation after Giesen's {@code rans_byte.h} (2014) and interleaved states
 * (Giesen 2014, "Interleaved entropy coders", arXiv:1402.3392).
 *
 * <p>Maths: with a static model {@code f_s}, {@code c_s} (start), {@code M = 2^scaleBits}, a state
 * {@code x} encodes {@code s} as {@code C(s, x) = floor(x / f_s) * M + (x mod f_s) + c_s} and
 * decodes with {@code slot = x mod M}, {@code s = lookup[slot]},
 * {@code x = f_s * floor(x / M) + slot - c_s}. States stay in {@code [L, 256 L)}, {@code L = 2^23}:
 * before encoding, bytes {@code x mod 256} are pushed out while {@code x >= (L / M) * 256 * f_s};
 * after decoding, bytes are pulled in while {@code x < L}. Each symbol costs {@code log2(M / f_s)}
 * bits up to a negligible state-range loss.
 *
 * <p>rANS is last-in, first-out: symbols are encoded from last to first and bytes reversed, so the
 * decoder runs forward. Symbol {@code i} uses state {@code i mod streams}; all states share one byte
 * stream, which is valid because the decoder consumes bytes in the exact reverse order the
 * encoder produced them. Independent states let the CPU overlap the dependent chains.
 *
 * <p>Stream: the common header ({@link StreamHeader}, magic {@code 'R'}); if the count is nonzero, the {@link StaticModel},
 * {@code streams - 1} in 5 bits, padding to a byte, then the final states (4 bytes each,
 * little-endian, state 0 first) and the renormalisation bytes. The decoder checks that every
 * state returns to {@code L} and every byte is consumed, so most corruption is detected. The
 * decoder looks symbols up in a {@code 2^scaleBits} slot table (Giesen's; not an alias table,
 * which only pays off for larger {@code M}).
 *
 * @param scaleBits model precision {@code M = 2^scaleBits}, {@code [12, 16]}, default 15; raised
 *     to fit the used symbols
 * @param streams interleaved states, {@code [1, 32]}, default 4
 */
public record RansCoder(int scaleBits, int streams) implements EntropyCoder {
  public static final int DEFAULT_SCALE_BITS = 15;
  public static final int DEFAULT_STREAMS = 4;
  static final int MAGIC = 'R';
  private static final int MAX_SCALE_BITS = 16;
  private static final int L = 1 << 23;

  /**
   * Checks the ranges.
   *
   * @throws IllegalArgumentException if {@code scaleBits} is outside [12, 16] or {@code streams} outside [1,
   *     32]
   */
  public RansCoder {
    if (scaleBits < 12 || scaleBits > MAX_SCALE_BITS) {
      throw new IllegalArgumentException("scaleBits (" + scaleBits + ") must be in [12, 16]");
    }
    if (streams < 1 || streams > 32) throw new IllegalArgumentException("streams (" + streams + ") must be in [1, 32]");
  }

  @Override
  public String name() {
    return "rans";
  }

  @Override
  public byte[] encode(int[] symbols, int alphabet) {
    StreamHeader.checkSymbols(symbols, alphabet);
    BitWriter w = new BitWriter();
    new StreamHeader(MAGIC, alphabet, symbols.length).write(w);
    if (symbols.length == 0) return w.toByteArray();
    StaticModel m = StaticModel.fromCounts(Frequencies.count(symbols, alphabet), scaleBits, MAX_SCALE_BITS);
    m.write(w);
    w.writeBits(streams - 1, 5);
    w.alignToByte();
    byte[] payload = encodePayload(symbols, m);
    w.writeBytes(payload, 0, payload.length);
    return w.toByteArray();
  }

  private byte[] encodePayload(int[] symbols, StaticModel m) {
    int bits = m.scaleBits;
    int[] freq = m.freq, start = m.start;
    int[] x = new int[streams];
    Arrays.fill(x, L);
    byte[] out = new byte[symbols.length / 2 + 4 * streams + 16];
    int n = 0;
    long xmaxUnit = (long) (L >>> bits) << 8;
    for (int i = symbols.length - 1, j = i % streams; i >= 0; i--, j = j == 0 ? streams - 1 : j - 1) {
      int s = symbols[i];
      int f = freq[s];
      int xs = x[j];
      long xmax = xmaxUnit * f;
      if (n + 4 > out.length) out = Arrays.copyOf(out, out.length * 2);
      while (xs >= xmax) {
        out[n++] = (byte) xs;
        xs >>>= 8;
      }
      int q = xs / f;
      x[j] = (q << bits) + (xs - q * f) + start[s];
    }
    if (n + 4 * streams > out.length) out = Arrays.copyOf(out, n + 4 * streams);
    for (int j = streams - 1; j >= 0; j--) {
      for (int k = 24; k >= 0; k -= 8) out[n++] = (byte) (x[j] >>> k);
    }
    byte[] rev = new byte[n];
    for (int k = 0; k < n; k++) rev[k] = out[n - 1 - k];
    return rev;
  }

  @Override
  public StreamLayout layout(byte[] stream) {
    return StreamLayout.measure(stream, MAGIC, name(), (r, h) -> {
      StaticModel.read(r, h.alphabet(), MAX_SCALE_BITS, name(), h.version());
      r.readBits(5);
      r.alignToByte();
    });
  }

  @Override
  public int[] decode(byte[] stream, int maxSymbols) {
    BitReader r = new BitReader(stream);
    StreamHeader h = StreamHeader.read(r, MAGIC, name(), maxSymbols);
    if (h.count() == 0) return new int[0];
    StaticModel m = StaticModel.read(r, h.alphabet(), MAX_SCALE_BITS, name(), h.version());
    int nStreams = (int) r.readBits(5) + 1;
    r.alignToByte();
    StreamHeader.checkInformation(name(), h.count(), m.maxProbability(), r.remaining(), 32L * nStreams + 64);
    int pos = r.byteOffset();
    int end = stream.length;
    if (end - pos < 4L * nStreams) throw new BadInputException(name() + ": truncated stream at bit " + 8L * end);
    int[] x = new int[nStreams];
    for (int j = 0; j < nStreams; j++) {
      long v = (stream[pos] & 0xFF) | (stream[pos + 1] & 0xFF) << 8 | (stream[pos + 2] & 0xFF) << 16
          | (long) (stream[pos + 3] & 0xFF) << 24;
      pos += 4;
      if (v < L || v >= 256L * L) throw new BadInputException(name() + ": state " + j + " (" + v + ") outside [2^23, 2^31)");
      x[j] = (int) v;
    }
    int bits = m.scaleBits;
    int mask = (1 << bits) - 1;
    int[] freq = m.freq, start = m.start;
    char[] lookup = m.lookup();
    int[] out = new int[h.count()];
    for (int i = 0, j = 0; i < out.length; i++) {
      int xs = x[j];
      int slot = xs & mask;
      int s = lookup[slot];
      xs = freq[s] * (xs >>> bits) + slot - start[s];
      while (xs < L) {
        if (pos >= end) throw new BadInputException(name() + ": truncated stream at bit " + 8L * end);
        xs = (xs << 8) | (stream[pos++] & 0xFF);
      }
      x[j] = xs;
      out[i] = s;
      if (++j == nStreams) j = 0;
    }
    for (int j = 0; j < nStreams; j++) {
      if (x[j] != L) throw new BadInputException(name() + ": corrupt stream (state " + j + " ends at " + x[j] + ", not 2^23)");
    }
    if (pos != end) throw new BadInputException(name() + ": corrupt stream (" + (end - pos) + " trailing bytes)");
    return out;
  }
}
