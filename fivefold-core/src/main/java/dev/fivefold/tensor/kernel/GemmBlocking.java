package dev.fivefold.tensor.kernel;

import java.util.List;

/**
 * One register tile and cache blocking of {@link Gemm}'s packed path: an MR×NR micro-kernel
 * ({@link MicroKernels}, NR = {@code vectors} × the vector length), MC rows of op(A) packed per block
 * and NC columns of op(B). The depth block KC ({@link Gemm#KC}) is the same for every candidate,
 * because it fixes the summation order of each element (one fma chain per KC block, blocks added in
 * order); MR, NR, MC and NC only decide which elements are computed together, so every candidate gives
 * bit-identical results, for any thread count.
 *
 * <p>Why several: a core with one 512-bit FMA per cycle (AMD Zen 4: two 256-bit pipes) is fed well by
 * 8×2 vectors (10 loads per 16 FMAs); a core with two 512-bit FMA units (Intel Sapphire Rapids)
 * issues FMAs twice as fast and wants fewer loads per FMA: 12×2 (14 per 24) or 6×4 (10 per 24).
 * {@link #select} picks one per process: the system property {@code ff.gemm} (a {@link #name}) if
 * set, else the candidate whose micro-kernel runs fastest on this core in a short timing
 * ({@link #tune}, about 0.1 s, done once at the first packed product).
 *
 * @param name "8x2", "12x2" or "6x4": rows × vectors
 * @param mr micro-tile rows (MR)
 * @param vectors micro-tile width in vectors (NR = vectors · lanes)
 * @param mc rows of op(A) per packed block, a multiple of mr
 * @param nc columns of op(B) per packed block, a multiple of NR
 */
public record GemmBlocking(String name, int mr, int vectors, int mc, int nc) {
  public GemmBlocking {
    if (mr < 1) throw new IllegalArgumentException("mr (" + mr + ") must be >= 1");
    if (vectors < 1) throw new IllegalArgumentException("vectors (" + vectors + ") must be >= 1");
    if (mc < mr || mc % mr != 0) throw new IllegalArgumentException("mc (" + mc + ") must be a positive multiple of mr (" + mr + ")");
    int nr = vectors * MicroKernels.L;
    if (nc < nr || nc % nr != 0) throw new IllegalArgumentException("nc (" + nc + ") must be a positive multiple of NR (" + nr + ")");
  }

  /** The tile width NR in floats. */
  public int nr() {
    return vectors * MicroKernels.L;
  }

  /** The candidates, the first being the one tuned on Zen 4 (the default where no timing is wanted). */
  public static List<GemmBlocking> candidates() {
    int nc = Integer.getInteger("ff.nc", 2048);
    int mc = Integer.getInteger("ff.mc", 96);
    return List.of(new GemmBlocking("8x2", 8, 2, mc, nc), new GemmBlocking("12x2", 12, 2, mc, nc),
        new GemmBlocking("6x4", 6, 4, mc, nc));
  }

  /** The candidate named {@code name}. */
  public static GemmBlocking named(String name) {
    for (GemmBlocking b : candidates()) if (b.name.equals(name)) return b;
    throw new IllegalArgumentException("gemm blocking (" + name + ") must be one of 8x2, 12x2, 6x4");
  }

  /** The micro-kernel of this tile: {@code t = ap-sliver · bp-panel} over depth kc. */
  void kernel(int kc, float[] ap, int ao, float[] bp, int bo, float[] t) {
    switch (mr) {
      case 8 -> MicroKernels.k8x2(kc, ap, ao, bp, bo, t);
      case 12 -> MicroKernels.k12x2(kc, ap, ao, bp, bo, t);
      default -> MicroKernels.k6x4(kc, ap, ao, bp, bo, t);
    }
  }

  /** Timings of the last {@link #tune}: name → GFLOP/s of one thread's micro-kernel (empty before). */
  static volatile java.util.Map<String, Double> lastTimings = java.util.Map.of();

  /** {@code ff.gemm} if set ("auto" or unset: {@link #tune}). */
  static GemmBlocking select() {
    String p = System.getProperty("ff.gemm", "auto");
    return p.equals("auto") ? tune() : named(p);
  }

  /**
   * The candidate whose micro-kernel is fastest here: each runs on packed, cache-resident operands
   * (a KC-deep sliver against one panel, as in the packed loop) until compiled, then is timed in
   * three interleaved rounds; the best round counts. A busy machine can only blur the choice, never
   * the results (all candidates compute the same bits).
   */
  static GemmBlocking tune() {
    List<GemmBlocking> cs = candidates();
    int kc = Gemm.KC;
    float[] ap = new float[12 * kc], bp = new float[4 * MicroKernels.L * kc], t = new float[12 * 4 * MicroKernels.L];
    for (int i = 0; i < ap.length; i++) ap[i] = (i % 7) * 0.01f;
    for (int i = 0; i < bp.length; i++) bp[i] = (i % 5) * 0.01f;
    for (GemmBlocking b : cs) { // compile each kernel
      long end = System.nanoTime() + 30_000_000L;
      for (int r = 0; r < 4000 || System.nanoTime() < end; r++) b.kernel(kc, ap, 0, bp, 0, t);
    }
    double[] best = new double[cs.size()];
    for (int round = 0; round < 3; round++) {
      for (int c = 0; c < cs.size(); c++) {
        GemmBlocking b = cs.get(c);
        int calls = 2000;
        long t0 = System.nanoTime();
        for (int r = 0; r < calls; r++) b.kernel(kc, ap, 0, bp, 0, t);
        double g = 2.0 * b.mr * b.nr() * kc * calls / (System.nanoTime() - t0);
        best[c] = Math.max(best[c], g);
      }
    }
    java.util.Map<String, Double> m = new java.util.LinkedHashMap<>();
    int arg = 0;
    for (int c = 0; c < cs.size(); c++) {
      m.put(cs.get(c).name, Math.round(best[c] * 10) / 10.0);
      if (best[c] > best[arg]) arg = c;
    }
    lastTimings = java.util.Collections.unmodifiableMap(m);
    return cs.get(arg);
  }

  @Override
  public String toString() {
    return name + " (MR " + mr + ", NR " + nr() + ", KC " + Gemm.KC + ", MC " + mc + ", NC " + nc + ")";
  }
}
