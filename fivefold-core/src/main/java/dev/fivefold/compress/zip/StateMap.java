package dev.fivefold.compress.zip;

/**
 * What a {@link BitHistory} state predicts, learned online (lpaq1's StateMap): one adaptive
 * {@link Counters} probability per (context, state), starting at {@code (n1 + 1/2)/(n0 + n1 + 1)}
 * of the state's counts and moving toward each bit by {@code 1/(n + 1.5)} with n capped at
 * {@code limit}, so rarely seen states keep learning fast and common ones settle.
 */
final class StateMap {
  private final int[] t;
  private final int limit;
  private int index;

  /**
   * @param contexts independent maps (each of 256 states)
   * @param limit the count cap (1..1023)
   */
  StateMap(int contexts, int limit) {
    if (limit < 1 || limit > 1023) throw new IllegalArgumentException("limit (" + limit + ") must be in [1, 1023]");
    this.limit = limit;
    t = new int[contexts * 256];
    for (int c = 0; c < contexts; c++) {
      for (int s = 0; s < 256; s++) {
        int n0 = BitHistory.n0(s), n1 = BitHistory.n1(s);
        long p = ((2L * n1 + 1) << 22) / (2L * (n0 + n1) + 2);
        t[c * 256 + s] = (int) (p << 10);
      }
    }
  }

  /** The 12-bit P(1) of {@code state} in {@code context}; remembered for {@link #update}. */
  int p(int context, int state) {
    index = context * 256 + state;
    return Counters.p12(t[index]);
  }

  void update(int y) {
    Counters.update(t, index, y, limit);
  }
}
