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
 * issues FMAs twice as fast and wants fewer loads per FMA: 12×2 (14 per 24) or 6×4 (10 per 24). 5×4
 * (9 loads per 20 FMAs) is the largest four-vector tile whose accumulators, B vectors and
 * broadcasts fit the 32 registers: C2 spills one of 6×4's 24 accumulators to the stack in the
 * inner loop (a load and a store per depth step; seen in its machine code on a Zen 5, session 19),
 * 5×4 spills nothing.
 * {@link #select} picks one per process: the system property {@code ff.gemm} (a {@link #name}) if
 * set, else the candidate whose micro-kernel runs fastest on this core in a short timing
 * ({@link #tune}, about 0.3 s, at most 1 s, done once at the first packed product; where the timings do not settle, as on a busy machine, the first candidate).
 *
 * @param name "8x2", "12x2", "6x4" or "5x4": rows × vectors
 * @param mr micro-tile rows (MR)
 * @param vectors micro-tile width in vectors (NR = vectors · lanes)
 * @param mc rows of op(A) per packed block, a multiple of mr
 * @param nc columns of op(B) per packed block, a multiple of NR
 */
public record GemmBlocking(String name, int mr, int vectors, int mc, int nc) {
  /**
   * Checks the tile and blocks.
   * @param name "8x2", "12x2", "6x4" or "5x4": rows × vectors
   * @param mr micro-tile rows (MR), ≥ 1
   * @param vectors micro-tile width in vectors, ≥ 1
   * @param mc rows of op(A) per packed block, a positive multiple of mr
   * @param nc columns of op(B) per packed block, a positive multiple of NR
   * @throws IllegalArgumentException if a size is below 1 or a block is not a positive multiple of its tile
   */
  public GemmBlocking {
    if (mr < 1) throw new IllegalArgumentException("mr (" + mr + ") must be >= 1");
    if (vectors < 1) throw new IllegalArgumentException("vectors (" + vectors + ") must be >= 1");
    if (mc < mr || mc % mr != 0) throw new IllegalArgumentException("mc (" + mc + ") must be a positive multiple of mr (" + mr + ")");
    int nr = vectors * MicroKernels.L;
    if (nc < nr || nc % nr != 0) throw new IllegalArgumentException("nc (" + nc + ") must be a positive multiple of NR (" + nr + ")");
  }

  /**
   * The tile width NR in floats.
   * @return {@code vectors} × the float lanes of the preferred species
   */
  public int nr() {
    return vectors * MicroKernels.L;
  }

  /**
   * The candidates, the first being the default where the timing does not settle, and the one another
   * must beat by 10%: 6×4, measured fastest on AMD Zen 4 in whole workloads (session 13, against 8×2:
   * the ResNet step +18%, the width-512 GPT +7.5%, SGEMM 1024³ and 2048³ +8–10%; their micro-kernels
   * alone time within 4% of each other). MC and NC are 96 and 2048 unless the system properties
   * {@code ff.mc} and {@code ff.nc} say otherwise.
   * @return 6x4, 12x2, 8x2 and 5x4, in this order (5×4's MC rounded down to a multiple of 5)
   */
  public static List<GemmBlocking> candidates() {
    int nc = Integer.getInteger("ff.nc", 2048);
    int mc = Integer.getInteger("ff.mc", 96);
    return List.of(new GemmBlocking("6x4", 6, 4, mc, nc), new GemmBlocking("12x2", 12, 2, mc, nc),
        new GemmBlocking("8x2", 8, 2, mc, nc), new GemmBlocking("5x4", 5, 4, mc / 5 * 5, nc));
  }

  /**
   * The candidate named {@code name}.
   * @param name "8x2", "12x2", "6x4" or "5x4"
   * @return that candidate
   * @throws IllegalArgumentException if no candidate has that name
   */
  public static GemmBlocking named(String name) {
    for (GemmBlocking b : candidates()) if (b.name.equals(name)) return b;
    throw new IllegalArgumentException("gemm blocking (" + name + ") must be one of 6x4, 12x2, 8x2, 5x4");
  }

  /** The micro-kernel of this tile: {@code t = sliver · bp-panel} over depth kc, the sliver's values of depth p at {@code ap[ao + p·as + r]}. */
  void kernel(int kc, float[] ap, int ao, int as, float[] bp, int bo, float[] t) {
    switch (mr) {
      case 8 -> MicroKernels.k8x2(kc, ap, ao, as, bp, bo, t);
      case 12 -> MicroKernels.k12x2(kc, ap, ao, as, bp, bo, t);
      case 5 -> MicroKernels.k5x4(kc, ap, ao, 1, as, bp, bo, t);
      default -> MicroKernels.k6x4(kc, ap, ao, 1, as, bp, bo, t);
    }
  }

  /**
   * The same micro-kernel on a non-transposed op(A) read in place: sliver row r at
   * {@code a[ao + r·lda + p]} (the four-vector tiles only, see {@link MicroKernels}).
   */
  void kernelDirect(int kc, float[] a, int ao, int lda, float[] bp, int bo, float[] t) {
    switch (mr) {
      case 5 -> MicroKernels.k5x4(kc, a, ao, lda, 1, bp, bo, t);
      case 6 -> MicroKernels.k6x4(kc, a, ao, lda, 1, bp, bo, t);
      default -> throw new IllegalStateException("the " + name + " tile does not read A in place");
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
   * (KC-deep slivers of A against one panel of B, as in the packed loop; the sliver changes from call
   * to call and the tiles feed a checksum, so nothing can be hoisted) in interleaved rounds of 20 ms.
   * Each kernel is first called {@value #WARM_CALLS} times on a short depth, so that the JIT compiles it.
   * Rounds go on until every candidate's last two rates agree within 10% and are at least
   * {@value #MIN_COMPILED_GFLOPS} GFLOP/s (the JIT has compiled them all: before that the rates
   * measure the compiler or the interpreter, not the core), at least {@value #MIN_ROUNDS};
   * their best round counts. Another candidate replaces the first (6×4, see {@link #candidates}) only if it is
   * at least 10% faster. If the rates do not settle within {@value #MAX_NANOS} ns (a busy machine), the
   * first candidate is kept. Either way no result changes: all candidates compute the same bits.
   * About 0.3 s on an idle machine (at most 1 s), once per process.
   */
  static GemmBlocking tune() {
    List<GemmBlocking> cs = candidates();
    int kc = Gemm.KC, slivers = 16, n = cs.size();
    float[] ap = new float[slivers * 12 * kc], bp = new float[4 * MicroKernels.L * kc], t = new float[12 * 4 * MicroKernels.L];
    for (int i = 0; i < ap.length; i++) ap[i] = (i % 7) * 0.01f;
    for (int i = 0; i < bp.length; i++) bp[i] = (i % 5) * 0.01f;
    double[] last = new double[n], prev = new double[n], best = new double[n];
    float sum = 0;
    long start = System.nanoTime();
    // many short calls first: C1 gives up on these kernels (too many live vectors), so only C2
    // compiles them, after thousands of invocations; KC-deep calls in the interpreter (~0.2 ms each)
    // would not reach that count within MAX_NANOS
    for (GemmBlocking b : cs) {
      for (int i = 0; i < WARM_CALLS; i++) b.kernel(WARM_DEPTH, ap, 0, b.mr, bp, 0, t);
      sum += t[0];
    }
    boolean settled = false;
    for (int round = 0; !settled && System.nanoTime() - start < MAX_NANOS; round++) {
      settled = round + 1 >= MIN_ROUNDS;
      for (int c = 0; c < n; c++) {
        GemmBlocking b = cs.get(c);
        int stride = b.mr * kc;
        long calls = 0, t0 = System.nanoTime(), end = t0 + 20_000_000L, now;
        do {
          for (int r = 0; r < 4; r++, calls++) b.kernel(kc, ap, (int) (calls % slivers) * stride, b.mr, bp, 0, t);
          sum += t[(int) (calls % t.length)];
          now = System.nanoTime();
        } while (now < end);
        prev[c] = last[c];
        last[c] = 2.0 * b.mr * b.nr() * kc * calls / (now - t0);
        best[c] = Math.max(best[c], last[c]);
        settled &= Math.abs(last[c] - prev[c]) <= 0.1 * Math.max(last[c], prev[c]) && last[c] >= MIN_COMPILED_GFLOPS;
      }
    }
    sink = sum;
    java.util.Map<String, Double> m = new java.util.LinkedHashMap<>();
    int arg = 0;
    for (int c = 0; c < n; c++) {
      m.put(cs.get(c).name, Math.round(best[c] * 10) / 10.0);
      if (settled && best[c] > 1.1 * best[0] && best[c] > best[arg]) arg = c;
    }
    if (!settled) m.put("settled", 0.0);
    lastTimings = java.util.Collections.unmodifiableMap(m);
    return cs.get(arg);
  }

  /**
   * GFLOP/s below which a candidate's rate is taken for code the JIT has not compiled yet (a
   * compiled micro-kernel runs at tens to hundreds of GFLOP/s on one AVX-2 or AVX-512 core; the
   * interpreter at about 1, and such rates can agree within 10% round after round): the timing is
   * not settled until every rate is above it.
   */
  static final double MIN_COMPILED_GFLOPS = 10;

  /** Warm-up calls of each micro-kernel before {@link #tune} times them, {@value #WARM_DEPTH} deep: past C2's invocation threshold. */
  static final int WARM_CALLS = 12_000;
  /** The depth of each warm-up call. */
  static final int WARM_DEPTH = 2;

  /** Fewest timing rounds of {@link #tune}. */
  static final int MIN_ROUNDS = 3;
  /** Longest {@link #tune} before it keeps the first candidate. */
  static final long MAX_NANOS = 1_000_000_000L;
  private static volatile float sink;

  @Override
  public String toString() {
    return name + " (MR " + mr + ", NR " + nr() + ", KC " + Gemm.KC + ", MC " + mc + ", NC " + nc + ")";
  }
}
