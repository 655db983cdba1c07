package dev.fivefold.compress.code;

import dev.fivefold.io.BadInputException;
import java.util.List;

/**
 * Per stream, the smallest of several coders: {@link #encode} runs every candidate and keeps the
 * shortest stream (the first on ties); {@link #decode} dispatches on the stream's magic byte, which
 * names the coder that wrote it ({@code 'H'} Huffman, {@code 'R'} rANS, {@code 'A'} static and
 * {@code 'a'} adaptive arithmetic; with the high bit set in version 2). So the stream format is exactly the chosen coder's; nothing
 * is added. Small streams usually go to the adaptive coder (no model table to send), large skewed
 * ones to rANS or the static range coder.
 *
 * <p>Candidates of one class share a magic byte (e.g. rANS at two precisions); that is fine because
 * each coder's parameters are in its stream, so any instance of the class decodes it.
 *
 * @param candidates the coders to try
 */
public record SmallestCoder(List<EntropyCoder> candidates) implements EntropyCoder {
  /**
   * Copies the candidates and checks that each has a known magic byte.
   *
   * @throws IllegalArgumentException if the list is empty or holds a coder of an unknown class
   */
  public SmallestCoder {
    candidates = List.copyOf(candidates);
    if (candidates.isEmpty()) throw new IllegalArgumentException("candidates must not be empty");
    for (EntropyCoder c : candidates) magic(c); // throws for a coder without a known magic byte
  }

  /**
   * rANS (default, and 2^16 with one state: 12 fewer bytes of final states), static arithmetic,
   * adaptive arithmetic with increments 24 (default: alphabets with many unused symbols) and 2
   * (Krichevsky–Trofimov: all symbols used), Huffman.
   *
   * @return the coder
   */
  public static SmallestCoder defaults() {
    return new SmallestCoder(List.of(EntropyCoder.rans(), new RansCoder(16, 1), EntropyCoder.staticArithmetic(),
        EntropyCoder.adaptiveArithmetic(), new AdaptiveArithmeticCoder(2, AdaptiveArithmeticCoder.DEFAULT_LIMIT), EntropyCoder.huffman()));
  }

  @Override
  public String name() {
    return "smallest";
  }

  @Override
  public byte[] encode(int[] symbols, int alphabet) {
    byte[] best = null;
    for (EntropyCoder c : candidates) {
      byte[] b = c.encode(symbols, alphabet);
      if (best == null || b.length < best.length) best = b;
    }
    return best;
  }

  @Override
  public int[] decode(byte[] stream, int maxSymbols) {
    return reader(stream).decode(stream, maxSymbols);
  }

  @Override
  public StreamLayout layout(byte[] stream) {
    return reader(stream).layout(stream);
  }

  private EntropyCoder reader(byte[] stream) {
    if (stream.length == 0) throw new BadInputException(name() + ": empty stream");
    EntropyCoder c = coderOf(stream);
    if (c == null) throw new BadInputException(name() + ": magic (0x" + Integer.toHexString(stream[0] & 0xFF) + ") names none of the coders");
    return c;
  }

  /**
   * The coder that wrote {@code stream} (by its magic byte, either version), or null.
   *
   * @param stream the stream
   * @return the candidate that decodes it, or null for an empty stream or an unknown magic byte
   */
  public EntropyCoder coderOf(byte[] stream) {
    if (stream.length == 0) return null;
    int m = stream[0] & 0xFF & ~StreamHeader.V2;
    for (EntropyCoder c : candidates) if (magic(c) == m) return c;
    return null;
  }

  static int magic(EntropyCoder c) {
    return switch (c) {
      case HuffmanCoder h -> HuffmanCoder.MAGIC;
      case RansCoder r -> RansCoder.MAGIC;
      case StaticArithmeticCoder s -> StaticArithmeticCoder.MAGIC;
      case AdaptiveArithmeticCoder a -> AdaptiveArithmeticCoder.MAGIC;
      default -> throw new IllegalArgumentException("coder " + c.name() + " has no known magic byte");
    };
  }
}
