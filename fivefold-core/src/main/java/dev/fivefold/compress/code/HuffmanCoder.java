package dev.fivefold.compress.code;

import dev.fivefold.io.BadInputException;

/**
 * Canonical length-limited Huffman coding (see {@link CanonicalHuffman} for the construction).
 *
 * <p>Stream: the common header ({@link StreamHeader}, magic {@code 'H'}; versions 1 and 2 differ
 * only there), then the code lengths as a {@link CountTable}
 * (each length {@code <= 24}; zero runs are cheap), then the codes MSB-first, padded to a byte.
 * One used symbol is stored with length 1 and costs no payload bits; an empty input has no table.
 *
 * <p>A Huffman code spends a whole number of bits per symbol, so it is within 1 bit per symbol of
 * the entropy (Gallager 1978) and far worse on skewed data (p = 0.999 still costs 1 bit).
 *
 * @param maxCodeLength longest code in bits, {@code [1, 24]}, default 15 (DEFLATE's limit; the
 *     decoder's fallback scan stays short); raised to {@code ceil(log2 used)} if smaller
 */
public record HuffmanCoder(int maxCodeLength) implements EntropyCoder {
  public static final int DEFAULT_MAX_CODE_LENGTH = 15;
  static final int MAGIC = 'H';
  private static final int MAX_LENGTH = 24;

  /**
   * Checks the range.
   *
   * @throws IllegalArgumentException if {@code maxCodeLength} is outside [1, 24]
   */
  public HuffmanCoder {
    if (maxCodeLength < 1 || maxCodeLength > MAX_LENGTH) {
      throw new IllegalArgumentException("maxCodeLength (" + maxCodeLength + ") must be in [1, 24]");
    }
  }

  @Override
  public String name() {
    return "huffman";
  }

  @Override
  public byte[] encode(int[] symbols, int alphabet) {
    StreamHeader.checkSymbols(symbols, alphabet);
    BitWriter w = new BitWriter(symbols.length / 2 + 64);
    new StreamHeader(MAGIC, alphabet, symbols.length).write(w);
    if (symbols.length > 0) {
      long[] counts = Frequencies.count(symbols, alphabet);
      CanonicalHuffman code = CanonicalHuffman.fromCounts(counts, maxCodeLength);
      CountTable.write(w, code.lengths);
      if (Frequencies.used(counts) > 1) for (int s : symbols) code.encode(w, s);
    }
    return w.toByteArray();
  }

  @Override
  public StreamLayout layout(byte[] stream) {
    return StreamLayout.measure(stream, MAGIC, name(), (r, h) -> CountTable.read(r, h.alphabet(), MAX_LENGTH, name()));
  }

  @Override
  public int[] decode(byte[] stream, int maxSymbols) {
    BitReader r = new BitReader(stream);
    StreamHeader h = StreamHeader.read(r, MAGIC, name(), maxSymbols);
    if (h.count() == 0) return new int[0];
    int[] lengths = CountTable.read(r, h.alphabet(), MAX_LENGTH, name());
    CanonicalHuffman code = CanonicalHuffman.fromLengths(lengths, name());
    int used = 0, only = -1;
    for (int s = 0; s < lengths.length; s++) {
      if (lengths[s] > 0) {
        used++;
        only = s;
      }
    }
    if (used == 0) {
      throw new BadInputException(name() + ": table has no used symbol for " + h.count() + " symbols");
    }
    int[] out;
    if (used == 1) {
      out = new int[h.count()];
      java.util.Arrays.fill(out, only); // one used symbol: no payload
      return out;
    }
    if (h.count() > r.remaining()) { // every code has at least one bit
      throw new BadInputException(name() + ": symbol count (" + h.count() + ") exceeds payload bits (" + r.remaining() + ")");
    }
    out = new int[h.count()];
    for (int i = 0; i < out.length; i++) out[i] = code.decode(r);
    return out;
  }
}
