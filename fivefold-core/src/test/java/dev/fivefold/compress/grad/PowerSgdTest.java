package dev.fivefold.compress.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.tensor.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PowerSGD against an SVD oracle (Eckart–Young), and its error feedback across workers. */
class PowerSgdTest {
  static final int M = 40, N = 30;
  static final Layout LAYOUT = new Layout(List.of("w", "b"), new int[] {M, M}, new int[] {N, 1});

  /** A B^T with A (M × rank), B (N × rank) Gaussian, plus noise·N(0, 1). */
  static float[] lowRank(int rank, double noise, long seed) {
    Rng rng = new Rng(seed);
    double[] a = new double[M * rank], b = new double[N * rank];
    for (int i = 0; i < a.length; i++) a[i] = rng.nextGaussian();
    for (int i = 0; i < b.length; i++) b[i] = rng.nextGaussian();
    float[] m = new float[M * N];
    for (int i = 0; i < M; i++) {
      for (int j = 0; j < N; j++) {
        double s = 0;
        for (int c = 0; c < rank; c++) s += a[i * rank + c] * b[j * rank + c];
        m[i * N + j] = (float) (s + noise * rng.nextGaussian());
      }
    }
    return m;
  }

  /** Squared singular values of the M × N matrix, descending: eigenvalues of MᵀM by cyclic Jacobi (the oracle). */
  static double[] singularSquares(float[] m) {
    double[][] a = new double[N][N];
    for (int p = 0; p < N; p++) for (int q = 0; q < N; q++) for (int i = 0; i < M; i++) a[p][q] += (double) m[i * N + p] * m[i * N + q];
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0;
      for (int p = 0; p < N; p++) for (int q = p + 1; q < N; q++) off += a[p][q] * a[p][q];
      if (off < 1e-22) break;
      for (int p = 0; p < N; p++) {
        for (int q = p + 1; q < N; q++) {
          if (Math.abs(a[p][q]) < 1e-300) continue;
          double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) t = 1;
          double c = 1 / Math.sqrt(t * t + 1), s = t * c;
          for (int k = 0; k < N; k++) {
            double akp = a[k][p], akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
          }
          for (int k = 0; k < N; k++) {
            double apk = a[p][k], aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
          }
        }
      }
    }
    double[] ev = new double[N];
    for (int i = 0; i < N; i++) ev[i] = a[i][i];
    Arrays.sort(ev);
    for (int i = 0; i < N / 2; i++) {
      double t = ev[i];
      ev[i] = ev[N - 1 - i];
      ev[N - 1 - i] = t;
    }
    return ev;
  }

  /** One worker's step: both rounds, then the estimate. */
  static float[][] step(PowerSgd c, WorkerState s, float[][] g) {
    byte[] p0 = c.compress(0, g, null, s);
    float[][] a0 = c.aggregate(0, List.of(p0), LAYOUT);
    byte[] p1 = c.compress(1, null, a0, s);
    return c.finish(c.aggregate(1, List.of(p1), LAYOUT), s);
  }

  static double errorSquared(float[] m, float[] approx) {
    double e = 0;
    for (int i = 0; i < m.length; i++) e += ((double) m[i] - approx[i]) * ((double) m[i] - approx[i]);
    return e;
  }

  @Test
  void anExactlyLowRankMatrixIsRecoveredInOneStep() {
    float[] m = lowRank(3, 0, 1);
    PowerSgd c = new PowerSgd(3, false);
    float[][] est = step(c, c.init(LAYOUT, 5, 0), new float[][] {m, new float[M]});
    double norm = errorSquared(m, new float[m.length]);
    assertTrue(errorSquared(m, est[0]) < 1e-9 * norm, "relative error² " + errorSquared(m, est[0]) / norm);
  }

  @Test
  void warmStartedIterationsReachTheBestRankRApproximation() {
    float[] m = lowRank(4, 0.05, 2);
    double[] s2 = singularSquares(m);
    for (int r : new int[] {1, 2, 4}) {
      double optimum = 0;
      for (int i = r; i < N; i++) optimum += s2[i];
      PowerSgd c = new PowerSgd(r, false);
      WorkerState s = c.init(LAYOUT, 5, 0);
      float[][] est = null;
      for (int k = 0; k < 30; k++) est = step(c, s, new float[][] {m, new float[M]}); // the same M: power iteration
      double err = errorSquared(m, est[0]);
      assertTrue(err >= optimum * (1 - 1e-4), "r=" + r + ": below the optimum? " + err + " < " + optimum);
      assertTrue(err <= optimum * 1.01, "r=" + r + ": error² " + err + ", optimum (Eckart–Young) " + optimum);
    }
  }

  @Test
  void theMeanOfWhatEachWorkerSentAndKeptIsTheMeanAccumulatedGradient() {
    PowerSgd c = new PowerSgd(2, true);
    int workers = 3;
    List<WorkerState> states = new ArrayList<>();
    for (int w = 0; w < workers; w++) states.add(c.init(LAYOUT, 5, w));
    Rng rng = new Rng(6);
    float[][] accumulated = LAYOUT.zeros(); // Σ_w (g_w + e_w) before the step
    for (int step = 0; step < 4; step++) {
      for (float[] a : accumulated) Arrays.fill(a, 0f);
      List<byte[]> p0 = new ArrayList<>();
      for (WorkerState s : states) {
        float[][] g = LAYOUT.zeros();
        for (float[] x : g) for (int j = 0; j < x.length; j++) x[j] = (float) rng.nextGaussian();
        float[][] e = s.has("residual") ? s.find("residual") : LAYOUT.zeros();
        for (int t = 0; t < g.length; t++) for (int j = 0; j < g[t].length; j++) accumulated[t][j] += g[t][j] + e[t][j];
        p0.add(c.compress(0, g, null, s));
      }
      float[][] a0 = c.aggregate(0, p0, LAYOUT);
      List<byte[]> p1 = new ArrayList<>();
      for (WorkerState s : states) p1.add(c.compress(1, null, a0, s));
      float[][] a1 = c.aggregate(1, p1, LAYOUT);
      float[][] est = null;
      for (WorkerState s : states) {
        float[][] e = c.finish(a1, s);
        if (est != null) for (int t = 0; t < e.length; t++) assertEquals(Arrays.toString(est[t]), Arrays.toString(e[t]), "every worker's estimate is the same");
        est = e;
      }
      for (int t = 0; t < est.length; t++) {
        for (int j = 0; j < est[t].length; j++) {
          double kept = 0;
          for (WorkerState s : states) kept += s.find("residual")[t][j];
          assertEquals(accumulated[t][j] / workers, est[t][j] + kept / workers, 1e-5, "step " + step + " tensor " + t + "[" + j + "]");
        }
      }
    }
  }
}
