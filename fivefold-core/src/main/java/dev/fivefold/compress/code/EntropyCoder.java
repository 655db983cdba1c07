package dev.fivefold.compress.code;

/**
 * An order-0 entropy coder: symbols in {@code [0, alphabet)} to one self-contained byte stream
 * (header, model table, payload) and back.
 *
 * <p>Stream layout, common to all coders: the {@link StreamHeader} (magic byte, alphabet, symbol
 * count), then the coder's parameters and table, then the payload; {@link #layout} says how many
 * bits each part takes. Encoders write version 2; decoders read versions 1 and 2.
 *
 * <p>Contract: {@code decode(encode(s, a))} equals {@code s} exactly for every {@code s} with
 * symbols in {@code [0, a)}, {@code 1 <= a <= 65536}, including the empty sequence and a sequence of
 * one repeated symbol. {@code encode} throws {@link IllegalArgumentException} for a symbol outside
 * the alphabet. {@code decode} throws {@link dev.fivefold.io.BadInputException} for a corrupt,
 * truncated or foreign stream and for a symbol count above {@code maxSymbols}; it never loops
 * without consuming input and never allocates more than the limits allow.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface EntropyCoder {
  /** Default bound on the symbol count a decoder accepts: 2^27 symbols (a 512 MiB {@code int[]}). */
  int DEFAULT_MAX_SYMBOLS = 1 << 27;

  /**
   * A short name for tables, e.g. {@code "rans"}.
   *
   * @return the name
   */
  String name();

  /**
   * Encodes {@code symbols}, each in {@code [0, alphabet)}, {@code 1 <= alphabet <= 65536}.
   *
   * @param symbols the symbols
   * @param alphabet the alphabet size
   * @return the stream
   * @throws IllegalArgumentException for a symbol outside the alphabet or an alphabet outside 1..65536
   */
  byte[] encode(int[] symbols, int alphabet);

  /**
   * Decodes a stream written by {@link #encode}, accepting at most {@code maxSymbols} symbols.
   *
   * @param stream the stream
   * @param maxSymbols the largest symbol count accepted
   * @return the symbols
   * @throws dev.fivefold.io.BadInputException for a corrupt, truncated or foreign stream or too many symbols
   */
  int[] decode(byte[] stream, int maxSymbols);

  /**
   * Where the bits of {@code stream} (written by {@link #encode}) go: header, model table,
   * payload; parses the header and table without decoding the payload. {@link
   * dev.fivefold.io.BadInputException} for a stream this coder cannot read.
   *
   * @param stream the stream
   * @return the bits of each part
   */
  StreamLayout layout(byte[] stream);

  /**
   * {@link #decode(byte[], int)} with {@link #DEFAULT_MAX_SYMBOLS}.
   *
   * @param stream the stream
   * @return the symbols
   */
  default int[] decode(byte[] stream) {
    return decode(stream, DEFAULT_MAX_SYMBOLS);
  }

  /**
   * Canonical Huffman with codes of at most 15 bits.
   *
   * @return the coder
   */
  static EntropyCoder huffman() {
    return new HuffmanCoder(HuffmanCoder.DEFAULT_MAX_CODE_LENGTH);
  }

  /**
   * Range coder over a static model normalised to 2^16.
   *
   * @return the coder
   */
  static EntropyCoder staticArithmetic() {
    return new StaticArithmeticCoder(StaticArithmeticCoder.DEFAULT_SCALE_BITS);
  }

  /**
   * Range coder over an adaptive model (increment 24, rescale at 2^16).
   *
   * @return the coder
   */
  static EntropyCoder adaptiveArithmetic() {
    return new AdaptiveArithmeticCoder(AdaptiveArithmeticCoder.DEFAULT_INCREMENT, AdaptiveArithmeticCoder.DEFAULT_LIMIT);
  }

  /**
   * rANS with a model normalised to 2^15 and 4 interleaved states.
   *
   * @return the coder
   */
  static EntropyCoder rans() {
    return new RansCoder(RansCoder.DEFAULT_SCALE_BITS, RansCoder.DEFAULT_STREAMS);
  }
}
