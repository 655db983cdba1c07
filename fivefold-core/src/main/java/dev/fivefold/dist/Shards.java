package dev.fivefold.dist;

import dev.fivefold.tensor.Rng;
import java.util.Arrays;

/**
 * How a training set of n samples is split among N workers: a Fisher–Yates permutation drawn from
 * {@code new Rng(seed)}, dealt round-robin (sample perm[i] to worker i mod N), each shard sorted.
 * Disjoint, covering, sizes differing by at most one; the same on every machine for the same seed.
 */
public final class Shards {
  private Shards() {}

  /**
   * The sample indices of every worker.
   *
   * @throws IllegalArgumentException if workers &lt; 1 or there are fewer samples than workers
   * @param n the number of samples
   * @param workers N
   * @param seed the permutation's seed
   * @return N sorted index arrays, worker w's of length ⌈(n − w)/N⌉
   */
  public static int[][] deal(int n, int workers, long seed) {
    if (workers < 1) throw new IllegalArgumentException("workers (" + workers + ") must be >= 1");
    if (n < workers) throw new IllegalArgumentException("samples (" + n + ") must be >= workers (" + workers + ")");
    int[] perm = new int[n];
    Arrays.setAll(perm, i -> i);
    new Rng(seed).shuffle(perm);
    int[][] out = new int[workers][];
    for (int w = 0; w < workers; w++) {
      out[w] = new int[(n - w + workers - 1) / workers];
      for (int i = 0; i < out[w].length; i++) out[w][i] = perm[w + i * workers];
      Arrays.sort(out[w]);
    }
    return out;
  }

  /**
   * Worker {@code w}'s indices: {@code deal(n, workers, seed)[w]}.
   *
   * @param n the number of samples
   * @param workers N
   * @param seed the permutation's seed
   * @param w the worker, in [0, N)
   * @return worker w's sorted indices
   * @throws IllegalArgumentException if {@code w} is out of range, or as {@link #deal}
   */
  public static int[] of(int n, int workers, long seed, int w) {
    if (w < 0 || w >= workers) throw new IllegalArgumentException("worker (" + w + ") must be in [0, " + workers + ")");
    return deal(n, workers, seed)[w];
  }
}
