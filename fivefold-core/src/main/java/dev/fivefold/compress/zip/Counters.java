package dev.fivefold.compress.zip;

import java.util.Arrays;

/**
 * Adaptive bit probabilities in one int each, as lpaq1's StateMap keeps them: the high 22 bits
 * are P(1), the low 10 bits a count n. After a bit y the probability moves toward y by
 * {@code 1/(n + 1.5)} and n grows up to {@code limit}: the first observations count fully (a
 * frequency estimate), later ones by a fixed rate (tracking a drifting source).
 *
 * <p>Update in integers, wrapping modulo 2^32 exactly like lpaq's unsigned arithmetic:
 * {@code v += (((y<<22) − p) >> 3)·DT[n] & ~1023} with {@code DT[n] = 16384/(2n + 3)}.
 * A new slot starts at P(1) = 1/2, n = 0.
 */
final class Counters {
  private static final int[] DT = new int[1024];

  static {
    for (int i = 0; i < DT.length; i++) DT[i] = 16384 / (i + i + 3);
  }

  private Counters() {}

  /** A table of {@code size} counters at P(1) = 1/2. */
  static int[] table(int size) {
    int[] t = new int[size];
    Arrays.fill(t, 1 << 31);
    return t;
  }

  /** The 12-bit P(1) of counter value v. */
  static int p12(int v) {
    return v >>> 20;
  }

  /** The count of counter value v. */
  static int count(int v) {
    return v & 1023;
  }

  /** Updates slot i of t with bit y, the count capped at limit (≤ 1023). */
  static void update(int[] t, int i, int y, int limit) {
    int v = t[i];
    int n = v & 1023, p = v >>> 10;
    if (n < limit) v++;
    else v = (v & 0xFFFFFC00) | limit;
    v += ((((y << 22) - p) >> 3) * DT[n]) & 0xFFFFFC00;
    t[i] = v;
  }
}
