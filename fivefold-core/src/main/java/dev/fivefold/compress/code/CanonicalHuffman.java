package dev.fivefold.compress.code;

import dev.fivefold.io.BadInputException;
import java.util.Arrays;

/**
 * A canonical, length-limited Huffman code: code lengths from symbol counts, then codes assigned
 * in order of (length, symbol), so the lengths alone describe the code (Schwartz and Kallick 1964;
 * the DEFLATE convention, RFC 1951 section 3.2.2).
 *
 * <p>Lengths come from Huffman's algorithm (Huffman 1952) run in linear time on sorted counts with
 * two queues (van Leeuwen 1976). If the longest code exceeds {@code maxLength}, counts are
 * flattened, {@code c -> max(1, c >> k)} for {@code k = 1, 2, ...}, and the code rebuilt: a
 * heuristic, not package-merge, whose loss on realistic data is a small fraction of a bit per
 * symbol. It terminates because equal counts give lengths {@code <= ceil(log2 used)}; the limit is
 * therefore raised to {@code ceil(log2 used)} when it is smaller.
 *
 * <p>One used symbol gets length 1 (its coder then writes no payload); no used symbol, no codes.
 */
final class CanonicalHuffman {
  /** Lookup bits of the decoder's first-level table. */
  private static final int TABLE_BITS = 10;

  final int[] lengths; // per symbol, 0 = unused
  final int[] codes; // per symbol, right-aligned
  final int maxLength;
  // decoder: per length l, first code and index of its first symbol in sorted[]
  private final int[] firstCode;
  private final int[] firstIndex;
  private final int[] countPerLength;
  private final int[] sorted;
  private final int[] table; // (symbol << 5) | length for codes <= tableBits, else 0
  private final int tableBits;

  private CanonicalHuffman(int[] lengths) {
    this.lengths = lengths;
    int max = 0;
    for (int l : lengths) max = Math.max(max, l);
    this.maxLength = max;
    countPerLength = new int[max + 1];
    for (int l : lengths) if (l > 0) countPerLength[l]++;
    firstCode = new int[max + 2];
    firstIndex = new int[max + 2];
    int code = 0, index = 0;
    for (int l = 1; l <= max; l++) {
      firstCode[l] = code;
      firstIndex[l] = index;
      code = (code + countPerLength[l]) << 1;
      index += countPerLength[l];
    }
    sorted = new int[index];
    codes = new int[lengths.length];
    int[] next = Arrays.copyOf(firstIndex, max + 1);
    for (int s = 0; s < lengths.length; s++) {
      int l = lengths[s];
      if (l == 0) continue;
      int i = next[l]++;
      sorted[i] = s;
      codes[s] = firstCode[l] + (i - firstIndex[l]);
    }
    int tb = Math.min(TABLE_BITS, max);
    tableBits = tb;
    table = new int[1 << tb];
    for (int s = 0; s < lengths.length; s++) {
      int l = lengths[s];
      if (l == 0 || l > tb) continue;
      int lo = codes[s] << (tb - l), hi = (codes[s] + 1) << (tb - l);
      for (int j = lo; j < hi; j++) table[j] = (s << 5) | l;
    }
  }

  /** The code for these counts with codes of at most {@code maxLength} bits (raised as above). */
  static CanonicalHuffman fromCounts(long[] counts, int maxLength) {
    int used = Frequencies.used(counts);
    int need = used <= 1 ? 1 : 32 - Integer.numberOfLeadingZeros(used - 1);
    int limit = Math.max(maxLength, need);
    long[] c = counts.clone();
    for (int shift = 1; ; shift++) {
      int[] lengths = lengths(c);
      int max = 0;
      for (int l : lengths) max = Math.max(max, l);
      if (max <= limit) return new CanonicalHuffman(lengths);
      for (int s = 0; s < c.length; s++) if (counts[s] > 0) c[s] = Math.max(1, counts[s] >> shift);
    }
  }

  /**
   * The code with these lengths (each already in {@code [0, 24]}), validated as a stream table: with
   * two or more used symbols the Kraft sum must be exactly 1, so every bit string decodes.
   */
  static CanonicalHuffman fromLengths(int[] lengths, String coder) {
    int used = 0;
    long kraft = 0; // in units of 2^-24
    for (int l : lengths) {
      if (l == 0) continue;
      used++;
      kraft += 1L << (24 - l);
    }
    if (used >= 2 && kraft != 1L << 24) {
      throw new BadInputException(coder + ": code lengths are not a complete prefix code (Kraft sum " + kraft + "/2^24)");
    }
    return new CanonicalHuffman(lengths);
  }

  /** Huffman code lengths, 0 for unused symbols; one used symbol gets length 1. */
  private static int[] lengths(long[] counts) {
    int n = counts.length;
    int used = Frequencies.used(counts);
    int[] len = new int[n];
    if (used <= 1) {
      for (int s = 0; s < n; s++) if (counts[s] > 0) len[s] = 1;
      return len;
    }
    // leaves sorted by count: key = count << 17 | symbol (counts < 2^46)
    long[] leaves = new long[used];
    int k = 0;
    for (int s = 0; s < n; s++) if (counts[s] > 0) leaves[k++] = (counts[s] << 17) | s;
    Arrays.sort(leaves);
    // nodes 0..used-1 leaves, used..2*used-2 internal (created in non-decreasing weight)
    long[] weight = new long[2 * used - 1];
    int[] parent = new int[2 * used - 1];
    for (int i = 0; i < used; i++) weight[i] = leaves[i] >>> 17;
    int leaf = 0, inner = used, next = used;
    while (next < 2 * used - 1) {
      int a = (leaf < used && (inner >= next || weight[leaf] <= weight[inner])) ? leaf++ : inner++;
      int b = (leaf < used && (inner >= next || weight[leaf] <= weight[inner])) ? leaf++ : inner++;
      weight[next] = weight[a] + weight[b];
      parent[a] = next;
      parent[b] = next;
      next++;
    }
    int[] depth = new int[2 * used - 1];
    for (int i = 2 * used - 3; i >= 0; i--) depth[i] = depth[parent[i]] + 1;
    for (int i = 0; i < used; i++) len[(int) (leaves[i] & 0x1FFFF)] = depth[i];
    return len;
  }

  void encode(BitWriter w, int symbol) {
    w.writeBits(codes[symbol], lengths[symbol]);
  }

  /** Decodes one symbol; a code of two or more symbols is complete, so this always succeeds. */
  int decode(BitReader r) {
    int tb = tableBits;
    int e = table[(int) r.peekBits(tb)];
    if (e != 0) {
      r.skipBits(e & 31);
      return e >>> 5;
    }
    long bits = r.peekBits(maxLength);
    for (int l = tb + 1; l <= maxLength; l++) {
      int code = (int) (bits >>> (maxLength - l));
      int i = code - firstCode[l];
      if (i >= 0 && i < countPerLength[l]) {
        r.skipBits(l);
        return sorted[firstIndex[l] + i];
      }
    }
    throw new BadInputException("huffman: invalid code at bit " + r.position());
  }
}
