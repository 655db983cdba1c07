package dev.fivefold.tensor;

/**
 * A small, fast, seedable random generator (SplitMix64, Steele et al. 2014) whose whole state is
 * one {@code long}, so a checkpoint can save and restore it exactly.
 *
 * <p>Not thread-safe; give each consumer its own instance ({@link #split()}).
 */
public final class Rng {
  private long state;
  private double spare = Double.NaN;

  /**
   * A generator whose state is {@code seed}.
   * @param seed the initial state; equal seeds give equal sequences
   */
  public Rng(long seed) {
    this.state = seed;
  }

  /**
   * The full state, for checkpoints.
   * @return the state, for {@link #setState}
   */
  public long state() {
    return state;
  }

  /**
   * Restores a state returned by {@link #state()}.
   * Discards the spare Gaussian of {@link #nextGaussian}.
   * @param s a state from {@link #state()}
   */
  public void setState(long s) {
    this.state = s;
    this.spare = Double.NaN;
  }

  /**
   * The next 64 uniformly random bits (SplitMix64).
   * @return the next value
   */
  public long nextLong() {
    long z = (state += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Uniform in [0, 1) with 53 bits.
   * @return the next value in [0, 1)
   */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /**
   * Uniform in [0, 1) with 24 bits.
   * @return the next value in [0, 1)
   */
  public float nextFloat() {
    return (nextLong() >>> 40) * 0x1.0p-24f;
  }

  /**
   * Uniform integer in [0, bound).
   * @param bound the exclusive upper bound, &gt; 0
   * @return the next value in [0, bound)
   * @throws IllegalArgumentException if {@code bound ≤ 0}
   */
  public int nextInt(int bound) {
    if (bound <= 0) throw new IllegalArgumentException("bound (" + bound + ") must be > 0");
    return (int) (((nextLong() >>> 33) * bound) >>> 31);
  }

  /**
   * Standard normal by the Box-Muller transform (uses both outputs).
   * @return the next standard normal value
   */
  public double nextGaussian() {
    if (!Double.isNaN(spare)) {
      double s = spare;
      spare = Double.NaN;
      return s;
    }
    double u1, u2;
    do {
      u1 = nextDouble();
    } while (u1 <= 1e-300);
    u2 = nextDouble();
    double r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /**
   * A new generator seeded from this one.
   * @return an independent generator; this one advances by one step
   */
  public Rng split() {
    return new Rng(nextLong());
  }

  /**
   * Fisher-Yates shuffle of {@code a} in place.
   * @param a the array, permuted uniformly at random in place
   */
  public void shuffle(int[] a) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
