package dev.fivefold.compress.zip;

/**
 * An adaptive probability map (secondary symbol estimation, SSE; Mahoney, lpaq1): refines a
 * probability p in a context c by interpolating between 33 buckets over stretch(p) (steps of 128),
 * each bucket a 16-bit probability learned from the bits seen there. The bucket nearer to
 * stretch(p) moves toward the bit by {@code 1/2^rate}. Buckets start at the identity
 * {@code squash(stretch)}, so an untrained map changes nothing.
 */
final class Apm {
  private final int[] t;
  private final int rate;
  private int index;

  Apm(int contexts, int rate) {
    this.rate = rate;
    t = new int[contexts * 33];
    for (int c = 0; c < contexts; c++) {
      for (int j = 0; j < 33; j++) t[c * 33 + j] = Logistic.squash((j - 16) * 128) * 16;
    }
  }

  /** The refined 12-bit probability of {@code pr} in {@code context}. */
  int refine(int pr, int context) {
    int s = Logistic.stretch(pr) + 2048; // [1, 4095]
    int lo = s >> 7, wt = s & 127;
    int i = context * 33 + lo;
    index = i + (wt >> 6);
    return (t[i] * (128 - wt) + t[i + 1] * wt) >> 11;
  }

  void update(int y) {
    int g = (y << 16) + (y << rate) - y - y;
    t[index] += (g - t[index]) >> rate;
  }
}
