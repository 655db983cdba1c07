package dev.fivefold.tensor.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision general matrix multiply, {@code C = β·C + op(A)·op(B)}.
 *
 * <p>Shapes: {@code op(A)} is m×k, {@code op(B)} is k×n, C is m×n; all row-major with leading
 * dimensions. Without transpose {@code op(A)[i][p] = A[aOff + i·lda + p]}; with {@code transA} A is
 * stored k×m and {@code op(A)[i][p] = A[aOff + p·lda + i]}. Likewise B: {@code op(B)[p][j] =
 * B[bOff + p·ldb + j]}, or {@code B[bOff + j·ldb + p]} with {@code transB}. {@code C[i][j] = c[cOff +
 * i·ldc + j]}. {@code β == 0} overwrites C (old values, NaN included, are ignored); k == 0 gives
 * {@code C = β·C}.
 *
 * <p>Algorithm: the Goto/BLIS scheme (Goto &amp; van de Geijn, "Anatomy of High-Performance Matrix
 * Multiplication", TOMS 2008; Van Zee &amp; van de Geijn, "BLIS", TOMS 2015). For each column block
 * of NC and each depth block of KC, op(B) is packed into zero-padded KC×NR panels (shared by all
 * threads); each thread takes a range of rows (or of NR column panels when m is small), takes its
 * MC×KC block of op(A) in MR-row slivers, and runs an MR×NR register-blocked micro-kernel
 * (broadcast + fma; 6×4, 5×4, 12×2 or 8×2 vectors, chosen per CPU: {@link #blocking()},
 * {@link GemmBlocking}). Packing absorbs the transposes of op(B). op(A) is read in place when the
 * caller has not packed it: a non-transposed A by the four-vector tiles (at most
 * {@value #DIRECT_MAX_MR} rows; one offset per row of A, the depth as the only index), a transposed
 * A by the packed kernels with depth stride {@code lda} (a depth's MR values are a run of one row
 * of A); only a last sliver of fewer than MR rows, or a non-transposed A under a taller tile, is
 * packed. This removes the copy of A (about a quarter of a product of depth 64–192, session 21).
 *
 * <p>Determinism: every element {@code C[i][j]} is computed by one thread as, for each KC block in
 * increasing order, a chain of fused multiply-adds {@code acc = fma(a[i][p], b[p][j], acc)} from zero
 * over p, then {@code C = acc} (first block with β = 0), {@code C = C + acc} (β = 1 or later blocks)
 * or {@code C = fma(C, β, acc)}. KC does not depend on the thread count or the CPU (the register tile
 * and MC, NC, which do, change only which elements are computed together), so the result is
 * bit-identical for every {@link Parallel#threads()} and every {@link GemmBlocking}.
 *
 * <p>One row against rows of B ({@code m == 1}, {@code transB}, not {@code transA}: the product of one
 * sample with a Linear layer's weight, as at batch-1 inference) skips packing, which would touch
 * every weight once more than the product itself: {@code C[0][j] = β·C[0][j] + a·b_j} by
 * {@link VecOps#dot} (lane-wise fma chains, lanes summed in order), columns split across threads;
 * each element is still computed by one thread the same way for every thread count.
 *
 * <p>Scratch: packing buffers are per thread ({@link ThreadLocal}) and grow only, so steady-state
 * calls do not allocate (beyond the fork/join tasks of {@link Parallel#forRange}).
 */
public final class Gemm {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();
  /** Micro-tile rows of the default (Zen 4) blocking, 8×2 vectors; the one in use is {@link #blocking()}. */
  static final int MR = 8;
  /** Micro-tile columns of the default blocking: two vectors. */
  static final int NR = 2 * L;
  /** Depth block: the same for every {@link GemmBlocking}, since it fixes the summation order. */
  static final int KC = Integer.getInteger("ff.kc", 384);
  /**
   * Whether an op(A) the caller has not packed is read in place by the micro-kernels instead of
   * packed ({@link #macroInPlace}): on by default, {@code -Dff.direct=off}
   * packs as before (for comparisons; the results are the same bits either way).
   */
  static final boolean DIRECT = !"off".equals(System.getProperty("ff.direct"));
  /**
   * The tallest tile that reads a non-transposed A in place: 12×2 and 8×2 keep 12 and 8 row offsets
   * live in general registers beside the loop's own, which spill (SGEMM 1024³ at half the speed of
   * their packed form on a Zen 5, session 21), so they pack.
   */
  static final int DIRECT_MAX_MR = 6;
  /** The largest micro-tile of the candidates, in floats (12×2 and 6×4 vectors). */
  private static final int MAX_TILE = 24 * L;
  /** The blocking in use, chosen at the first packed product ({@link GemmBlocking#select}). */
  private static volatile GemmBlocking blocking;
  /** Below this many multiply-adds (m·n·k) the simple loop is faster than packing. */
  static final long SMALL = 8 * 1024;
  /** Below this many multiply-adds a call stays on the calling thread. */
  static final long PARALLEL_MIN = 1L << 18;

  private static final int OVERWRITE = 0, ADD = 1, SCALE = 2;
  /** Depth of one chunk when a small C with a long k is split along k (fixed: not thread-dependent). */
  static final int KSPLIT = 4096;
  /** C at most this many elements (and k ≥ 2·KSPLIT) takes the split-k path. */
  static final long SPLIT_MAX_MN = 64 * 64;
  private static final ThreadLocal<float[][]> PARTS = ThreadLocal.withInitial(() -> new float[][] {new float[0]});

  private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(
      () -> new float[][] {new float[0], new float[0], new float[MAX_TILE]});

  /** Where {@link #sgemm} adds {@code 2·m·n·k} per call while a count is on; null (the default) when off. */
  private static volatile java.util.concurrent.atomic.LongAdder flopCounter;

  private Gemm() {}

  /**
   * Packs panels of op(B) from wherever op(B) comes from, without storing op(B) first: the implicit
   * GEMM of a convolution, whose op(B) is the unfolded image ({@link WideConv}). The packed
   * values must be those {@link #sgemm} would pack from the stored op(B), so a product through a
   * source is bit-identical to the stored one.
   */
  interface PanelSource {
    /**
     * Packs panels [p0, p1) of op(B)[pc .. pc+kc][jc .. jc+nc] into {@code bp}: panel q at
     * q·nr·kc holds, for each depth p in order, the nr columns jc + q·nr + (0 .. nr−1), zero
     * beyond nc.
     *
     * @param nr the panel width
     * @param pc the first depth
     * @param kc the depths
     * @param jc the first column
     * @param nc the columns of the block
     * @param p0 the first panel
     * @param p1 one past the last panel
     * @param bp the packed panels, written
     */
    void pack(int nr, int pc, int kc, int jc, int nc, int p0, int p1, float[] bp);
  }

  /**
   * Whether {@link #sgemm} of this shape takes the packed (blocked) path, the one {@link
   * #sgemm(boolean, int, int, int, float[], int, int, PanelSource, float, float[], int, int)} runs:
   * not the small loop, not one row against rows, not split along k.
   */
  static boolean packed(boolean transA, boolean transB, int m, int n, int k) {
    return m > 0 && n > 0 && k > 0 && (long) m * n * k > SMALL && !(m == 1 && transB && !transA)
        && !(k >= 2 * KSPLIT && (long) m * n <= SPLIT_MAX_MN);
  }

  /**
   * Floats {@link #packAll} writes for an m×k op(A) with the blocking in use.
   *
   * @param m the rows of op(A)
   * @param k its columns
   * @return m rounded up to the micro-tile's rows, times k
   */
  static int packedSize(int m, int k) {
    int mr = blocking().mr();
    return (m + mr - 1) / mr * mr * k;
  }

  /**
   * Packs all of op(A), m×k, into dst[dOff ..] as the packed path packs it block by block: for each
   * depth block pc (KC deep) at dOff + pc·m̄, MR-row slivers, m̄ = m rounded up to MR. A product
   * whose op(A) is used by many products (a convolution's weights, chunk after chunk) packs it once.
   *
   * @param transA whether A is stored k×m
   * @param m the rows of op(A)
   * @param k the columns of op(A)
   * @param a the storage of A
   * @param aOff offset of A's first element
   * @param lda the leading dimension of A
   * @param dst receives {@link #packedSize} floats
   * @param dOff where they start
   */
  static void packAll(boolean transA, int m, int k, float[] a, int aOff, int lda, float[] dst, int dOff) {
    int mr = blocking().mr(), mpad = (m + mr - 1) / mr * mr;
    for (int pc = 0; pc < k; pc += KC) packA(mr, transA, a, aOff, lda, pc, Math.min(KC, k - pc), 0, m, dst, dOff + pc * mpad);
  }

  /**
   * {@code C = β·C + op(A)·op(B)} with op(A) packed by {@link #packAll} (same blocking) and op(B)
   * from {@code b} (stored, transB) or, if {@code src} is not null, from {@code src}: the packed
   * path of {@link #sgemm}, bit-identical to it whenever {@link #packed} holds for the shape
   * (callers check it).
   */
  static void sgemm(int m, int n, int k, float[] pa, int paOff, boolean transB, float[] b, int bOff, int ldb, PanelSource src, float beta,
      float[] c, int cOff, int ldc) {
    var counter = flopCounter;
    if (counter != null) counter.add(2L * m * n * k);
    packedPath(false, transB, m, n, k, null, 0, 0, pa, paOff, b, bOff, ldb, src, beta, c, cOff, ldc);
  }

  /**
   * {@code C = β·C + op(A)·op(B)} with op(B) packed by {@code b}: the packed path of {@link #sgemm},
   * split across threads the same way, so the result is bit-identical to {@link #sgemm} on the
   * stored op(B) whenever {@link #packed} holds for the shape (callers check it).
   */
  static void sgemm(boolean transA, int m, int n, int k, float[] a, int aOff, int lda, PanelSource b, float beta, float[] c, int cOff, int ldc) {
    var counter = flopCounter;
    if (counter != null) counter.add(2L * m * n * k);
    packedPath(transA, false, m, n, k, a, aOff, lda, null, 0, null, 0, 0, b, beta, c, cOff, ldc);
  }

  /**
   * Starts counting the floating-point operations of every following {@link #sgemm} (and
   * {@link #sgemmBatched}, per product) into a fresh counter, {@code 2·m·n·k} per product: the
   * multiply-adds of the matrix products, which is what a model FLOP count usually means. For
   * benchmarks (a training step's matmul FLOPs); the counter is process-wide, {@link #stopCounting}
   * returns the total. While off the cost is one volatile read per call.
   */
  public static void startCounting() {
    flopCounter = new java.util.concurrent.atomic.LongAdder();
  }

  /** Adds {@code flops} (possibly negative) to the count, if one is on: for products whose counted shape is not their useful one. */
  static void count(long flops) {
    var c = flopCounter;
    if (c != null) c.add(flops);
  }

  /**
   * Stops counting and returns the FLOPs counted since {@link #startCounting} (0 if it was not called).
   * @return the FLOPs ({@code 2·m·n·k} per product) counted since {@link #startCounting}, or 0
   */
  public static long stopCounting() {
    var c = flopCounter;
    flopCounter = null;
    return c == null ? 0 : c.sum();
  }

  /**
   * The register tile and blocking of the packed path in this process: {@code -Dff.gemm=8x2|12x2|6x4|5x4},
   * or else the fastest candidate of a short timing at first use ({@link GemmBlocking#select}). Whichever
   * it is, every product is bit-identical.
   * @return the blocking in use, chosen once per process
   */
  public static GemmBlocking blocking() {
    GemmBlocking b = blocking;
    if (b == null) {
      synchronized (Gemm.class) {
        if (blocking == null) blocking = GemmBlocking.select();
        b = blocking;
      }
    }
    return b;
  }

  /**
   * Uses {@code b} from now on (null: choose again at the next product); for benchmarks and tests.
   * @param b the blocking to use, or null to choose again
   */
  public static void setBlocking(GemmBlocking b) {
    blocking = b;
  }

  /**
   * GFLOP/s of each candidate's micro-kernel in the timing that chose {@link #blocking()} (empty if none
   * ran).
   * @return GFLOP/s by candidate name
   */
  public static java.util.Map<String, Double> blockingTimings() {
    return GemmBlocking.lastTimings;
  }

  /**
   * {@code C = β·C + op(A)·op(B)}, see the class comment for the layout.
   * @param transA whether A is stored transposed (k×m), so that op(A) = Aᵀ
   * @param transB whether B is stored transposed (n×k), so that op(B) = Bᵀ
   * @param m the rows of op(A) and C, ≥ 0
   * @param n the columns of op(B) and C, ≥ 0
   * @param k the columns of op(A) and rows of op(B), ≥ 0
   * @param a the storage of A
   * @param aOff offset of A's first element
   * @param lda the leading dimension of A (distance between its stored rows), ≥ max(1, its stored row length)
   * @param b the storage of B
   * @param bOff offset of B's first element
   * @param ldb the leading dimension of B, ≥ max(1, its stored row length)
   * @param beta the scale β of the old C; 0 overwrites C
   * @param c the storage of C, m×n, updated
   * @param cOff offset of C's first element
   * @param ldc the leading dimension of C, ≥ max(1, n)
   * @throws IllegalArgumentException on a negative size or a leading dimension too small
   */
  public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    check(transA, transB, m, n, k, lda, ldb, ldc);
    var counter = flopCounter;
    if (counter != null) counter.add(2L * m * n * k);
    if (m == 0 || n == 0) return;
    if (k == 0) {
      scaleC(m, n, beta, c, cOff, ldc);
      return;
    }
    if ((long) m * n * k <= SMALL) {
      small(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    if (m == 1 && transB && !transA) {
      rowTimesRows(n, k, a, aOff, b, bOff, ldb, beta, c, cOff);
      return;
    }
    if (k >= 2 * KSPLIT && (long) m * n <= SPLIT_MAX_MN) {
      splitK(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    packedPath(transA, transB, m, n, k, a, aOff, lda, null, 0, b, bOff, ldb, null, beta, c, cOff, ldc);
  }

  /**
   * The packed path on all threads: rows split when n ≤ m (each thread packs all of op(B)), else
   * whole NR column panels (each packs all of op(A)); op(A) from a, aOff, lda or, if {@code pa} is
   * not null, already packed there by {@link #packAll}; op(B) from b or, if {@code src} is not null, from src.
   */
  private static void packedPath(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda, float[] pa, int paOff,
      float[] b, int bOff, int ldb, PanelSource src, float beta, float[] c, int cOff, int ldc) {
    GemmBlocking g = blocking();
    int mr = g.mr(), nr = g.nr(), mpad = (m + mr - 1) / mr * mr;
    if ((long) m * n * k < PARALLEL_MIN || Parallel.threads() == 1) {
      blocked(g, transA, transB, k, a, aOff, lda, pa, paOff, mpad, b, bOff, ldb, src, beta, c, cOff, ldc, 0, m, 0, n);
    } else if (n <= m) {
      // Split rows: each thread packs all of op(B) (k·n floats, fewer than op(A)'s m·k).
      Parallel.forRange(0, (m + mr - 1) / mr, (lo, hi) -> blocked(g, transA, transB, k,
          a, aOff, lda, pa, paOff, mpad, b, bOff, ldb, src, beta, c, cOff, ldc, lo * mr, Math.min(m, hi * mr), 0, n));
    } else {
      // Split columns in whole NR panels: each thread packs all of op(A).
      Parallel.forRange(0, (n + nr - 1) / nr, (lo, hi) -> blocked(g, transA, transB, k,
          a, aOff, lda, pa, paOff, mpad, b, bOff, ldb, src, beta, c, cOff, ldc, 0, m, lo * nr, Math.min(n, hi * nr)));
    }
  }

  /**
   * Small C, long k (e.g. the weight gradient of a first convolution, 20×25 over k = N·H·W):
   * rows and columns give no parallelism, so k is cut into fixed chunks of {@link #KSPLIT}; the
   * chunks' products run in parallel into separate partial sums, which are then added in chunk
   * order. The chunking depends only on k, so the result does not depend on the thread count.
   */
  private static void splitK(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
    int chunks = (k + KSPLIT - 1) / KSPLIT, mn = m * n;
    float[][] holder = PARTS.get();
    if (holder[0].length < chunks * mn) holder[0] = new float[chunks * mn];
    float[] part = holder[0];
    GemmBlocking g = blocking();
    Parallel.forRange(0, chunks, (lo, hi) -> {
      for (int ch = lo; ch < hi; ch++) {
        int p0 = ch * KSPLIT, len = Math.min(KSPLIT, k - p0);
        int ao = aOff + (transA ? p0 * lda : p0), bo = bOff + (transB ? p0 : p0 * ldb);
        blocked(g, transA, transB, len, a, ao, lda, null, 0, 0, b, bo, ldb, null, 0f, part, ch * mn, n, 0, m, 0, n);
      }
    });
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        float sum = 0f;
        for (int ch = 0; ch < chunks; ch++) sum += part[ch * mn + i * n + j];
        int ci = cOff + i * ldc + j;
        c[ci] = beta == 0f ? sum : beta == 1f ? c[ci] + sum : beta * c[ci] + sum;
      }
    }
  }

  /** The blocked algorithm on rows [r0, r1) × columns [c0, c1) of C, on the calling thread; op(B) from {@code src} if not null. */
  private static void blocked(GemmBlocking g, boolean transA, boolean transB, int k,
      float[] a, int aOff, int lda, float[] pa, int paOff, int mpad, float[] b, int bOff, int ldb, PanelSource src,
      float beta, float[] c, int cOff, int ldc, int r0, int r1, int c0, int c1) {
    float[][] scratch = SCRATCH.get();
    int mcMax = g.mc(), ncMax = g.nc(), nr = g.nr();
    if (scratch[0].length < mcMax * KC) scratch[0] = new float[mcMax * KC];
    if (scratch[1].length < ncMax * KC) scratch[1] = new float[ncMax * KC];
    float[] ap = pa != null ? pa : scratch[0], bp = scratch[1], tile = scratch[2];
    for (int jc = c0; jc < c1; jc += ncMax) {
      int nc = Math.min(ncMax, c1 - jc);
      int panels = (nc + nr - 1) / nr;
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        int mode = pc > 0 || beta == 1f ? ADD : beta == 0f ? OVERWRITE : SCALE;
        if (src != null) src.pack(nr, pc, kc, jc, nc, 0, panels, bp);
        else packB(nr, transB, b, bOff, ldb, pc, kc, jc, nc, 0, panels, bp);
        for (int ic = r0; ic < r1; ic += mcMax) {
          int mc = Math.min(mcMax, r1 - ic);
          int ao = 0;
          if (pa == null && DIRECT && (transA || g.mr() <= DIRECT_MAX_MR)) {
            macroInPlace(g, transA, a, aOff, lda, pc, ic, mc, kc, bp, jc, nc, mode, beta, c, cOff, ldc, tile, ap);
            continue;
          }
          if (pa == null) packA(g.mr(), transA, a, aOff, lda, pc, kc, ic, mc, ap, 0);
          else ao = paOff + pc * mpad + ic * kc;
          macro(g, ap, ao, ic, mc, kc, bp, jc, nc, mode, beta, c, cOff, ldc, tile);
        }
      }
    }
  }

  /**
   * The reference: a naive triple loop in float, {@code s = Σ_p a[i][p]·b[p][j]} accumulated in
   * increasing p with separate multiply and add, then {@code C = s} (β = 0) or {@code C = β·C + s}.
   * The oracle of {@link #sgemm}, on the calling thread.
   * @param transA whether A is stored transposed (k×m), so that op(A) = Aᵀ
   * @param transB whether B is stored transposed (n×k), so that op(B) = Bᵀ
   * @param m the rows of op(A) and C, ≥ 0
   * @param n the columns of op(B) and C, ≥ 0
   * @param k the columns of op(A) and rows of op(B), ≥ 0
   * @param a the storage of A
   * @param aOff offset of A's first element
   * @param lda the leading dimension of A (distance between its stored rows), ≥ max(1, its stored row length)
   * @param b the storage of B
   * @param bOff offset of B's first element
   * @param ldb the leading dimension of B, ≥ max(1, its stored row length)
   * @param beta the scale β of the old C; 0 overwrites C
   * @param c the storage of C, m×n, updated
   * @param cOff offset of C's first element
   * @param ldc the leading dimension of C, ≥ max(1, n)
   * @throws IllegalArgumentException on a negative size or a leading dimension too small
   */
  public static void sgemmScalar(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    check(transA, transB, m, n, k, lda, ldb, ldc);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        float s = 0f;
        for (int p = 0; p < k; p++) {
          float x = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
          float y = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
          s += x * y;
        }
        int ci = cOff + i * ldc + j;
        c[ci] = beta == 0f ? s : beta * c[ci] + s;
      }
    }
  }

  /**
   * {@code batch} independent products: matrix t of A starts at {@code aOff + t·aStride}, of B at
   * {@code bOff + t·bStride}, of C at {@code cOff + t·cStride}. Runs products in parallel when the
   * batch is at least the thread count, each product on one thread; otherwise each product is
   * parallel inside. Either way the result is that of {@link #sgemm}, whatever the thread count.
   * @param batch the number of products, ≥ 0
   * @param transA whether each A is stored transposed (k×m)
   * @param transB whether each B is stored transposed (n×k)
   * @param m the rows of op(A) and C, ≥ 0
   * @param n the columns of op(B) and C, ≥ 0
   * @param k the columns of op(A) and rows of op(B), ≥ 0
   * @param a the storage of the A matrices
   * @param aOff offset of the first A
   * @param aStride the distance between consecutive A matrices
   * @param lda the leading dimension of each A
   * @param b the storage of the B matrices
   * @param bOff offset of the first B
   * @param bStride the distance between consecutive B matrices
   * @param ldb the leading dimension of each B
   * @param beta the scale β of the old C; 0 overwrites C
   * @param c the storage of the C matrices, updated
   * @param cOff offset of the first C
   * @param cStride the distance between consecutive C matrices (products must not overlap)
   * @param ldc the leading dimension of each C, ≥ max(1, n)
   * @throws IllegalArgumentException on a negative batch or size, or a leading dimension too small
   */
  public static void sgemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int aStride, int lda, float[] b, int bOff, int bStride, int ldb,
      float beta, float[] c, int cOff, int cStride, int ldc) {
    if (batch < 0) throw new IllegalArgumentException("batch (" + batch + ") must be >= 0");
    check(transA, transB, m, n, k, lda, ldb, ldc);
    long work = (long) batch * m * n * Math.max(1, k);
    if (batch >= Parallel.threads() && work >= PARALLEL_MIN) {
      Parallel.forRange(0, batch, (lo, hi) -> {
        for (int t = lo; t < hi; t++) {
          sgemm(transA, transB, m, n, k, a, aOff + t * aStride, lda, b, bOff + t * bStride, ldb,
              beta, c, cOff + t * cStride, ldc);
        }
      });
    } else {
      for (int t = 0; t < batch; t++) {
        sgemm(transA, transB, m, n, k, a, aOff + t * aStride, lda, b, bOff + t * bStride, ldb,
            beta, c, cOff + t * cStride, ldc);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static void check(boolean ta, boolean tb, int m, int n, int k, int lda, int ldb, int ldc) {
    if (m < 0) throw new IllegalArgumentException("m (" + m + ") must be >= 0");
    if (n < 0) throw new IllegalArgumentException("n (" + n + ") must be >= 0");
    if (k < 0) throw new IllegalArgumentException("k (" + k + ") must be >= 0");
    int aw = ta ? m : k, bw = tb ? k : n;
    if (lda < Math.max(1, aw)) throw new IllegalArgumentException("lda (" + lda + ") must be >= " + aw);
    if (ldb < Math.max(1, bw)) throw new IllegalArgumentException("ldb (" + ldb + ") must be >= " + bw);
    if (ldc < Math.max(1, n)) throw new IllegalArgumentException("ldc (" + ldc + ") must be >= " + n);
  }

  private static void scaleC(int m, int n, float beta, float[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      int r = cOff + i * ldc;
      if (beta == 0f) Arrays.fill(c, r, r + n, 0f);
      else if (beta != 1f) for (int j = 0; j < n; j++) c[r + j] = beta * c[r + j];
    }
  }

  /** C[0][j] = β·C[0][j] + Σ_p a[p]·B[j][p] (one row of A against the rows of B), see the class comment. */
  private static void rowTimesRows(int n, int k, float[] a, int aOff, float[] b, int bOff, int ldb, float beta, float[] c, int cOff) {
    Parallel.RangeBody body = (lo, hi) -> {
      for (int j = lo; j < hi; j++) {
        float s = VecOps.dot(a, aOff, b, bOff + j * ldb, k);
        int cj = cOff + j;
        c[cj] = beta == 0f ? s : beta == 1f ? c[cj] + s : Math.fma(c[cj], beta, s);
      }
    };
    if ((long) n * k < PARALLEL_MIN || Parallel.threads() == 1) body.run(0, n);
    else Parallel.forRange(0, n, Math.max(1, (int) (PARALLEL_MIN / 4 / k)), body);
  }

  /** Tiny shapes: the same fma chain per element, one KC block at a time, without packing. */
  private static void small(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        int ci = cOff + i * ldc + j;
        for (int pc = 0; pc < k; pc += KC) {
          int kc = Math.min(KC, k - pc);
          float s = 0f;
          for (int p = pc; p < pc + kc; p++) {
            float x = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
            float y = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
            s = Math.fma(x, y, s);
          }
          if (pc > 0 || beta == 1f) c[ci] = c[ci] + s;
          else if (beta == 0f) c[ci] = s;
          else c[ci] = Math.fma(c[ci], beta, s);
        }
      }
    }
  }

  /**
   * Packs panels [p0, p1) of op(B)[pc .. pc+kc][jc .. jc+nc] into {@code bp}: panel q holds, for
   * each depth p, NR consecutive columns, zero-padded beyond nc.
   */
  static void packB(int nr, boolean transB, float[] b, int bOff, int ldb, int pc, int kc,
      int jc, int nc, int p0, int p1, float[] bp) {
    for (int q = p0; q < p1; q++) {
      int j0 = q * nr, w = Math.min(nr, nc - j0);
      int dst = q * nr * kc;
      if (!transB) {
        int src = bOff + pc * ldb + jc + j0;
        if (w == nr) {
          for (int p = 0; p < kc; p++, src += ldb, dst += nr) {
            for (int v = 0; v < nr; v += L) FloatVector.fromArray(S, b, src + v).intoArray(bp, dst + v);
          }
        } else {
          for (int p = 0; p < kc; p++, src += ldb, dst += nr) {
            System.arraycopy(b, src, bp, dst, w);
            Arrays.fill(bp, dst + w, dst + nr, 0f);
          }
        }
      } else {
        transposeInto(b, bOff + (jc + j0) * ldb + pc, ldb, w, kc, bp, dst, nr);
        for (int jj = w; jj < nr; jj++) {
          for (int p = 0; p < kc; p++) bp[dst + p * nr + jj] = 0f;
        }
      }
    }
  }

  /**
   * {@code dst[d + p·ld + r] = src[s + r·lds + p]} for r &lt; rows, p &lt; len: rows of a matrix
   * become columns of a panel. Four rows at a time, each read in order while the four values of
   * a depth are written side by side: about 2× faster than one row at a time, whose writes, ld
   * apart, leave the L1 cache before their line is full.
   */
  static void transposeInto(float[] src, int s, int lds, int rows, int len, float[] dst, int d, int ld) {
    int r = 0;
    for (; r + 4 <= rows; r += 4) interleave4(src, s + r * lds, s + (r + 1) * lds, s + (r + 2) * lds, s + (r + 3) * lds, len, dst, d + r, ld);
    for (; r < rows; r++) {
      for (int p = 0, si = s + r * lds, o = d + r; p < len; p++, o += ld) dst[o] = src[si + p];
    }
  }

  /**
   * {@code dst[d + p·ld + q] = src[s_q + p]} for q &lt; 4, p &lt; len: four runs, wherever they
   * start, become four adjacent columns of a panel ({@link #transposeInto}'s step, and the
   * convolution's transposed panels, whose runs are not evenly spaced).
   */
  static void interleave4(float[] src, int s0, int s1, int s2, int s3, int len, float[] dst, int d, int ld) {
    for (int p = 0, o = d; p < len; p++, o += ld) {
      dst[o] = src[s0 + p];
      dst[o + 1] = src[s1 + p];
      dst[o + 2] = src[s2 + p];
      dst[o + 3] = src[s3 + p];
    }
  }

  /** Packs rows [i0, i0+mc) of op(A)[.][pc .. pc+kc] into MR-row slivers, zero-padded. */
  private static void packA(int mr, boolean transA, float[] a, int aOff, int lda, int pc, int kc,
      int i0, int mc, float[] ap, int apOff) {
    for (int s = 0; s < mc; s += mr) {
      int h = Math.min(mr, mc - s);
      int dst = apOff + s * kc;
      if (transA && mr <= L) { // one masked vector per depth: h values in, zeros after them, mr lanes out
        int src = aOff + pc * lda + i0 + s;
        VectorMask<Float> in = S.indexInRange(0, h), out = S.indexInRange(0, mr);
        for (int p = 0; p < kc; p++, src += lda, dst += mr) FloatVector.fromArray(S, a, src, in).intoArray(ap, dst, out);
      } else if (transA) {
        int src = aOff + pc * lda + i0 + s;
        for (int p = 0; p < kc; p++, src += lda, dst += mr) {
          for (int r = 0; r < h; r++) ap[dst + r] = a[src + r];
          for (int r = h; r < mr; r++) ap[dst + r] = 0f;
        }
      } else {
        transposeInto(a, aOff + (i0 + s) * lda + pc, lda, h, kc, ap, dst, mr);
        for (int r = h; r < mr; r++) {
          for (int p = 0; p < kc; p++) ap[dst + p * mr + r] = 0f;
        }
      }
    }
  }

  /** One packed MC×KC block of op(A) times the packed KC×NC block of op(B), into C. */
  private static void macro(GemmBlocking g, float[] ap, int ao, int ic, int mc, int kc, float[] bp, int jc, int nc,
      int mode, float beta, float[] c, int cOff, int ldc, float[] tile) {
    int mr = g.mr(), nr = g.nr();
    for (int j0 = 0, bo = 0; j0 < nc; j0 += nr, bo += nr * kc) {
      int w = Math.min(nr, nc - j0);
      for (int s = 0; s < mc; s += mr) {
        int h = Math.min(mr, mc - s);
        int co = cOff + (ic + s) * ldc + jc + j0;
        g.kernel(kc, ap, ao + s * kc, mr, bp, bo, tile);
        if (h == mr && w == nr) full(tile, mr, nr, c, co, ldc, mode, beta);
        else edge(tile, nr, h, w, c, co, ldc, mode, beta);
      }
    }
  }

  /**
   * {@link #macro} with op(A) read in place, not packed: a non-transposed A by
   * {@link GemmBlocking#kernelDirect} (sliver row r at {@code a[ao + r·lda + p]}), a transposed one
   * ({@code transA}) by the packed kernels with depth stride {@code lda} (the MR values of depth p
   * are a run of A's row pc + p). A last sliver of fewer than MR rows is packed into {@code edgeBuf}
   * and goes through {@link #macro}. Every element is the same fma chain as in the packed path.
   */
  private static void macroInPlace(GemmBlocking g, boolean transA, float[] a, int aOff, int lda, int pc, int ic, int mc, int kc,
      float[] bp, int jc, int nc, int mode, float beta, float[] c, int cOff, int ldc, float[] tile, float[] edgeBuf) {
    int mr = g.mr(), nr = g.nr(), full = mc / mr * mr;
    int ao = transA ? aOff + pc * lda + ic : aOff + ic * lda + pc; // where sliver 0 starts
    for (int j0 = 0, bo = 0; j0 < nc; j0 += nr, bo += nr * kc) {
      int w = Math.min(nr, nc - j0);
      for (int s = 0; s < full; s += mr) {
        int co = cOff + (ic + s) * ldc + jc + j0;
        if (transA) g.kernel(kc, a, ao + s, lda, bp, bo, tile);
        else g.kernelDirect(kc, a, ao + s * lda, lda, bp, bo, tile);
        if (w == nr) full(tile, mr, nr, c, co, ldc, mode, beta);
        else edge(tile, nr, mr, w, c, co, ldc, mode, beta);
      }
    }
    if (full < mc) {
      packA(mr, transA, a, aOff, lda, pc, kc, ic + full, mc - full, edgeBuf, 0);
      macro(g, edgeBuf, 0, ic + full, mc - full, kc, bp, jc, nc, mode, beta, c, cOff, ldc, tile);
    }
  }

  /** Stores a full mr×nr tile into C according to {@code mode}: one small loop per mode, no branch inside, no vector merged across branches. */
  private static void full(float[] tile, int mr, int nr, float[] c, int co, int ldc, int mode, float beta) {
    if (mode == ADD) fullAdd(tile, mr, nr, c, co, ldc);
    else if (mode == OVERWRITE) fullStore(tile, mr, nr, c, co, ldc);
    else fullScale(tile, mr, nr, c, co, ldc, beta);
  }

  private static void fullStore(float[] tile, int mr, int nr, float[] c, int co, int ldc) {
    for (int r = 0; r < mr; r++, co += ldc) {
      for (int v = 0; v < nr; v += L) FloatVector.fromArray(S, tile, r * nr + v).intoArray(c, co + v);
    }
  }

  private static void fullAdd(float[] tile, int mr, int nr, float[] c, int co, int ldc) {
    for (int r = 0; r < mr; r++, co += ldc) {
      for (int v = 0; v < nr; v += L) FloatVector.fromArray(S, c, co + v).add(FloatVector.fromArray(S, tile, r * nr + v)).intoArray(c, co + v);
    }
  }

  private static void fullScale(float[] tile, int mr, int nr, float[] c, int co, int ldc, float beta) {
    FloatVector b = FloatVector.broadcast(S, beta);
    for (int r = 0; r < mr; r++, co += ldc) {
      for (int v = 0; v < nr; v += L) FloatVector.fromArray(S, c, co + v).fma(b, FloatVector.fromArray(S, tile, r * nr + v)).intoArray(c, co + v);
    }
  }

  private static void edge(float[] tile, int nr, int h, int w, float[] c, int co, int ldc, int mode, float beta) {
    for (int r = 0; r < h; r++) {
      for (int j = 0; j < w; j++) {
        int ci = co + r * ldc + j;
        float acc = tile[r * nr + j];
        c[ci] = mode == OVERWRITE ? acc : mode == ADD ? c[ci] + acc : Math.fma(c[ci], beta, acc);
      }
    }
  }

  /** The 8×2-vector micro-kernel (the default before session 13), {@link MicroKernels#k8x2}; kept for KernelBench. */
  static void kernel(int kc, float[] ap, int ao, float[] bp, int bo, float[] t) {
    MicroKernels.k8x2(kc, ap, ao, MR, bp, bo, t);
  }

  // ---------------------------------------------------------------------------------------------

  /** Whether {@link #benchGflops} has warmed the JIT up in this process. */
  private static boolean benchWarm;

  /**
   * Benchmark: median GFLOP/s ({@code 2·m·n·k} per call) of {@code reps} timed calls of
   * {@link #sgemm} with β = 0 on random data, after a warm-up, at the current thread count.
   * @param m the rows of op(A) and C, ≥ 1
   * @param n the columns of op(B) and C, ≥ 1
   * @param k the inner dimension, ≥ 1
   * @param ta whether A is stored transposed
   * @param tb whether B is stored transposed
   * @param reps the number of timed repetitions (each of enough calls for about 0.2 GFLOP); at least 1 is run
   * @return the median throughput in GFLOP/s
   */
  public static double benchGflops(int m, int n, int k, boolean ta, boolean tb, int reps) {
    var rnd = new java.util.SplittableRandom(42);
    float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
    for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextDouble(-1, 1);
    for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextDouble(-1, 1);
    int lda = ta ? m : k, ldb = tb ? k : n;
    double flop = 2.0 * m * n * k;
    int inner = (int) Math.max(1, Math.min(1000, 2e8 / flop));
    if (!benchWarm) { // the first call of a process: let the JIT compile the kernels on a mid-size product
      benchWarm = true;
      float[] w = new float[384 * 384], wc = new float[384 * 384];
      long end = System.nanoTime() + 1_500_000_000L;
      while (System.nanoTime() < end) sgemm(false, false, 384, 384, 384, w, 0, 384, w, 0, 384, 0f, wc, 0, 384);
    }
    long warmEnd = System.nanoTime() + 300_000_000L;
    while (System.nanoTime() < warmEnd) {
      sgemm(ta, tb, m, n, k, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
    }
    double[] g = new double[Math.max(1, reps)];
    for (int r = 0; r < g.length; r++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < inner; i++) sgemm(ta, tb, m, n, k, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
      g[r] = flop * inner / (System.nanoTime() - t0);
    }
    Arrays.sort(g);
    return g[g.length / 2];
  }
}
