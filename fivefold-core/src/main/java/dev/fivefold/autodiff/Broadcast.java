package dev.fivefold.autodiff;

import dev.fivefold.tensor.Shape;
import java.util.Arrays;

/**
 * NumPy broadcasting: shapes are aligned at the right; a dimension of 1 (or a missing one)
 * stretches to match. Iteration is expressed as contiguous runs along the last output dimension.
 */
final class Broadcast {
  private Broadcast() {}

  /** Receives one run of the innermost dimension: out[o + t], a[ia + t*sa], b[ib + t*sb]. */
  interface Run {
    void run(int o, int ia, int sa, int ib, int sb, int len);
  }

  static Shape shape(Shape a, Shape b) {
    int r = Math.max(a.rank(), b.rank());
    int[] d = new int[r];
    for (int i = 0; i < r; i++) {
      int da = i < r - a.rank() ? 1 : a.dim(i - (r - a.rank()));
      int db = i < r - b.rank() ? 1 : b.dim(i - (r - b.rank()));
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException("shapes " + a + " and " + b + " cannot be broadcast (dimension " + i + ": " + da + " vs " + db + ")");
      }
      d[i] = da == 1 ? db : da;
    }
    return Shape.of(d);
  }

  /** Strides of {@code in} aligned to {@code out}'s rank, 0 where broadcast. */
  static int[] strides(Shape in, Shape out) {
    int r = out.rank();
    int[] s = new int[r];
    int[] is = in.strides();
    for (int i = 0; i < r; i++) {
      int j = i - (r - in.rank());
      s[i] = (j < 0 || in.dim(j) == 1) ? 0 : is[j];
    }
    return s;
  }

  /** Calls {@code run} for each innermost run of {@code out} in row-major order. */
  static void forEachRun(Shape out, int[] sa, int[] sb, Run run) {
    int r = out.rank();
    if (out.size() == 0) return;
    if (r == 0) {
      run.run(0, 0, 0, 0, 0, 1);
      return;
    }
    int len = out.dim(r - 1);
    int la = sa[r - 1], lb = sb[r - 1];
    int outer = out.size() / len;
    int[] idx = new int[r - 1];
    int ia = 0, ib = 0;
    for (int o = 0; o < outer; o++) {
      run.run(o * len, ia, la, ib, lb, len);
      for (int d = r - 2; d >= 0; d--) {
        idx[d]++;
        ia += sa[d];
        ib += sb[d];
        if (idx[d] < out.dim(d)) break;
        ia -= sa[d] * idx[d];
        ib -= sb[d] * idx[d];
        idx[d] = 0;
      }
    }
  }

  static String describe(Shape a, Shape b) {
    return Arrays.toString(a.dims()) + " and " + Arrays.toString(b.dims());
  }
}
