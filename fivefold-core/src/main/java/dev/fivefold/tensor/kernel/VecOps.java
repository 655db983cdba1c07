package dev.fivefold.tensor.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Element-wise maps, reductions and row-wise kernels on {@code float[]} slices, each as a Vector
 * API method {@code x} and its scalar reference {@code xScalar}.
 *
 * <p>Arguments are (array, offset) pairs and a length {@code n}; outputs may alias inputs at the
 * same offset. Element-wise kernels compute the same IEEE expression as their reference
 * (separate multiply and add, no fma), so they agree bit for bit; the transcendental ones
 * ({@link #exp}, {@link #gelu}, {@link #geluBackward}, {@link #softmaxRows}) use the polynomial exp of
 * {@link Transcendentals} (vector body and scalar tail alike), within an ulp or two of {@link Math}
 * and identical in every JIT tier; their scalar references use {@link Math}.
 *
 * <p>Reductions ({@link #sum}, {@link #dot}, {@link #sumSquares}, {@link #max}) accumulate one
 * vector of partial sums over {@code [0, loopBound)}, then add its lanes in order 0..L-1, then the
 * tail in order. The order is fixed, so the result is deterministic. Reductions and element-wise
 * kernels run on the calling thread and allocate nothing (callers, such as the autodiff ops, split
 * large ranges with {@link Parallel#forRange}); the row-wise kernels ({@link #addRowBroadcast},
 * {@link #softmaxRows}) split their rows themselves, {@link #sumRows} its columns. Every output
 * element is computed by one thread with the same expression, so results do not depend on the thread count.
 */
public final class VecOps {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** Row-wise kernels split across threads above this many elements per chunk. */
  private static final int GRAIN = 1 << 16;
  /** √(2/π), the GELU tanh-approximation constant. */
  private static final float GELU_C = 0.7978845608028654f;
  private static final float GELU_A = 0.044715f;

  private VecOps() {}

  // ---- element-wise binary: out = a ∘ b --------------------------------------------------------

  /**
   * {@code out[i] = a[i] + b[i]} for i in [0, n).
   * @param a the first operand
   * @param aOff offset of element 0 in {@code a}
   * @param b the second operand
   * @param bOff offset of element 0 in {@code b}
   * @param out the result (may be {@code a} or {@code b} at the same offset)
   * @param oOff offset of element 0 in {@code out}
   * @param n the number of elements, ≥ 0
   */
  public static void add(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n) {
    final int lo = 0, hi = n;
    int i = lo;
    for (int ub = lo + S.loopBound(hi - lo); i < ub; i += L) {
      FloatVector.fromArray(S, a, aOff + i).add(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, oOff + i);
    }
    for (; i < hi; i++) out[oOff + i] = a[aOff + i] + b[bOff + i];
  }

  /**
   * Scalar reference of {@link #add}: {@code out[i] = a[i] + b[i]} for i in [0, n).
   * @param a the first operand
   * @param aOff offset of element 0 in {@code a}
   * @param b the second operand
   * @param bOff offset of element 0 in {@code b}
   * @param out the result (may alias an input at the same offset)
   * @param oOff offset of element 0 in {@code out}
   * @param n the number of elements, ≥ 0
   */
  public static void addScalar(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n) {
    for (int i = 0; i < n; i++) out[oOff + i] = a[aOff + i] + b[bOff + i];
  }

  /**
   * {@code out[i] = a[i] - b[i]} for i in [0, n).
   * @param a the minuend
   * @param aOff offset of element 0 in {@code a}
   * @param b the subtrahend
   * @param bOff offset of element 0 in {@code b}
   * @param out the result (may be {@code a} or {@code b} at the same offset)
   * @param oOff offset of element 0 in {@code out}
   * @param n the number of elements, ≥ 0
   */
  public static void sub(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n) {
    final int lo = 0, hi = n;
    int i = lo;
    for (int ub = lo + S.loopBound(hi - lo); i < ub; i += L) {
      FloatVector.fromArray(S, a, aOff + i).sub(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, oOff + i);
    }
    for (; i < hi; i++) out[oOff + i] = a[aOff + i] - b[bOff + i];
  }

  /**
   * Scalar reference of {@link #sub}: {@code out[i] = a[i] - b[i]} for i in [0, n).
   * @param a the minuend
   * @param aOff offset of element 0 in {@code a}
   * @param b the subtrahend
   * @param bOff offset of element 0 in {@code b}
   * @param out the result (may alias an input at the same offset)
   * @param oOff offset of element 0 in {@code out}
   * @param n the number of elements, ≥ 0
   */
  public static void subScalar(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n) {
    for (int i = 0; i < n; i++) out[oOff + i] = a[aOff + i] - b[bOff + i];
  }

  /**
   * {@code out[i] = a[i] · b[i]} for i in [0, n).
   * @param a the first factor
   * @param aOff offset of element 0 in {@code a}
   * @param b the second factor
   * @param bOff offset of element 0 in {@code b}
   * @param out the result (may be {@code a} or {@code b} at the same offset)
   * @param oOff offset of element 0 in {@code out}
   * @param n the number of elements, ≥ 0
   */
  public static void mul(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n) {
    final int lo = 0, hi = n;
    int i = lo;
    for (int ub = lo + S.loopBound(hi - lo); i < ub; i += L) {
      FloatVector.fromArray(S, a, aOff + i).mul(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, oOff + i);
    }
    for (; i < hi; i++) out[oOff + i] = a[aOff + i] * b[bOff + i];
  }

  /**
   * Scalar reference of {@link #mul}: {@code out[i] = a[i] · b[i]} for i in [0, n).
   * @param a the first factor
   * @param aOff offset of element 0 in {@code a}
   * @param b the second factor
   * @param bOff offset of element 0 in {@code b}
   * @param out the result (may alias an input at the same offset)
   * @param oOff offset of element 0 in {@code out}
   * @param n the number of elements, ≥ 0
   */
  public static void mulScalar(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n) {
    for (int i = 0; i < n; i++) out[oOff + i] = a[aOff + i] * b[bOff + i];
  }

  /**
   * {@code y[i] = y[i] + α·x[i]} (multiply, then add: two roundings, like the reference).
   * @param alpha the scale α of {@code x}
   * @param x the vector added
   * @param xOff offset of element 0 in {@code x}
   * @param y the accumulator, updated in place
   * @param yOff offset of element 0 in {@code y}
   * @param n the number of elements, ≥ 0
   */
  public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
    final int lo = 0, hi = n;
    int i = lo;
    for (int ub = lo + S.loopBound(hi - lo); i < ub; i += L) {
      FloatVector xv = FloatVector.fromArray(S, x, xOff + i).mul(alpha);
      FloatVector.fromArray(S, y, yOff + i).add(xv).intoArray(y, yOff + i);
    }
    for (; i < hi; i++) y[yOff + i] = y[yOff + i] + alpha * x[xOff + i];
  }

  /**
   * Scalar reference of {@link #axpy}: {@code y[i] = y[i] + α·x[i]} for i in [0, n).
   * @param alpha the scale α of {@code x}
   * @param x the vector added
   * @param xOff offset of element 0 in {@code x}
   * @param y the accumulator, updated in place
   * @param yOff offset of element 0 in {@code y}
   * @param n the number of elements, ≥ 0
   */
  public static void axpyScalar(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i++) y[yOff + i] = y[yOff + i] + alpha * x[xOff + i];
  }

  /**
   * {@code x[i] = s · x[i]} in place.
   * @param s the factor
   * @param x the vector, scaled in place
   * @param xOff offset of element 0 in {@code x}
   * @param n the number of elements, ≥ 0
   */
  public static void scale(float s, float[] x, int xOff, int n) {
    final int lo = 0, hi = n;
    int i = lo;
    for (int ub = lo + S.loopBound(hi - lo); i < ub; i += L) {
      FloatVector.fromArray(S, x, xOff + i).mul(s).intoArray(x, xOff + i);
    }
    for (; i < hi; i++) x[xOff + i] = s * x[xOff + i];
  }

  /**
   * Scalar reference of {@link #scale}: {@code x[i] = s · x[i]} in place.
   * @param s the factor
   * @param x the vector, scaled in place
   * @param xOff offset of element 0 in {@code x}
   * @param n the number of elements, ≥ 0
   */
  public static void scaleScalar(float s, float[] x, int xOff, int n) {
    for (int i = 0; i < n; i++) x[xOff + i] = s * x[xOff + i];
  }

  // ---- reductions --------------------------------------------------------------------------------

  /** Adds the lanes of {@code v} in order 0..L-1 to {@code s}. */
  private static float addLanes(float s, FloatVector v) {
    for (int l = 0; l < L; l++) s += v.lane(l);
    return s;
  }

  /**
   * {@code Σ x[i]}; 0 when n = 0; NaN if any element is NaN.
   * @param x the vector
   * @param xOff offset of element 0 in {@code x}
   * @param n the number of elements, ≥ 0
   * @return the sum, in the fixed lanes-then-tail order of the class comment
   */
  public static float sum(float[] x, int xOff, int n) {
    FloatVector acc = FloatVector.zero(S);
    int i = 0;
    for (int ub = S.loopBound(n); i < ub; i += L) acc = acc.add(FloatVector.fromArray(S, x, xOff + i));
    float s = addLanes(0f, acc);
    for (; i < n; i++) s += x[xOff + i];
    return s;
  }

  /**
   * Scalar reference of {@link #sum}: {@code Σ x[i]} added in index order.
   * @param x the vector
   * @param xOff offset of element 0 in {@code x}
   * @param n the number of elements, ≥ 0
   * @return the sum; 0 when n = 0
   */
  public static float sumScalar(float[] x, int xOff, int n) {
    float s = 0f;
    for (int i = 0; i < n; i++) s += x[xOff + i];
    return s;
  }

  /**
   * {@code Σ x[i]·y[i]} (vector part by fma).
   * @param x the first vector
   * @param xOff offset of element 0 in {@code x}
   * @param y the second vector
   * @param yOff offset of element 0 in {@code y}
   * @param n the number of elements, ≥ 0
   * @return the dot product; 0 when n = 0
   */
  public static float dot(float[] x, int xOff, float[] y, int yOff, int n) {
    FloatVector acc = FloatVector.zero(S);
    int i = 0;
    for (int ub = S.loopBound(n); i < ub; i += L) {
      acc = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), acc);
    }
    float s = addLanes(0f, acc);
    for (; i < n; i++) s += x[xOff + i] * y[yOff + i];
    return s;
  }

  /**
   * Scalar reference of {@link #dot}: {@code Σ x[i]·y[i]} added in index order (no fma).
   * @param x the first vector
   * @param xOff offset of element 0 in {@code x}
   * @param y the second vector
   * @param yOff offset of element 0 in {@code y}
   * @param n the number of elements, ≥ 0
   * @return the dot product; 0 when n = 0
   */
  public static float dotScalar(float[] x, int xOff, float[] y, int yOff, int n) {
    float s = 0f;
    for (int i = 0; i < n; i++) s += x[xOff + i] * y[yOff + i];
    return s;
  }

  /**
   * {@code Σ x[i]²}.
   * @param x the vector
   * @param xOff offset of element 0 in {@code x}
   * @param n the number of elements, ≥ 0
   * @return the squared Euclidean norm, as {@link #dot} of {@code x} with itself
   */
  public static float sumSquares(float[] x, int xOff, int n) {
    return dot(x, xOff, x, xOff, n);
  }

  /**
   * Scalar reference of {@link #sumSquares}: {@code Σ x[i]²} added in index order.
   * @param x the vector
   * @param xOff offset of element 0 in {@code x}
   * @param n the number of elements, ≥ 0
   * @return the squared Euclidean norm; 0 when n = 0
   */
  public static float sumSquaresScalar(float[] x, int xOff, int n) {
    return dotScalar(x, xOff, x, xOff, n);
  }

  /**
   * {@code max x[i]}; −∞ when n = 0; NaN if any element is NaN (as {@link Math#max}).
   * @param x the vector
   * @param xOff offset of element 0 in {@code x}
   * @param n the number of elements, ≥ 0
   * @return the largest element
   */
  public static float max(float[] x, int xOff, int n) {
    float m = Float.NEGATIVE_INFINITY;
    int i = 0;
    if (n >= L) {
      FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
      for (int ub = S.loopBound(n); i < ub; i += L) acc = acc.max(FloatVector.fromArray(S, x, xOff + i));
      for (int l = 0; l < L; l++) m = Math.max(m, acc.lane(l));
    }
    for (; i < n; i++) m = Math.max(m, x[xOff + i]);
    return m;
  }

  /**
   * Scalar reference of {@link #max}: {@code max x[i]}; −∞ when n = 0; NaN if any element is NaN.
   * @param x the vector
   * @param xOff offset of element 0 in {@code x}
   * @param n the number of elements, ≥ 0
   * @return the largest element
   */
  public static float maxScalar(float[] x, int xOff, int n) {
    float m = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) m = Math.max(m, x[xOff + i]);
    return m;
  }

  // ---- activations -------------------------------------------------------------------------------

  /**
   * {@code out[i] = x[i] < 0 ? 0 : x[i]} (NaN stays NaN, so a diverging run is not hidden).
   * @param x the input
   * @param xOff offset of element 0 in {@code x}
   * @param out the result (may be {@code x} at the same offset)
   * @param oOff offset of element 0 in {@code out}
   * @param n the number of elements, ≥ 0
   */
  public static void relu(float[] x, int xOff, float[] out, int oOff, int n) {
    final int lo = 0, hi = n;
    FloatVector zero = FloatVector.zero(S);
    int i = lo;
    for (int ub = lo + S.loopBound(hi - lo); i < ub; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, xOff + i);
      v.blend(zero, v.compare(VectorOperators.LT, 0f)).intoArray(out, oOff + i);
    }
    for (; i < hi; i++) out[oOff + i] = x[xOff + i] < 0f ? 0f : x[xOff + i];
  }

  /**
   * Scalar reference of {@link #relu}: {@code out[i] = x[i] < 0 ? 0 : x[i]}.
   * @param x the input
   * @param xOff offset of element 0 in {@code x}
   * @param out the result (may be {@code x} at the same offset)
   * @param oOff offset of element 0 in {@code out}
   * @param n the number of elements, ≥ 0
   */
  public static void reluScalar(float[] x, int xOff, float[] out, int oOff, int n) {
    for (int i = 0; i < n; i++) out[oOff + i] = x[xOff + i] < 0f ? 0f : x[xOff + i];
  }

  /**
   * {@code dx[i] = x[i] > 0 ? dy[i] : 0} ({@code x} is the ReLU input, or its output).
   * @param x the ReLU's input (or output)
   * @param xOff offset of element 0 in {@code x}
   * @param dy the gradient of the loss with respect to the ReLU's output
   * @param dyOff offset of element 0 in {@code dy}
   * @param dx the gradient with respect to the input, overwritten (may be {@code dy} at the same offset)
   * @param dxOff offset of element 0 in {@code dx}
   * @param n the number of elements, ≥ 0
   */
  public static void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
    final int lo = 0, hi = n;
    FloatVector zero = FloatVector.zero(S);
    int i = lo;
    for (int ub = lo + S.loopBound(hi - lo); i < ub; i += L) {
      VectorMask<Float> pos = FloatVector.fromArray(S, x, xOff + i).compare(VectorOperators.GT, 0f);
      zero.blend(FloatVector.fromArray(S, dy, dyOff + i), pos).intoArray(dx, dxOff + i);
    }
    for (; i < hi; i++) dx[dxOff + i] = x[xOff + i] > 0f ? dy[dyOff + i] : 0f;
  }

  /**
   * Scalar reference of {@link #reluBackward}: {@code dx[i] = x[i] > 0 ? dy[i] : 0}.
   * @param x the ReLU's input (or output)
   * @param xOff offset of element 0 in {@code x}
   * @param dy the gradient of the loss with respect to the ReLU's output
   * @param dyOff offset of element 0 in {@code dy}
   * @param dx the gradient with respect to the input, overwritten (may be {@code dy} at the same offset)
   * @param dxOff offset of element 0 in {@code dx}
   * @param n the number of elements, ≥ 0
   */
  public static void reluBackwardScalar(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
    for (int i = 0; i < n; i++) dx[dxOff + i] = x[xOff + i] > 0f ? dy[dyOff + i] : 0f;
  }

  /**
   * {@code out[i] = e^{x[i]}} by the polynomial exp of {@link Transcendentals} (within an ulp or two of
   * {@link Math#exp}).
   * @param x the exponents
   * @param xOff offset of element 0 in {@code x}
   * @param out the result (may be {@code x} at the same offset)
   * @param oOff offset of element 0 in {@code out}
   * @param n the number of elements, ≥ 0
   */
  public static void exp(float[] x, int xOff, float[] out, int oOff, int n) {
    final int lo = 0, hi = n;
    int i = lo;
    for (int ub = lo + S.loopBound(hi - lo); i < ub; i += L) {
      Transcendentals.exp(FloatVector.fromArray(S, x, xOff + i)).intoArray(out, oOff + i);
    }
    for (; i < hi; i++) out[oOff + i] = Transcendentals.exp(x[xOff + i]);
  }

  /**
   * Scalar reference of {@link #exp}: {@code out[i] = e^{x[i]}} by {@link Math#exp}, rounded to float.
   * @param x the exponents
   * @param xOff offset of element 0 in {@code x}
   * @param out the result (may be {@code x} at the same offset)
   * @param oOff offset of element 0 in {@code out}
   * @param n the number of elements, ≥ 0
   */
  public static void expScalar(float[] x, int xOff, float[] out, int oOff, int n) {
    for (int i = 0; i < n; i++) out[oOff + i] = (float) Math.exp(x[xOff + i]);
  }

  /**
   * GELU, tanh approximation (Hendrycks &amp; Gimpel 2016, eq. in §2):
   * {@code out = ½·x·(1 + tanh(u))}, {@code u = √(2/π)·(x + 0.044715·x³)}.
   * Computed as {@code x·σ(2u)}, which equals {@code ½·x·(1 + tanh(u))}.
   * @param x the input
   * @param xOff offset of element 0 in {@code x}
   * @param out the result (may be {@code x} at the same offset)
   * @param oOff offset of element 0 in {@code out}
   * @param n the number of elements, ≥ 0
   */
  public static void gelu(float[] x, int xOff, float[] out, int oOff, int n) {
    final int lo = 0, hi = n;
    int i = lo;
    for (int ub = lo + S.loopBound(hi - lo); i < ub; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, xOff + i);
      FloatVector u = v.mul(v).mul(v).mul(GELU_A).add(v).mul(GELU_C);
      v.mul(Transcendentals.sigmoid(u.add(u))).intoArray(out, oOff + i); // ½(1 + tanh u) = σ(2u)
    }
    for (; i < hi; i++) out[oOff + i] = geluFast(x[xOff + i]);
  }

  /**
   * Scalar reference of {@link #gelu}: {@code out = ½·x·(1 + tanh(u))} with {@link Math#tanh}.
   * @param x the input
   * @param xOff offset of element 0 in {@code x}
   * @param out the result (may be {@code x} at the same offset)
   * @param oOff offset of element 0 in {@code out}
   * @param n the number of elements, ≥ 0
   */
  public static void geluScalar(float[] x, int xOff, float[] out, int oOff, int n) {
    for (int i = 0; i < n; i++) out[oOff + i] = geluOne(x[xOff + i]);
  }

  /** The SIMD path's tail: the same arithmetic as its vector body (see {@link Transcendentals}). */
  private static float geluFast(float v) {
    float u = (v * v * v * GELU_A + v) * GELU_C;
    return v * Transcendentals.sigmoid(u + u);
  }

  private static float geluGradFast(float v) {
    float v2 = v * v;
    float u = (v2 * v * GELU_A + v) * GELU_C;
    float sg = Transcendentals.sigmoid(u + u);
    float du = (v2 * (3f * GELU_A) + 1f) * GELU_C;
    return sg + (v + v) * sg * (1f - sg) * du;
  }

  private static float geluOne(float v) {
    float t = (float) Math.tanh((v * v * v * GELU_A + v) * GELU_C);
    return v * 0.5f * (t + 1f);
  }

  /**
   * {@code dx = dy · gelu'(x)}, {@code gelu'(x) = ½(1 + t) + ½·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²)},
   * {@code t = tanh(u)}.
   * @param x the GELU's input
   * @param xOff offset of element 0 in {@code x}
   * @param dy the gradient of the loss with respect to the GELU's output
   * @param dyOff offset of element 0 in {@code dy}
   * @param dx the gradient with respect to the input, overwritten (may be {@code dy} at the same offset)
   * @param dxOff offset of element 0 in {@code dx}
   * @param n the number of elements, ≥ 0
   */
  public static void geluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
    final int lo = 0, hi = n;
    int i = lo;
    for (int ub = lo + S.loopBound(hi - lo); i < ub; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, xOff + i);
      FloatVector v2 = v.mul(v);
      FloatVector u = v2.mul(v).mul(GELU_A).add(v).mul(GELU_C);
      FloatVector sg = Transcendentals.sigmoid(u.add(u));
      FloatVector du = v2.mul(3f * GELU_A).add(1f).mul(GELU_C);
      FloatVector one = FloatVector.broadcast(S, 1f);
      // gelu' = σ(2u) + 2x·σ(2u)(1 − σ(2u))·u'
      FloatVector g = sg.add(v.add(v).mul(sg).mul(one.sub(sg)).mul(du));
      g.mul(FloatVector.fromArray(S, dy, dyOff + i)).intoArray(dx, dxOff + i);
    }
    for (; i < hi; i++) dx[dxOff + i] = geluGradFast(x[xOff + i]) * dy[dyOff + i];
  }

  /**
   * Scalar reference of {@link #geluBackward}, with {@link Math#tanh}.
   * @param x the GELU's input
   * @param xOff offset of element 0 in {@code x}
   * @param dy the gradient of the loss with respect to the GELU's output
   * @param dyOff offset of element 0 in {@code dy}
   * @param dx the gradient with respect to the input, overwritten (may be {@code dy} at the same offset)
   * @param dxOff offset of element 0 in {@code dx}
   * @param n the number of elements, ≥ 0
   */
  public static void geluBackwardScalar(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
    for (int i = 0; i < n; i++) dx[dxOff + i] = geluGrad(x[xOff + i]) * dy[dyOff + i];
  }

  private static float geluGrad(float v) {
    float v2 = v * v;
    float t = (float) Math.tanh((v2 * v * GELU_A + v) * GELU_C);
    float du = (v2 * (3f * GELU_A) + 1f) * GELU_C;
    return (t + 1f) * 0.5f + v * 0.5f * (1f - t * t) * du;
  }

  // ---- row-wise on a [rows, cols] row-major matrix -------------------------------------------

  /**
   * {@code x[r, c] += bias[c]} in place, for x of shape [rows, cols].
   * @param x the matrix [rows, cols], row-major, updated in place
   * @param xOff offset of x[0, 0]
   * @param rows the number of rows, ≥ 0
   * @param cols the number of columns, ≥ 0
   * @param bias the row vector [cols] added to every row
   * @param bOff offset of bias[0]
   */
  public static void addRowBroadcast(float[] x, int xOff, int rows, int cols, float[] bias, int bOff) {
    Parallel.forRange(0, rows, Math.max(1, GRAIN / Math.max(1, cols)), (r0, r1) -> {
      for (int r = r0; r < r1; r++) add(x, xOff + r * cols, bias, bOff, x, xOff + r * cols, cols);
    });
  }

  /**
   * out [cols, rows] = xᵀ for x [rows, cols] (both row-major, from their offsets), in 32 × 32
   * blocks so that both the reads and the strided writes stay in cache; blocks of rows are split
   * across threads. A copy, so the result is exact for any thread count.
   * @param x the matrix [rows, cols], row-major
   * @param xOff offset of x[0, 0]
   * @param rows the number of rows of {@code x}, ≥ 0
   * @param cols the number of columns of {@code x}, ≥ 0
   * @param out the transpose [cols, rows], row-major; must not overlap {@code x}
   * @param oOff offset of out[0, 0]
   */
  public static void transpose(float[] x, int xOff, int rows, int cols, float[] out, int oOff) {
    final int t = 32;
    Parallel.forRange(0, (rows + t - 1) / t, Math.max(1, 8192 / Math.max(1, cols * t)), (b0, b1) -> {
      for (int rb = b0 * t, re = Math.min(rows, b1 * t); rb < re; rb += t) {
        int r1 = Math.min(re, rb + t);
        for (int cb = 0; cb < cols; cb += t) {
          int c1 = Math.min(cols, cb + t);
          for (int r = rb; r < r1; r++) {
            int src = xOff + r * cols;
            for (int c = cb; c < c1; c++) out[oOff + c * rows + r] = x[src + c];
          }
        }
      }
    });
  }

  /**
   * Scalar reference of {@link #transpose}: {@code out[c, r] = x[r, c]}, row by row.
   * @param x the matrix [rows, cols], row-major
   * @param xOff offset of x[0, 0]
   * @param rows the number of rows of {@code x}, ≥ 0
   * @param cols the number of columns of {@code x}, ≥ 0
   * @param out the transpose [cols, rows], row-major; must not overlap {@code x}
   * @param oOff offset of out[0, 0]
   */
  public static void transposeScalar(float[] x, int xOff, int rows, int cols, float[] out, int oOff) {
    for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) out[oOff + c * rows + r] = x[xOff + r * cols + c];
  }

  /**
   * Scalar reference of {@link #addRowBroadcast}: {@code x[r, c] += bias[c]} in place.
   * @param x the matrix [rows, cols], row-major, updated in place
   * @param xOff offset of x[0, 0]
   * @param rows the number of rows, ≥ 0
   * @param cols the number of columns, ≥ 0
   * @param bias the row vector [cols] added to every row
   * @param bOff offset of bias[0]
   */
  public static void addRowBroadcastScalar(float[] x, int xOff, int rows, int cols, float[] bias, int bOff) {
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) x[xOff + r * cols + c] += bias[bOff + c];
    }
  }

  /**
   * Column sums of x [rows, cols]: {@code out[c] = x[0, c] + x[1, c] + …} (β = 0), or, if
   * {@code accumulate}, {@code out[c] = ((out[c] + x[0, c]) + x[1, c]) + …}: each column is one chain
   * of additions in increasing r, from zero or from {@code out[c]} (so accumulating a bias gradient
   * gives the bits of adding its rows one by one). Lanes run along the columns, up to four vectors at
   * a time; when the matrix is large, its columns are split across threads (whole vectors), never
   * its rows, so the result equals the reference bit for bit for any thread count.
   * @param x the matrix [rows, cols], row-major
   * @param xOff offset of x[0, 0]
   * @param rows the number of rows, ≥ 0
   * @param cols the number of columns, ≥ 0
   * @param out the column sums [cols]
   * @param oOff offset of out[0]
   * @param accumulate add the rows into {@code out} rather than overwrite it
   */
  public static void sumRows(float[] x, int xOff, int rows, int cols, float[] out, int oOff, boolean accumulate) {
    int units = (cols + L - 1) / L; // vectors of columns, the last one maybe partial
    if (units > 1 && (long) rows * cols >= GRAIN) {
      int grain = Math.max(1, GRAIN / Math.max(1, rows * L));
      Parallel.forRange(0, units, grain, (u0, u1) -> sumColumns(x, xOff, rows, cols, u0 * L, Math.min(cols, u1 * L), out, oOff, accumulate));
    } else {
      sumColumns(x, xOff, rows, cols, 0, cols, out, oOff, accumulate);
    }
  }

  /** {@link #sumRows} on columns [c0, c1). */
  private static void sumColumns(float[] x, int xOff, int rows, int cols, int c0, int c1, float[] out, int oOff, boolean accumulate) {
    int c = c0;
    for (; c + 4 * L <= c1; c += 4 * L) {
      FloatVector s0, s1, s2, s3;
      if (accumulate) {
        s0 = FloatVector.fromArray(S, out, oOff + c);
        s1 = FloatVector.fromArray(S, out, oOff + c + L);
        s2 = FloatVector.fromArray(S, out, oOff + c + 2 * L);
        s3 = FloatVector.fromArray(S, out, oOff + c + 3 * L);
      } else {
        s0 = s1 = s2 = s3 = FloatVector.zero(S);
      }
      for (int r = 0, o = xOff + c; r < rows; r++, o += cols) {
        s0 = s0.add(FloatVector.fromArray(S, x, o));
        s1 = s1.add(FloatVector.fromArray(S, x, o + L));
        s2 = s2.add(FloatVector.fromArray(S, x, o + 2 * L));
        s3 = s3.add(FloatVector.fromArray(S, x, o + 3 * L));
      }
      s0.intoArray(out, oOff + c);
      s1.intoArray(out, oOff + c + L);
      s2.intoArray(out, oOff + c + 2 * L);
      s3.intoArray(out, oOff + c + 3 * L);
    }
    for (; c + L <= c1; c += L) {
      FloatVector s = accumulate ? FloatVector.fromArray(S, out, oOff + c) : FloatVector.zero(S);
      for (int r = 0, o = xOff + c; r < rows; r++, o += cols) s = s.add(FloatVector.fromArray(S, x, o));
      s.intoArray(out, oOff + c);
    }
    for (; c < c1; c++) {
      float s = accumulate ? out[oOff + c] : 0f;
      for (int r = 0; r < rows; r++) s += x[xOff + r * cols + c];
      out[oOff + c] = s;
    }
  }

  /**
   * Scalar reference of {@link #sumRows}: each column one chain of additions in increasing r, from
   * {@code out[c]} if {@code accumulate}, else from zero.
   * @param x the matrix [rows, cols], row-major
   * @param xOff offset of x[0, 0]
   * @param rows the number of rows, ≥ 0
   * @param cols the number of columns, ≥ 0
   * @param out the column sums [cols]
   * @param oOff offset of out[0]
   * @param accumulate add the rows into {@code out} rather than overwrite it
   */
  public static void sumRowsScalar(float[] x, int xOff, int rows, int cols, float[] out, int oOff, boolean accumulate) {
    for (int c = 0; c < cols; c++) {
      float s = accumulate ? out[oOff + c] : 0f;
      for (int r = 0; r < rows; r++) s += x[xOff + r * cols + c];
      out[oOff + c] = s;
    }
  }

  /**
   * Numerically stable softmax of each row of x [rows, cols] into out (may be x):
   * {@code out[r, c] = e^{x[r,c] − m_r} / Σ_c' e^{x[r,c'] − m_r}}, {@code m_r = max_c x[r, c]}.
   * A row of −∞ gives NaN (0/0); a NaN in a row makes the row NaN.
   * @param x the logits [rows, cols], row-major
   * @param xOff offset of x[0, 0]
   * @param out the probabilities [rows, cols] (may be {@code x} at the same offset)
   * @param oOff offset of out[0, 0]
   * @param rows the number of rows, ≥ 0
   * @param cols the number of columns, ≥ 1
   */
  public static void softmaxRows(float[] x, int xOff, float[] out, int oOff, int rows, int cols) {
    Parallel.forRange(0, rows, Math.max(1, GRAIN / 8 / Math.max(1, cols)), (r0, r1) -> {
      for (int r = r0; r < r1; r++) {
        int xo = xOff + r * cols, oo = oOff + r * cols;
        float m = max(x, xo, cols);
        FloatVector acc = FloatVector.zero(S);
        int c = 0;
        for (int ub = S.loopBound(cols); c < ub; c += L) {
          FloatVector e = Transcendentals.exp(FloatVector.fromArray(S, x, xo + c).sub(m));
          e.intoArray(out, oo + c);
          acc = acc.add(e);
        }
        float s = addLanes(0f, acc);
        for (; c < cols; c++) {
          float e = Transcendentals.exp(x[xo + c] - m);
          out[oo + c] = e;
          s += e;
        }
        scale(1f / s, out, oo, cols);
      }
    });
  }

  /**
   * Scalar reference of {@link #softmaxRows}, with {@link Math#exp} and a division by one reciprocal of each
   * row's sum.
   * @param x the logits [rows, cols], row-major
   * @param xOff offset of x[0, 0]
   * @param out the probabilities [rows, cols] (may be {@code x} at the same offset)
   * @param oOff offset of out[0, 0]
   * @param rows the number of rows, ≥ 0
   * @param cols the number of columns, ≥ 1
   */
  public static void softmaxRowsScalar(float[] x, int xOff, float[] out, int oOff, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      int xo = xOff + r * cols, oo = oOff + r * cols;
      float m = maxScalar(x, xo, cols);
      float s = 0f;
      for (int c = 0; c < cols; c++) {
        float e = (float) Math.exp(x[xo + c] - m);
        out[oo + c] = e;
        s += e;
      }
      float inv = 1f / s;
      for (int c = 0; c < cols; c++) out[oo + c] = inv * out[oo + c];
    }
  }
}
