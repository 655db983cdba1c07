package dev.fivefold.tensor.kernel;

import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one concurrency primitive of fivefold: {@code forRange(start, end, body)} over one shared set
 * of worker threads.
 *
 * <p>There are {@link #threads()} - 1 workers (default threads: available processors; change with
 * {@link #setThreads(int)}, the CLI's {@code --threads}); the calling thread runs the first chunk.
 * The range is cut into contiguous chunks, one per thread; the body must write disjoint outputs per
 * index so that the result does not depend on the thread count. Workers spin for
 * {@link #SPIN_NANOS} of idle time before they park, so the hand-off of the many small kernels of a
 * training step costs about a microsecond instead of the tens of microseconds of waking a parked
 * thread (measured 50 to 75 µs on a 2-core VM, docs/performance-notes.md, session 17); the
 * spin is timed, not counted, because a spin-wait instruction's latency differs by CPU (tens of
 * cycles on AMD Zen, over a hundred on recent Intel cores). A {@code forRange} called from inside
 * a worker, or while another thread is using the workers, runs serially, so kernels may nest
 * without deadlock. If a chunk throws, every chunk is still waited for before the first exception
 * is rethrown.
 */
public final class Parallel {
  /** A body over a half-open range {@code [lo, hi)}. */
  @FunctionalInterface
  public interface RangeBody {
    /**
     * Processes the indices {@code [lo, hi)}.
     * @param lo the first index
     * @param hi one past the last index
     */
    void run(int lo, int hi);
  }

  private static final int SPINS = 1 << 12;
  /**
   * How long an idle worker spins before it parks, in nanoseconds: 1 ms by default, or the system
   * property {@code ff.spin.us} in microseconds (0: park after a few hundred spins; negative counts as 0). A training step's serial gaps
   * (loss, bookkeeping, the optimizer's small tensors) are mostly shorter than this, so its workers
   * stay awake through the step and sleep between steps and when the program is idle.
   */
  public static final long SPIN_NANOS = Math.clamp(Long.getLong("ff.spin.us", 1000), 0, Long.MAX_VALUE / 1000) * 1000;
  private static volatile int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
  private static volatile Worker[] workers = new Worker[0];
  private static final ReentrantLock LOCK = new ReentrantLock();
  private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> Boolean.FALSE);
  private static int seq;

  private Parallel() {}

  /**
   * Number of threads kernels use.
   * @return the thread count, ≥ 1 (the calling thread included)
   */
  public static int threads() {
    return threads;
  }

  /**
   * Most compute threads {@link #setThreads} accepts: 4 × the available processors, at least 16 and
   * at most 256. More threads than cores only adds switching, and each costs a native stack: an
   * unbounded count (100,000) exhausts the machine's thread limit (issue 20).
   */
  public static final int MAX_THREADS = Math.min(256, Math.max(16, 4 * Runtime.getRuntime().availableProcessors()));

  /**
   * Sets the number of threads (&ge; 1). Results do not depend on it.
   * @param n the number of threads, in [1, {@link #MAX_THREADS}]
   * @throws IllegalArgumentException if {@code n} is outside [1, {@link #MAX_THREADS}]
   */
  public static void setThreads(int n) {
    if (n < 1 || n > MAX_THREADS) throw new IllegalArgumentException("threads (" + n + ") must be in [1, " + MAX_THREADS + "]");
    LOCK.lock();
    try {
      if (n != threads) {
        for (Worker w : workers) w.shutdown();
        workers = new Worker[0];
        threads = n;
      }
    } finally {
      LOCK.unlock();
    }
  }

  private static final class Worker extends Thread {
    volatile int posted;
    volatile int done;
    volatile boolean parked;
    volatile boolean stop;
    RangeBody body;
    int lo, hi;
    Throwable error;

    Worker(int i) {
      super("fivefold-" + i);
      setDaemon(true);
    }

    void shutdown() {
      stop = true;
      LockSupport.unpark(this);
    }

    @Override
    public void run() {
      INSIDE.set(Boolean.TRUE);
      int seen = 0;
      while (true) {
        int spins = 0;
        long idleSince = Long.MIN_VALUE; // not yet timed
        while (posted == seen && !stop) {
          if ((++spins & 255) != 0) {
            Thread.onSpinWait();
          } else if (idleSince == Long.MIN_VALUE) {
            idleSince = System.nanoTime();
          } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
            Thread.onSpinWait();
          } else {
            parked = true;
            if (posted == seen && !stop) LockSupport.park(this);
            parked = false;
          }
        }
        if (stop) return;
        seen = posted;
        try {
          body.run(lo, hi);
        } catch (Throwable t) {
          error = t;
        }
        body = null;
        done = seen;
      }
    }
  }

  private static Worker[] workers(int n) {
    Worker[] ws = workers;
    if (ws.length != n) {
      ws = new Worker[n];
      for (int i = 0; i < n; i++) {
        ws[i] = new Worker(i + 1);
        ws[i].start();
      }
      workers = ws;
    }
    return ws;
  }

  /**
   * Runs {@code body} over {@code [start, end)} split into at most {@link #threads()} chunks of at
   * least {@code grain} indices each. Runs serially when the range is small, when one thread is
   * configured, or when called from inside another {@code forRange}.
   * @param start the first index
   * @param end one past the last index; nothing runs when {@code end ≤ start}
   * @param grain the least number of indices per chunk (values below 1 count as 1)
   * @param body the work, called once per chunk; must write disjoint outputs per index
   * @throws RuntimeException the first exception a chunk threw (a checked one wrapped), after every chunk has
   *     finished
   */
  public static void forRange(int start, int end, int grain, RangeBody body) {
    int n = end - start;
    if (n <= 0) return;
    int chunks = Math.min(threads, Math.max(1, n / Math.max(1, grain)));
    if (chunks <= 1 || INSIDE.get() || !LOCK.tryLock()) {
      body.run(start, end);
      return;
    }
    try {
      chunks = Math.min(chunks, threads);
      Worker[] ws = workers(threads - 1);
      int base = n / chunks, rem = n % chunks;
      int firstHi = start + base + (rem > 0 ? 1 : 0);
      int lo = firstHi;
      int s = ++seq;
      for (int c = 1; c < chunks; c++) {
        int hi = lo + base + (c < rem ? 1 : 0);
        Worker w = ws[c - 1];
        w.body = body;
        w.lo = lo;
        w.hi = hi;
        w.error = null;
        w.posted = s;
        if (w.parked) LockSupport.unpark(w);
        lo = hi;
      }
      Throwable first = null;
      INSIDE.set(Boolean.TRUE);
      try {
        body.run(start, firstHi);
      } catch (Throwable t) {
        first = t;
      } finally {
        INSIDE.set(Boolean.FALSE);
      }
      for (int c = 1; c < chunks; c++) {
        Worker w = ws[c - 1];
        int spins = 0;
        while (w.done != s) {
          if (++spins < SPINS) Thread.onSpinWait();
          else Thread.yield();
        }
        if (first == null && w.error != null) first = w.error;
      }
      if (first instanceof RuntimeException re) throw re;
      if (first instanceof Error er) throw er;
      if (first != null) throw new RuntimeException(first);
    } finally {
      LOCK.unlock();
    }
  }

  /**
   * {@code forRange} with grain 1.
   * @param start the first index
   * @param end one past the last index
   * @param body the work, called once per chunk; must write disjoint outputs per index
   */
  public static void forRange(int start, int end, RangeBody body) {
    forRange(start, end, 1, body);
  }
}
