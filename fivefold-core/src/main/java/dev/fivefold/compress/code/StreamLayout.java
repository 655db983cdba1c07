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
 */
public record StreamLayout(String coder, int version, long headerBits, long modelBits, long payloadBits) {
  public StreamLayout {
    if (headerBits < 0 || modelBits < 0 || payloadBits < 0) {
      throw new IllegalArgumentException("bits (" + headerBits + ", " + modelBits + ", " + payloadBits + ") must be >= 0");
    }
  }

  /** All bits of the stream. */
  public long totalBits() {
    return headerBits + modelBits + payloadBits;
  }
}
