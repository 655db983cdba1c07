package dev.fivefold.tensor.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * The one concurrency primitive of fivefold: {@code forRange(start, end, body)} over one shared pool.
 *
 * <p>The pool has {@link #threads()} workers (default: available processors; change with
 * {@link #setThreads(int)}, the CLI's {@code --threads}). The range is cut into contiguous chunks,
 * one per thread; the body must write disjoint outputs per index so that the result does not
 * depend on the thread count. A {@code forRange} called from inside a worker runs serially, so
 * kernels may nest without deadlock.
 */
public final class Parallel {
  /** A body over a half-open range {@code [lo, hi)}. */
  @FunctionalInterface
  public interface RangeBody {
    void run(int lo, int hi);
  }

  private static volatile int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
  private static volatile ForkJoinPool pool;
  private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> Boolean.FALSE);

  private Parallel() {}

  /** Number of threads kernels use. */
  public static int threads() {
    return threads;
  }

  /** Sets the number of threads (&ge; 1). Results do not depend on it. */
  public static synchronized void setThreads(int n) {
    if (n < 1) throw new IllegalArgumentException("threads (" + n + ") must be >= 1");
    if (n != threads) {
      threads = n;
      ForkJoinPool old = pool;
      pool = null;
      if (old != null) old.shutdown();
    }
  }

  private static ForkJoinPool pool() {
    ForkJoinPool p = pool;
    if (p == null) {
      synchronized (Parallel.class) {
        p = pool;
        if (p == null) {
          p = new ForkJoinPool(threads, fjp -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(fjp);
            t.setDaemon(true);
            t.setName("fivefold-" + t.getPoolIndex());
            return t;
          }, null, false);
          pool = p;
        }
      }
    }
    return p;
  }

  /**
   * Runs {@code body} over {@code [start, end)} split into at most {@link #threads()} chunks of at
   * least {@code grain} indices each. Runs serially when the range is small, when one thread is
   * configured, or when called from inside another {@code forRange}.
   */
  public static void forRange(int start, int end, int grain, RangeBody body) {
    int n = end - start;
    if (n <= 0) return;
    int t = threads;
    int chunks = Math.min(t, Math.max(1, n / Math.max(1, grain)));
    if (chunks <= 1 || INSIDE.get()) {
      body.run(start, end);
      return;
    }
    ForkJoinPool p = pool();
    List<Future<?>> fs = new ArrayList<>(chunks - 1);
    int base = n / chunks, rem = n % chunks;
    int lo = start;
    int firstHi = start + base + (rem > 0 ? 1 : 0);
    lo = firstHi;
    for (int c = 1; c < chunks; c++) {
      int hi = lo + base + (c < rem ? 1 : 0);
      final int l = lo, h = hi;
      fs.add(p.submit(() -> {
        INSIDE.set(Boolean.TRUE);
        try {
          body.run(l, h);
        } finally {
          INSIDE.set(Boolean.FALSE);
        }
      }));
      lo = hi;
    }
    RuntimeException first = null;
    INSIDE.set(Boolean.TRUE);
    try {
      body.run(start, firstHi);
    } catch (RuntimeException e) {
      first = e;
    } finally {
      INSIDE.set(Boolean.FALSE);
    }
    // Wait for every chunk, even when one failed, so no task still writes after we return.
    for (Future<?> f : fs) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (first == null) first = new RuntimeException(e);
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof Error er) throw er;
        if (first == null) first = c instanceof RuntimeException re ? re : new RuntimeException(c);
      }
    }
    if (first != null) throw first;
  }

  /** {@code forRange} with grain 1. */
  public static void forRange(int start, int end, RangeBody body) {
    forRange(start, end, 1, body);
  }
}
