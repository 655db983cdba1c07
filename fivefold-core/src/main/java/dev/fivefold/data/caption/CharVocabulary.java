package dev.fivefold.data.caption;

import java.util.Arrays;
import java.util.Collection;
import java.util.TreeSet;

/**
 * The characters a character-level text encoder reads. Ids: 0 is padding, 1 the class token that
 * starts every encoded text (the encoder's summary position, BERT's [CLS]), and character
 * {@code chars[i]} is {@code 2 + i}; {@link #size()} = |chars| + 2.
 *
 * <p>{@link #encode} writes a text into a fixed context of T ids: the class token, the characters,
 * then padding. A text longer than T − 1 characters, or holding a character outside the
 * vocabulary, is refused with a one-line {@link IllegalArgumentException} naming the text and the
 * value; nothing is truncated or skipped silently.
 *
 * @param chars the characters, each once, at least one
 */
public record CharVocabulary(String chars) {
  /** The padding id. */
  public static final int PAD = 0;
  /** The class token's id, first of every encoded text. */
  public static final int CLS = 1;

  /**
   * Checks the characters.
   *
   * @throws IllegalArgumentException if {@code chars} is null, empty, or holds a character twice
   */
  public CharVocabulary {
    if (chars == null || chars.isEmpty()) throw new IllegalArgumentException("vocabulary (\"" + (chars == null ? "null" : "") + "\") must hold at least one character");
    for (int i = 0; i < chars.length(); i++) {
      if (chars.indexOf(chars.charAt(i)) != i) throw new IllegalArgumentException("vocabulary (\"" + chars + "\") holds '" + chars.charAt(i) + "' twice");
    }
  }

  /**
   * The sorted set of the characters of {@code texts}; an empty collection (or only empty texts) is refused.
   *
   * @param texts the texts
   * @return the vocabulary of their characters
   * @throws IllegalArgumentException if the texts hold no character
   */
  public static CharVocabulary of(Collection<String> texts) {
    TreeSet<Character> set = new TreeSet<>();
    for (String t : texts) for (char c : t.toCharArray()) set.add(c);
    StringBuilder b = new StringBuilder();
    for (char c : set) b.append(c);
    return new CharVocabulary(b.toString());
  }

  /**
   * Ids in use: the characters, padding and the class token.
   *
   * @return |chars| + 2
   */
  public int size() {
    return chars.length() + 2;
  }

  /**
   * The id of {@code c}, or -1 if it is not in the vocabulary.
   *
   * @param c the character
   * @return its id, at least 2, or -1
   */
  public int id(char c) {
    int i = chars.indexOf(c);
    return i < 0 ? -1 : i + 2;
  }

  /**
   * A fresh array of {@code context} ids for {@code text} (see {@link #encode(String, int, int[], int)}).
   *
   * @param text the text
   * @param context the number of ids, at least 2
   * @return the ids
   * @throws IllegalArgumentException as {@link #encode(String, int, int[], int)}
   */
  public int[] encode(String text, int context) {
    int[] out = new int[context];
    encode(text, context, out, 0);
    return out;
  }

  /**
   * Writes {@code text} as {@code context} ids at {@code out[offset ..]}: CLS, one id per character,
   * PAD to the end.
   *
   * @param text the text, at most {@code context − 1} characters
   * @param context the number of ids written, at least 2
   * @param out receives the ids
   * @param offset the first index written
   * @throws IllegalArgumentException if the text has more than {@code context − 1} characters or a
   *     character outside the vocabulary (the message names the text, the character and its index)
   */
  public void encode(String text, int context, int[] out, int offset) {
    if (context < 2) throw new IllegalArgumentException("text context (" + context + ") must be >= 2 (the class token and one character)");
    if (text.length() > context - 1) {
      throw new IllegalArgumentException("caption (\"" + text + "\") has " + text.length() + " characters; the text context (" + context + ") holds " + (context - 1)
          + " after the class token");
    }
    out[offset] = CLS;
    for (int i = 0; i < text.length(); i++) {
      int id = id(text.charAt(i));
      if (id < 0) {
        throw new IllegalArgumentException("caption (\"" + text + "\"): character '" + text.charAt(i) + "' (U+" + String.format("%04X", (int) text.charAt(i)) + ") at "
            + i + " is not in the vocabulary (\"" + chars + "\")");
      }
      out[offset + 1 + i] = id;
    }
    Arrays.fill(out, offset + 1 + text.length(), offset + context, PAD);
  }
}
