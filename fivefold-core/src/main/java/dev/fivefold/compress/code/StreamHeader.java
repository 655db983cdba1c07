package dev.fivefold.compress.code;

import dev.fivefold.io.BadInputException;

/**
 * The header every coder's stream starts with: a magic byte naming the coder, the alphabet size
 * minus one in 16 bits, and the symbol count as Elias gamma of {@code count + 1}.
 *
 * <p>Reading checks the magic and bounds the count by {@code maxSymbols}, so a corrupt header
 * cannot make a decoder allocate without limit.
 */
record StreamHeader(int magic, int alphabet, int count) {
  static final int MAX_ALPHABET = 1 << 16;

  StreamHeader {
    if (alphabet < 1 || alphabet > MAX_ALPHABET) {
      throw new IllegalArgumentException("alphabet (" + alphabet + ") must be in [1, 65536]");
    }
    if (count < 0) throw new IllegalArgumentException("count (" + count + ") must be >= 0");
  }

  void write(BitWriter w) {
    w.writeBits(magic, 8);
    w.writeBits(alphabet - 1, 16);
    w.writeGamma(count + 1L);
  }

  static StreamHeader read(BitReader r, int expectedMagic, String coder, int maxSymbols) {
    int magic = (int) r.readBits(8);
    if (magic != expectedMagic) {
      throw new BadInputException(coder + ": magic (0x" + Integer.toHexString(magic) + ") is not 0x"
          + Integer.toHexString(expectedMagic));
    }
    int alphabet = (int) r.readBits(16) + 1;
    long count = r.readGamma() - 1;
    if (count > maxSymbols) {
      throw new BadInputException(coder + ": symbol count (" + count + ") exceeds the limit (" + maxSymbols + ")");
    }
    return new StreamHeader(magic, alphabet, (int) count);
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
