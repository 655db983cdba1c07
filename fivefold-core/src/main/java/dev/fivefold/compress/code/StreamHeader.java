package dev.fivefold.compress.code;

import dev.fivefold.io.BadInputException;

/**
 * The header every coder's stream starts with, in one of two layouts:
 *
 * <ul>
 *   <li>version 1: the coder's magic byte, {@code alphabet - 1} in 16 bits, Elias gamma of
 *       {@code count + 1};
 *   <li>version 2 (written now): the magic byte with its high bit set ({@code magic | 0x80}),
 *       Elias gamma of {@code alphabet} (9 bits for 16 symbols, 17 for 256) and of
 *       {@code count + 1}. The high bit also tells the coder to read its version-2 table
 *       ({@link FrequencyTable}) and payload layout.
 * </ul>
 *
 * <p>Reading accepts both, checks the magic and bounds the alphabet by 2^16 and the count by
 * {@code maxSymbols}, so a corrupt header cannot make a decoder allocate without limit.
 *
 * @param version 1 or 2
 */
record StreamHeader(int magic, int alphabet, int count, int version) {
  static final int MAX_ALPHABET = 1 << 16;
  /** Set in the magic byte of a version-2 stream. */
  static final int V2 = 0x80;

  /** A version-2 header. */
  StreamHeader(int magic, int alphabet, int count) {
    this(magic, alphabet, count, 2);
  }

  StreamHeader {
    if (alphabet < 1 || alphabet > MAX_ALPHABET) {
      throw new IllegalArgumentException("alphabet (" + alphabet + ") must be in [1, 65536]");
    }
    if (count < 0) throw new IllegalArgumentException("count (" + count + ") must be >= 0");
    if (version != 1 && version != 2) throw new IllegalArgumentException("version (" + version + ") must be 1 or 2");
  }

  void write(BitWriter w) {
    if (version == 1) {
      w.writeBits(magic, 8);
      w.writeBits(alphabet - 1, 16);
    } else {
      w.writeBits(magic | V2, 8);
      w.writeGamma(alphabet);
    }
    w.writeGamma(count + 1L);
  }

  static StreamHeader read(BitReader r, int expectedMagic, String coder, int maxSymbols) {
    int magic = (int) r.readBits(8);
    int version = magic == (expectedMagic | V2) ? 2 : magic == expectedMagic ? 1 : 0;
    if (version == 0) {
      throw new BadInputException(coder + ": magic (0x" + Integer.toHexString(magic) + ") is not 0x"
          + Integer.toHexString(expectedMagic | V2) + " (or 0x" + Integer.toHexString(expectedMagic) + ", version 1)");
    }
    int alphabet;
    if (version == 1) {
      alphabet = (int) r.readBits(16) + 1;
    } else {
      long a = r.readGamma();
      if (a > MAX_ALPHABET) throw new BadInputException(coder + ": alphabet (" + a + ") exceeds 65536");
      alphabet = (int) a;
    }
    long count = r.readGamma() - 1;
    if (count > maxSymbols) {
      throw new BadInputException(coder + ": symbol count (" + count + ") exceeds the limit (" + maxSymbols + ")");
    }
    return new StreamHeader(expectedMagic, alphabet, (int) count, version);
  }

  /**
   * Rejects a count that cannot fit in the payload: each symbol carries at least
   * {@code -log2(pMax)} bits of information, and a decoder holds at most {@code slackBits} beyond
   * the payload. With {@code pMax == 1} any count is possible.
   */
  static void checkInformation(String coder, int count, double pMax, long payloadBits, long slackBits) {
    if (pMax >= 1) return;
    double minBits = -Math.log(pMax) / Math.log(2) * count;
    if (minBits > (payloadBits + slackBits) * 1.0001 + 64) {
      throw new BadInputException(coder + ": symbol count (" + count + ") needs at least " + (long) minBits
          + " bits but the payload has " + payloadBits);
    }
  }

  /** Throws {@link IllegalArgumentException} unless every symbol is in {@code [0, alphabet)}. */
  static void checkSymbols(int[] symbols, int alphabet) {
    if (alphabet < 1 || alphabet > MAX_ALPHABET) {
      throw new IllegalArgumentException("alphabet (" + alphabet + ") must be in [1, 65536]");
    }
    for (int i = 0; i < symbols.length; i++) {
      if (symbols[i] < 0 || symbols[i] >= alphabet) {
        throw new IllegalArgumentException("symbols[" + i + "] (" + symbols[i] + ") outside alphabet [0, " + alphabet + ")");
      }
    }
  }
}
