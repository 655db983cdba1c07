package dev.fivefold.compress.code;

/**
 * Where the bits of one coded stream go (see {@link EntropyCoder#layout}): {@code headerBits} for
 * the common header (magic, alphabet, count; {@link StreamHeader}), {@code modelBits} for what the
 * coder sends ahead of the payload (its parameters and model table, and the padding to a byte),
 * {@code payloadBits} for the coded symbols (with the coder's flush, e.g. rANS's final states).
 * They add up to {@code 8 * stream.length}.
 *
 * @param coder the name of the coder that wrote the stream
 * @param version the stream layout version, 1 or 2
 * @param headerBits bits of the common header, &ge; 0
 * @param modelBits bits of the coder's parameters, table and padding, &ge; 0
 * @param payloadBits bits of the coded symbols, &ge; 0
 */
public record StreamLayout(String coder, int version, long headerBits, long modelBits, long payloadBits) {
  /**
   * Checks the counts.
   *
   * @throws IllegalArgumentException if a count is negative
   */
  public StreamLayout {
    if (headerBits < 0 || modelBits < 0 || payloadBits < 0) {
      throw new IllegalArgumentException("bits (" + headerBits + ", " + modelBits + ", " + payloadBits + ") must be >= 0");
    }
  }

  /** Reads past the coder's model (everything between the header and the payload) of a non-empty stream. */
  @FunctionalInterface
  interface ModelReader {
    void skip(BitReader r, StreamHeader h);
  }

  /**
   * The layout of {@code stream} written by a coder with this magic byte and name: its header is
   * read, then {@code model} reads past the model when the stream has symbols; the rest is payload.
   */
  static StreamLayout measure(byte[] stream, int magic, String coder, ModelReader model) {
    BitReader r = new BitReader(stream);
    StreamHeader h = StreamHeader.read(r, magic, coder, Integer.MAX_VALUE);
    long header = r.position();
    if (h.count() > 0) model.skip(r, h);
    return new StreamLayout(coder, h.version(), header, r.position() - header, 8L * stream.length - r.position());
  }

  /**
   * All bits of the stream.
   *
   * @return the sum of the three parts
   */
  public long totalBits() {
    return headerBits + modelBits + payloadBits;
  }
}
