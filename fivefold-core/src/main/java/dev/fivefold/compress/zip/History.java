package dev.fivefold.compress.zip;

/**
 * What one segment has coded so far, as the {@link ContextModels} read it: the last 16 bytes, the
 * hashes of the current and the three previous words (case folded), the current word with its case,
 * the column in the line, the last 8 bytes case folded with line breaks read as spaces (wrapped
 * text breaks a line where a space would be), and two indirect tables (paq8's indirect model): for
 * every byte and every pair of bytes, the two bytes that followed its last two occurrences.
 */
final class History {
  /** The last 8 bytes, the last in the low byte. */
  long h;
  /** The 8 bytes before those. */
  long h2;
  /** The last 8 bytes case folded, a line feed read as a space. */
  long folded;
  /** Hashes of the current word (0 between words) and the three before it, case folded. */
  int word, word1, word2, word3;
  /** Hash of the current word with its case (0 between words). */
  int casedWord;
  /** Bytes since the last line feed. */
  int column;
  /** Whether the current line has only spaces and digits so far; the digits and value of its leading number. */
  private boolean lead = true;
  private int leadDigits, leadValue;
  /** The leading number of the last line that began with one (a verse number, a line number), or 0. */
  private int lastLead;
  private final short[] ind1 = new short[256];
  private final short[] ind2 = new short[65536];

  /** The two bytes that followed the last two occurrences of the last byte. */
  int indirect1() {
    return ind1[(int) (h & 0xFF)] & 0xFFFF;
  }

  /** The two bytes that followed the last two occurrences of the last two bytes. */
  int indirect2() {
    return ind2[(int) (h & 0xFFFF)] & 0xFFFF;
  }

  /**
   * The numbering context: in the leading number of a line (after optional spaces), the byte that
   * continues the last line's leading number plus one ("13" after a line that began with "12"),
   * whether the digits so far agree with it and how many there are; elsewhere 0. Verse numbers,
   * line numbers and record counters that count up are predicted by it.
   */
  int numbering() {
    if (!lead) return 0;
    String e = Integer.toString(lastLead + 1);
    int want = leadDigits < e.length() ? e.charAt(leadDigits) : ' ';
    boolean agree = leadDigits == 0 || (leadDigits <= e.length() && Integer.parseInt(e, 0, leadDigits, 10) == leadValue);
    return 1 << 20 | (agree ? 1 << 16 : 0) | Math.min(leadDigits, 7) << 12 | Math.min(column, 15) << 8 | want;
  }

  /** Appends byte b. */
  void add(int b) {
    int c1 = (int) (h & 0xFF), c2 = (int) (h & 0xFFFF);
    ind1[c1] = (short) ((ind1[c1] << 8) | b);
    ind2[c2] = (short) ((ind2[c2] << 8) | b);
    h2 = (h2 << 8) | (h >>> 56);
    h = (h << 8) | b;
    int lower = b >= 'A' && b <= 'Z' ? b + 32 : b;
    folded = (folded << 8) | (b == '\n' ? ' ' : lower);
    if ((lower >= 'a' && lower <= 'z') || b >= 128) {
      word = (word + lower + 1) * 0x3D4D51CB;
      casedWord = (casedWord + b + 1) * 0x2F0B3A49;
    } else if (word != 0) {
      word3 = word2;
      word2 = word1;
      word1 = word;
      word = 0;
      casedWord = 0;
    }
    column = b == '\n' ? 0 : column + 1;
    if (b == '\n') {
      lead = true;
      leadDigits = 0;
      leadValue = 0;
    } else if (lead) {
      if (b >= '0' && b <= '9' && leadDigits < 9) {
        leadValue = leadValue * 10 + (b - '0');
        leadDigits++;
      } else {
        if (leadDigits > 0) lastLead = leadValue;
        lead = b == ' ' && leadDigits == 0;
      }
    }
  }
}
