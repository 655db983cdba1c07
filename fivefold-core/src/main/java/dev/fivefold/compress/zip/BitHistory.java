package dev.fivefold.compress.zip;

/**
 * Bit-history states in one byte (the nonstationary counters of paq8/lpaq1/zpaq, generated here
 * rather than copied): a state stands for a pair (n0, n1) of bounded counts of the zeros and ones
 * seen in a context, and the next state after a bit y is
 *
 * <pre>
 *   n_y ← n_y + 1;   n_(1−y) ← n_(1−y) &gt; 2 ? n_(1−y)/2 + 1 : n_(1−y)
 * </pre>
 *
 * so the opposite count is discounted when the context's behaviour changes (a source that drifts
 * is followed quickly, a deterministic context keeps growing its run). The pairs kept are those
 * with {@code max(n0,n1) ≤ BOUND[min(n0,n1)]}, BOUND = {40, 24, 12, 8, 6, 5}; a transition that
 * would leave them shrinks the opposite count first (the older evidence), then caps the count of y.
 * That is 166 states; state 0 is (0, 0), a context never seen.
 *
 * <p>A state is only a summary of the history: what it predicts is learned by a {@link StateMap}
 * per model (an indirect model: "seen a one twice and never a zero in an order-5 context" is
 * worth whatever it has been worth so far).
 */
final class BitHistory {
  private static final int[] BOUND = {40, 24, 12, 8, 6, 5};
  /** States in use. */
  static final int STATES;
  private static final int[] N0 = new int[256], N1 = new int[256];
  private static final byte[] NEXT = new byte[512];

  static {
    int[][] index = new int[41][41];
    int k = 0;
    for (int total = 0; total <= 80; total++) {
      for (int n1 = 0; n1 <= total; n1++) {
        int n0 = total - n1;
        if (n0 > 40 || n1 > 40 || !allowed(n0, n1)) continue;
        N0[k] = n0;
        N1[k] = n1;
        index[n0][n1] = k++;
      }
    }
    STATES = k;
    for (int s = 0; s < k; s++) {
      for (int y = 0; y < 2; y++) {
        int a = N0[s], b = N1[s];
        if (y == 1) {
          b++;
          if (a > 2) a = a / 2 + 1;
        } else {
          a++;
          if (b > 2) b = b / 2 + 1;
        }
        while (!allowed(a, b)) {
          if (y == 1 ? a > 0 : b > 0) {
            if (y == 1) a--;
            else b--;
          } else if (y == 1) b--;
          else a--;
        }
        NEXT[2 * s + y] = (byte) index[a][b];
      }
    }
  }

  private BitHistory() {}

  static boolean allowed(int n0, int n1) {
    int lo = Math.min(n0, n1), hi = Math.max(n0, n1);
    return lo < BOUND.length && hi <= BOUND[lo];
  }

  /** The state after bit y in state s (0..255 as an unsigned byte). */
  static int next(int s, int y) {
    return NEXT[2 * s + y] & 0xFF;
  }

  /** Zeros counted by state s. */
  static int n0(int s) {
    return N0[s];
  }

  /** Ones counted by state s. */
  static int n1(int s) {
    return N1[s];
  }
}
