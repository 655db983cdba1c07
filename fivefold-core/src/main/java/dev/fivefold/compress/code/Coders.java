package dev.fivefold.compress.code;

import java.util.List;

/**
 * The entropy coders by name, as {@code compress --codec} and archive reports spell them:
 * {@code huffman} ({@link EntropyCoder#huffman}), {@code rans} or {@code ans} ({@link
 * EntropyCoder#rans}), {@code arith} or {@code arith-static} ({@link
 * EntropyCoder#staticArithmetic}), {@code arith-adaptive} ({@link EntropyCoder#adaptiveArithmetic}),
 * {@code smallest} or {@code best} ({@link SmallestCoder#defaults}: each stream by whichever is
 * shortest).
 */
public final class Coders {
  private Coders() {}

  /** The names {@link #byName} documents (it also takes the aliases ans, arith-static, best). */
  public static final List<String> NAMES = List.of("huffman", "rans", "ans", "arith", "arith-adaptive", "smallest");

  /**
   * A coder by name.
   *
   * @param name one of {@link #NAMES} or an alias
   * @return the coder
   * @throws IllegalArgumentException naming {@code name} if no coder has it
   */
  public static EntropyCoder byName(String name) {
    return switch (name) {
      case "huffman" -> EntropyCoder.huffman();
      case "rans", "ans" -> EntropyCoder.rans();
      case "arith", "arith-static" -> EntropyCoder.staticArithmetic();
      case "arith-adaptive" -> EntropyCoder.adaptiveArithmetic();
      case "smallest", "best" -> SmallestCoder.defaults();
      default -> throw new IllegalArgumentException("coder (" + name + ") must be one of " + String.join(", ", NAMES));
    };
  }
}
