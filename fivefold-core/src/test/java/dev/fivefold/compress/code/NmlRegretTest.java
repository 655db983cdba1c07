package dev.fivefold.compress.code;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The NML parametric complexity against brute force and against its asymptotic expansion (Rissanen
 * 1996; the second term from Szpankowski 1998, "On asymptotics of certain recurrences arising in
 * universal coding").
 */
class NmlRegretTest {
  /** {@code log2 sum over all count vectors of the multinomial max likelihood}, by enumeration. */
  static double bruteForce(int n, int k) {
    return Math.log(sum(n, k, n, new int[k], 0)) / Math.log(2);
  }

  private static double sum(int n, int k, int left, int[] c, int i) {
    if (i == k - 1) {
      c[i] = left;
      double lnMultinomial = lnFact(n), lnLik = 0;
      for (int x : c) {
        lnMultinomial -= lnFact(x);
        if (x > 0) lnLik += x * Math.log((double) x / n);
      }
      return Math.exp(lnMultinomial + lnLik);
    }
    double s = 0;
    for (int x = 0; x <= left; x++) {
      c[i] = x;
      s += sum(n, k, left - x, c, i + 1);
    }
    return s;
  }

  private static double lnFact(int m) {
    double s = 0;
    for (int i = 2; i <= m; i++) s += Math.log(i);
    return s;
  }

  @Test
  void matchesEnumeration() {
    for (int n : new int[] {1, 2, 5, 17, 40}) {
      for (int k : new int[] {2, 3, 4, 5}) {
        assertEquals(bruteForce(n, k), Entropy.nmlRegretBits(n, k), 1e-9, "n " + n + " k " + k);
      }
    }
    assertEquals(0, Entropy.nmlRegretBits(0, 5));
    assertEquals(0, Entropy.nmlRegretBits(100, 1));
    assertEquals(1, Entropy.nmlRegretBits(1, 2), 1e-12); // one binary symbol: C = 2
  }

  @Test
  void approachesRissanensFormula() {
    for (int k : new int[] {2, 16, 256}) {
      long n = 2_000_000;
      double lnGammaHalfK = lnGamma(k / 2.0);
      double second = Math.sqrt(2) * k / (3 * Math.sqrt(n)) * Math.exp(lnGammaHalfK - lnGamma((k - 1) / 2.0));
      double asymptotic = ((k - 1) / 2.0 * Math.log(n / (2 * Math.PI)) + k / 2.0 * Math.log(Math.PI) - lnGammaHalfK + second) / Math.log(2);
      assertEquals(asymptotic, Entropy.nmlRegretBits(n, k), 0.01, "k " + k);
    }
  }

  /** ln Gamma(x) for x a positive multiple of 1/2. */
  private static double lnGamma(double x) {
    double s = (x * 2) % 2 == 0 ? 0 : 0.5 * Math.log(Math.PI); // Gamma(1/2) = sqrt(pi)
    for (double y = (x * 2) % 2 == 0 ? 1 : 0.5; y < x; y += 1) s += Math.log(y);
    return s;
  }
}
