package dev.fivefold.autodiff;

import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;

/**
 * The finite-difference oracle. For an op {@code f} on inputs x_1..x_k it builds
 * L = Σ f(x) ⊙ U (U fixed, random) on a training tape with every x_i a parameter, runs
 * {@code backward(L)}, and compares each element of dL/dx_i with the central difference
 * (L(x + h e_j) - L(x - h e_j)) / (x⁺ - x⁻), where L is evaluated in double from the float
 * forward on an inference tape and x± are the float values actually stored.
 */
final class GradCheck {
  private GradCheck() {}

  /** Builds the op under test from its inputs (all on one tape). */
  @FunctionalInterface
  interface Fn {
    Var apply(Var[] x);
  }

  /** Makes one input tensor from a generator. */
  @FunctionalInterface
  interface Gen {
    Tensor make(Rng rng);
  }

  /** Per-element tolerance (observed worst over all cases ~4e-4): |analytic - numeric| ≤ RTOL · max(1, |numeric|). */
  static final double RTOL = 5e-3;
  /** Whole-gradient tolerance (observed worst ~4e-4): ‖analytic - numeric‖₂ ≤ NORM_TOL · max(1, ‖numeric‖₂). */
  static final double NORM_TOL = 2e-3;

  /** The outcome for one input: worst element and the relative norm error. */
  record Report(int input, int worstIndex, double worstAnalytic, double worstNumeric, double worstScaledError, double normError) {
    boolean ok() {
      return worstScaledError <= RTOL && normError <= NORM_TOL;
    }

    @Override
    public String toString() {
      return String.format("input %d: worst element %d analytic %.6g numeric %.6g (scaled error %.3g), relative norm error %.3g",
          input, worstIndex, worstAnalytic, worstNumeric, worstScaledError, normError);
    }
  }

  /** The analytic gradients of L = Σ f(x) ⊙ u with respect to each x. */
  static float[][] analytic(Fn f, Tensor[] xs, Tensor u) {
    Tape tape = Tape.training();
    float[][] grads = new float[xs.length][];
    Var[] vs = new Var[xs.length];
    for (int i = 0; i < xs.length; i++) {
      grads[i] = new float[xs[i].size()];
      vs[i] = tape.parameter(xs[i], grads[i]);
    }
    Var out = f.apply(vs);
    if (!out.shape().equals(u.shape())) throw new AssertionError("output shape " + out.shape() + " != " + u.shape());
    tape.backward(F.sum(F.mul(out, tape.input(u))));
    return grads;
  }

  /** L = Σ f(x) ⊙ u in double, on {@code tape} (reset first). */
  static double loss(Tape tape, Fn f, Tensor[] xs, Tensor u) {
    tape.reset();
    Var[] vs = new Var[xs.length];
    for (int i = 0; i < xs.length; i++) vs[i] = tape.input(xs[i]);
    float[] o = f.apply(vs).data(), w = u.data();
    double s = 0;
    for (int k = 0; k < w.length; k++) s += (double) o[k] * w[k];
    return s;
  }

  /** The shape of f's output (one inference evaluation). */
  static Shape outputShape(Fn f, Tensor[] xs) {
    Tape t = Tape.inference();
    Var[] vs = new Var[xs.length];
    for (int i = 0; i < xs.length; i++) vs[i] = t.input(xs[i]);
    return f.apply(vs).shape();
  }

  /** Central differences of L with respect to every element of every input. */
  static double[][] numeric(Fn f, Tensor[] xs, Tensor u, float h) {
    Tape tape = Tape.inference();
    double[][] num = new double[xs.length][];
    for (int i = 0; i < xs.length; i++) {
      float[] d = xs[i].data();
      num[i] = new double[d.length];
      for (int j = 0; j < d.length; j++) {
        float x0 = d[j], xp = x0 + h, xm = x0 - h;
        d[j] = xp;
        double lp = loss(tape, f, xs, u);
        d[j] = xm;
        double lm = loss(tape, f, xs, u);
        d[j] = x0;
        num[i][j] = (lp - lm) / ((double) xp - xm);
      }
    }
    return num;
  }

  /**
   * Like {@link #check(Fn, Tensor[], Rng, float)} but differentiates numerically only
   * {@code samples} random elements of each input (for shapes too large to sweep).
   */
  static Report[] checkSampled(Fn f, Tensor[] xs, Rng rng, float h, int samples) {
    Tensor u = Tensor.normal(rng, 0f, 1f, outputShape(f, xs).dims());
    float[][] a = analytic(f, xs, u);
    Tape tape = Tape.inference();
    Report[] r = new Report[xs.length];
    for (int i = 0; i < xs.length; i++) {
      float[] d = xs[i].data();
      int m = Math.min(samples, d.length);
      float[] as = new float[m];
      double[] ns = new double[m];
      for (int s = 0; s < m; s++) {
        int j = rng.nextInt(d.length);
        float x0 = d[j], xp = x0 + h, xm = x0 - h;
        d[j] = xp;
        double lp = loss(tape, f, xs, u);
        d[j] = xm;
        double lm = loss(tape, f, xs, u);
        d[j] = x0;
        as[s] = a[i][j];
        ns[s] = (lp - lm) / ((double) xp - xm);
      }
      r[i] = compare(i, as, ns);
    }
    return r;
  }

  static Report compare(int input, float[] a, double[] n) {
    int worst = -1;
    double worstErr = 0, diff2 = 0, norm2 = 0;
    for (int j = 0; j < a.length; j++) {
      double d = a[j] - n[j];
      diff2 += d * d;
      norm2 += n[j] * n[j];
      double e = Math.abs(d) / Math.max(1, Math.abs(n[j]));
      if (!(e <= worstErr)) { // NaN counts as worst
        worstErr = e;
        worst = j;
      }
    }
    if (worst < 0) worst = 0;
    double normErr = Math.sqrt(diff2) / Math.max(1, Math.sqrt(norm2));
    return new Report(input, worst, a.length == 0 ? 0 : a[worst], n.length == 0 ? 0 : n[worst], worstErr, normErr);
  }

  /** Runs the whole check for inputs made by {@code gens} from {@code seed}; returns one report per input. */
  static Report[] check(Fn f, Gen[] gens, long seed, float h) {
    Rng rng = new Rng(seed);
    Tensor[] xs = new Tensor[gens.length];
    for (int i = 0; i < gens.length; i++) xs[i] = gens[i].make(rng);
    return check(f, xs, new Rng(seed * 7919 + 17), h);
  }

  static Report[] check(Fn f, Tensor[] xs, Rng uRng, float h) {
    Tensor u = Tensor.normal(uRng, 0f, 1f, outputShape(f, xs).dims());
    float[][] a = analytic(f, xs, u);
    double[][] n = numeric(f, xs, u, h);
    Report[] r = new Report[xs.length];
    for (int i = 0; i < xs.length; i++) r[i] = compare(i, a[i], n[i]);
    return r;
  }

  // ---- input generators ----------------------------------------------------------------

  /** N(0, 1). */
  static Gen normal(int... dims) {
    return r -> Tensor.normal(r, 0f, 1f, dims);
  }

  /** Uniform in [0.5, 2): away from the edge of the domain of log, sqrt, pow and 1/x. */
  static Gen positive(int... dims) {
    return r -> Tensor.uniform(r, 0.5f, 2f, dims);
  }

  /** ±[0.1, 1.5): at least 10 h away from the kink of relu at 0. */
  static Gen awayFromZero(int... dims) {
    return r -> {
      Tensor t = Tensor.uniform(r, 0.1f, 1.5f, dims);
      float[] d = t.data();
      for (int i = 0; i < d.length; i++) if (r.nextFloat() < 0.5f) d[i] = -d[i];
      return t;
    };
  }

  /**
   * Distinct values (a shuffled grid 0.05 apart plus a jitter below 0.01), so any two elements
   * differ by more than 0.04 &gt; 2h: no ties for max and max-pool, none created by a ±h step.
   */
  static Gen distinct(int... dims) {
    return r -> {
      int n = Shape.of(dims).size();
      int[] perm = new int[n];
      for (int i = 0; i < n; i++) perm[i] = i;
      r.shuffle(perm);
      float[] d = new float[n];
      for (int i = 0; i < n; i++) d[i] = (perm[i] - n / 2f) * 0.05f + 0.01f * r.nextFloat();
      return Tensor.of(d, dims);
    };
  }
}
