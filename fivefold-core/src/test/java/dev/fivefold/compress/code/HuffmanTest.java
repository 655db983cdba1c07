package dev.fivefold.compress.code;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.tensor.Rng;
import java.util.PriorityQueue;
import org.junit.jupiter.api.Test;

/** Code lengths against a priority-queue Huffman oracle; the length limit on adversarial counts. */
class HuffmanTest {
  /** Optimal total bits: the sum of the weights of all internal nodes (Huffman 1952). */
  static long oracleBits(long[] counts) {
    PriorityQueue<Long> pq = new PriorityQueue<>();
    for (long c : counts) if (c > 0) pq.add(c);
    long bits = 0;
    while (pq.size() > 1) {
      long w = pq.poll() + pq.poll();
      bits += w;
      pq.add(w);
    }
    return bits;
  }

  static long codedBits(CanonicalHuffman h, long[] counts) {
    long bits = 0;
    for (int s = 0; s < counts.length; s++) bits += counts[s] * h.lengths[s];
    return bits;
  }

  static double kraft(int[] lengths) {
    double k = 0;
    for (int l : lengths) if (l > 0) k += Math.pow(2, -l);
    return k;
  }

  @Test
  void unlimitedLengthsAreOptimal() {
    Rng rng = new Rng(3);
    for (int k = 0; k < 200; k++) {
      long[] counts = new long[2 + rng.nextInt(500)];
      for (int s = 0; s < counts.length; s++) counts[s] = rng.nextInt(4) == 0 ? 0 : 1 + (rng.nextLong() >>> (40 + rng.nextInt(24)));
      counts[0] = Math.max(1, counts[0]);
      counts[1] = Math.max(1, counts[1]);
      CanonicalHuffman h = CanonicalHuffman.fromCounts(counts, 30); // codes of <= 30 bits fit an int
      if (h.maxLength < 30) assertEquals(oracleBits(counts), codedBits(h, counts), "case " + k + " max " + h.maxLength);
      assertEquals(1.0, kraft(h.lengths), 1e-12);
    }
  }

  @Test
  void fibonacciCountsRespectTheLimit() {
    long[] counts = new long[40];
    counts[0] = counts[1] = 1;
    for (int s = 2; s < 40; s++) counts[s] = counts[s - 1] + counts[s - 2];
    // unlimited Huffman would use 39 bits for the two rarest symbols
    for (int limit : new int[] {6, 8, 15, 24}) {
      CanonicalHuffman h = CanonicalHuffman.fromCounts(counts, limit);
      assertTrue(h.maxLength <= limit, "limit " + limit + " gave " + h.maxLength);
      assertEquals(1.0, kraft(h.lengths), 1e-12);
      double loss = (double) codedBits(h, counts) / oracleBits(counts) - 1;
      System.out.printf("fibonacci counts, limit %d: %.3f%% over unlimited Huffman%n", limit, 100 * loss);
    }
    int[] s = new int[(int) java.util.Arrays.stream(counts).sum() / 1000 + 40];
    for (int i = 0; i < s.length; i++) s[i] = i < 40 ? i : 39 - Integer.numberOfTrailingZeros(i) % 6;
    assertArrayEquals(s, new HuffmanCoder(8).decode(new HuffmanCoder(8).encode(s, 40)));
  }

  @Test
  void limitRaisedToFitTheAlphabet() {
    long[] counts = new long[1000];
    java.util.Arrays.fill(counts, 1);
    CanonicalHuffman h = CanonicalHuffman.fromCounts(counts, 1);
    assertEquals(10, h.maxLength); // ceil(log2 1000)
    assertEquals(1.0, kraft(h.lengths), 1e-12);
  }

  @Test
  void normalisedFrequenciesSumAndStayPositive() {
    Rng rng = new Rng(9);
    for (int k = 0; k < 200; k++) {
      long[] counts = new long[1 + rng.nextInt(3000)];
      for (int s = 0; s < counts.length; s++) counts[s] = rng.nextInt(3) == 0 ? 0 : 1 + (rng.nextLong() >>> (30 + rng.nextInt(34)));
      counts[rng.nextInt(counts.length)] = 1 + rng.nextInt(10);
      int bits = 12 + rng.nextInt(5);
      int[] f = Frequencies.normalize(counts, bits);
      long sum = 0;
      for (int s = 0; s < counts.length; s++) {
        assertEquals(counts[s] > 0, f[s] > 0, "case " + k + " symbol " + s);
        sum += f[s];
      }
      assertEquals(1L << bits, sum, "case " + k);
    }
  }
}
