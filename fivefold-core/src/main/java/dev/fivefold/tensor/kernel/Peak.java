package dev.fivefold.tensor.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * This machine's fp32 peak, measured: the rate of fused multiply-adds the Vector API reaches when
 * nothing but FMAs runs, so GFLOP/s figures can be given as a share of what the CPU can do
 * instead of a constant from another machine.
 *
 * <p>The loop keeps {@value #CHAINS} independent accumulator chains {@code acc_i = fma(acc_i, a,
 * b)} of the preferred species (16 floats with AVX-512), enough to hide an FMA latency of 4–6
 * cycles on two FMA pipes, and counts 2·lanes flops per FMA. Each of {@code threads} platform
 * threads runs the loop at once; the figure is total flops over the wall time of the slowest
 * thread, the best of several trials of about {@value #TRIAL_MS} ms (a busy machine only lowers it). On an AMD Zen 4 core
 * (one 512-bit FMA per cycle, split over two 256-bit pipes) this is about 32 flops per cycle; on an
 * Intel core with two 512-bit FMA units, or an AMD Zen 5 (EPYC family 26), 64 (measured here: 220
 * GFLOP/s per core on a Zen 5).
 *
 * <p>A measurement takes about {@code trials ×} {@value #TRIAL_MS} ms plus a warm-up of
 * {@value #WARM_MS} ms or more. The result is not cached: a cache keyed by
 * the CPU model would survive a change of clock or of the machine under a virtual CPU's name.
 */
public final class Peak {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int CHAINS = 12;
  static final int TRIAL_MS = 40;
  static final int WARM_MS = 250;
  private static volatile float sink;

  private Peak() {}

  /**
   * A measured peak: {@code gflops} over {@code threads} threads of the CPU named {@code cpu}.
   * @param cpu the CPU model name ({@link #cpuModel()})
   * @param threads the number of threads that ran the loop at once
   * @param lanes the float lanes of the vector species used (16 with AVX-512)
   * @param gflops the measured peak, total GFLOP/s over all threads
   */
  public record Result(String cpu, int threads, int lanes, double gflops) {
    /**
     * GFLOP/s per thread.
     * @return {@code gflops / threads}
     */
    public double perThread() {
      return gflops / threads;
    }

    /**
     * {@code 100·g/gflops}: a rate as a share of this peak, in percent.
     * @param g a rate in GFLOP/s
     * @return {@code g} as a percentage of {@link #gflops()}
     */
    public double percent(double g) {
      return 100 * g / gflops;
    }
  }

  /**
   * The best of {@code trials} measurements with {@code threads} threads.
   * @param threads the number of concurrent loops, ≥ 1
   * @param trials the number of timed trials, ≥ 1
   * @return the peak, the highest rate over the trials
   * @throws IllegalArgumentException if threads or trials is below 1
   * @throws IllegalStateException if the calling thread is interrupted while waiting for the loops
   */
  public static Result measure(int threads, int trials) {
    if (threads < 1) throw new IllegalArgumentException("threads (" + threads + ") must be >= 1");
    if (trials < 1) throw new IllegalArgumentException("trials (" + trials + ") must be >= 1");
    long iters = calibrate();
    double best = 0;
    for (int t = 0, retries = 0; t < trials; t++) {
      long t0 = System.nanoTime();
      double g = trial(threads, iters);
      double ms = Math.max((System.nanoTime() - t0) / 1e6, 1e-3);
      if (ms < TRIAL_MS / 2.0 && retries++ < 20) { // the JIT sped the loop up since calibration
        iters = Math.max(1, (long) (iters * TRIAL_MS / ms));
        t--;
        continue;
      }
      best = Math.max(best, g);
    }
    return new Result(cpuModel(), threads, S.length(), best);
  }

  /**
   * Loop rounds for one trial of about {@value #TRIAL_MS} ms on one thread. The loop first runs
   * interpreted, then in profiling code, up to a thousand times slower than compiled, and the JIT
   * compiles it on its own schedule, once it has counted enough back branches; so it is run in
   * pieces of at least 2^16 rounds and about a quarter trial, each sized from the rate of the one
   * before, for at least {@value #WARM_MS} ms and until two pieces in a row agree within 10% at a
   * rate of at least one vector FMA per nanosecond, which compiled code on any core at 1 GHz or
   * more reaches and interpreted code never does (at most ten seconds: at a JVM's start, with both
   * cores busy, the loop's compilation can wait behind others). If the JIT still speeds it up
   * later, a trial that ends in under half its time is not counted and the length is sized again.
   * A trial long against a thread's wake-up (tens of microseconds) keeps the start of the threads
   * out of the figure: a 2 ms trial read 20% low on a two-thread Zen 5.
   */
  private static long calibrate() {
    long iters = 1 << 16; // long pieces: the JIT compiles a loop after some 10^5 back branches
    double previous = 0; // rounds per ms of the last piece
    long start = System.nanoTime();
    while (true) {
      long t0 = System.nanoTime();
      fmaLoop(iters);
      long t1 = System.nanoTime();
      double rate = iters / Math.max((t1 - t0) / 1e6, 1e-3);
      double elapsed = (t1 - start) / 1e6;
      boolean steady = Math.abs(rate - previous) <= 0.1 * rate;
      boolean compiled = rate * 2.0 * S.length() * CHAINS / 1e6 >= S.length() * 2.0; // ≥ one vector FMA per ns
      previous = rate;
      if (elapsed >= WARM_MS && steady && compiled || elapsed >= 10_000) return Math.max(1, (long) (rate * TRIAL_MS));
      iters = Math.max(1 << 16, Math.min(2 * iters, (long) (rate * TRIAL_MS / 4)));
    }
  }

  /** One timed run of {@code threads} concurrent loops of {@code iters} iterations; GFLOP/s. */
  private static double trial(int threads, long iters) {
    CountDownLatch start = new CountDownLatch(1);
    Thread[] ts = new Thread[threads];
    for (int i = 0; i < threads; i++) {
      ts[i] = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        fmaLoop(iters);
      });
      ts[i].start();
    }
    long t0 = System.nanoTime();
    start.countDown();
    for (Thread t : ts) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while measuring the peak", e);
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    double flops = 2.0 * S.length() * CHAINS * iters * threads;
    return flops / seconds / 1e9;
  }

  /** {@value #CHAINS} independent FMA chains for {@code iters} rounds; the sum goes to a volatile so nothing is elided. */
  static void fmaLoop(long iters) {
    FloatVector a = FloatVector.broadcast(S, 0.999999f), b = FloatVector.broadcast(S, 1e-7f);
    FloatVector c0 = FloatVector.broadcast(S, 0f), c1 = FloatVector.broadcast(S, 1f), c2 = FloatVector.broadcast(S, 2f),
        c3 = FloatVector.broadcast(S, 3f), c4 = FloatVector.broadcast(S, 4f), c5 = FloatVector.broadcast(S, 5f),
        c6 = FloatVector.broadcast(S, 6f), c7 = FloatVector.broadcast(S, 7f), c8 = FloatVector.broadcast(S, 8f),
        c9 = FloatVector.broadcast(S, 9f), c10 = FloatVector.broadcast(S, 10f), c11 = FloatVector.broadcast(S, 11f);
    for (long i = 0; i < iters; i++) {
      c0 = c0.fma(a, b);
      c1 = c1.fma(a, b);
      c2 = c2.fma(a, b);
      c3 = c3.fma(a, b);
      c4 = c4.fma(a, b);
      c5 = c5.fma(a, b);
      c6 = c6.fma(a, b);
      c7 = c7.fma(a, b);
      c8 = c8.fma(a, b);
      c9 = c9.fma(a, b);
      c10 = c10.fma(a, b);
      c11 = c11.fma(a, b);
    }
    FloatVector s = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11);
    sink = s.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
  }

  /**
   * The CPU's model name from /proc/cpuinfo, or the JVM's os.arch where that file is missing.
   * @return the model name, never null on a JVM that sets os.arch
   */
  public static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: fall through
    }
    return System.getProperty("os.arch");
  }
}
