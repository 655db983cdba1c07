package dev.fivefold.tensor.kernel;

/**
 * A convolution without im2col: the images are zero-padded once, and the products run on
 * the "wide" output grid, OH rows of the padded width Wp = W + 2·pad instead of OW = Wp − KW + 1
 * columns (stride 1; with stride s each padded channel is stored as its s² phases and the grid's
 * rows are a phase's width, ⌈Wp/s⌉: {@link Layout}). On that grid the unfolded image is a matrix
 * whose row r = (channel c, ky, kx) is one contiguous run of the padded image, {@code col[r][j] =
 * xp[c·Hp·Wp + ky·Wp + kx + j]} at stride 1, so
 * {@link Gemm} packs its panels straight from the padded image ({@link Gemm.PanelSource}) and the
 * column buffer of CKK·P floats is never written:
 * <ul>
 *   <li>forward, y = W·col: each panel row is one copy of NR consecutive floats; the KW − 1
 *       columns of each row beyond OW are computed and dropped;</li>
 *   <li>weight gradient, dW = dY·colᵀ: dY is laid on the wide grid with zeros in the extra
 *       columns, whose products then add exact zeros (for finite inputs); on large maps each
 *       element is an inner product of a row of dY with a run of the padded image ({@link
 *       RowDots}): nothing is transposed; on small ones colᵀ's panels are the padded image's runs
 *       transposed, four rows at a time ({@link #ROW_DOTS_MIN});</li>
 *   <li>input gradient, stride 1 where {@link Flipped#applies}: the forward of the {@link Flipped} convolution (the kernel
 *       flipped, its channel axes swapped) over dY padded by K − 1 − pad, whose H×W interior is
 *       added into dx: no column gradient is stored and col2im never runs;</li>
 *   <li>input gradient, otherwise: dcol = Wᵀ·dY on the wide grid, then each row r is added to the padded
 *       input gradient as one run (col2im in CKK vector adds of OH·Wp floats), and the interior
 *       is added into dx.</li>
 * </ul>
 * The extra columns cost (KW − 1)/OW more multiply-adds (2/28 for a 3×3 kernel on 28×28), against
 * the im2col pass, its transposed pack and col2im's short rows. A padded image takes C·Hp·Wp + KW
 * floats: the last run of the last channel reads KW − 2 floats past its plane, into columns whose
 * results are dropped (forward) or multiplied by zero (weight gradient).
 *
 * <p>The forward is bit-identical to the im2col path (the same multiply-adds in the same depth
 * order; the weights are packed once per call, {@link Gemm#packAll}). The weight gradient sums
 * lane-wise over the wide grid's positions, so it agrees with the im2col path to float rounding;
 * the input gradient sums over (o, ky, kx) in the flipped convolution's depth order, or (other
 * strides) adds each (ky, kx) in the same order into a zeroed buffer, then into dx. Every result is still computed
 * the same way for every thread count.
 */
final class WideConv {
  /**
   * Wide positions per image from which the weight gradient takes {@link RowDots} (no transpose);
   * below, a packed product over the positions (the unfolded image transposed into its panels),
   * since each 4×4 tile of inner products ends in 256 lane additions that short runs do not repay
   * (measured: 92 against 44 GFLOP/s at 28×28, 37 against 65 at 14×14, one core).
   */
  static final int ROW_DOTS_MIN = 512;

  private WideConv() {}

  /**
   * The padded layout of a geometry's images and the offset of each unfolded row in a padded image;
   * made once per layer call. With stride s each padded channel is stored as its s² phases (the
   * rows ≡ a and columns ≡ b mod s, a Hq×Wq image each, Hq = ⌈Hp/s⌉, Wq = ⌈Wp/s⌉): output (oy,
   * ox) reads padded (s·oy + ky, s·ox + kx), which is phase (ky mod s, kx mod s) at (oy + ⌊ky/s⌋,
   * ox + ⌊kx/s⌋), so every row of the unfolded image is again one run, on a wide grid of OH rows of
   * Wq. Stride 1 is one phase, the padded image itself.
   *
   * @param s the stride
   * @param hq rows of a phase
   * @param wq columns of a phase: the wide grid's row length
   * @param plane floats per channel (s² phases)
   * @param imgp floats per padded image, C planes and KW zeros
   * @param pp wide positions per image, OH·Wq
   * @param base the offset of each unfolded row (c, ky, kx) in a padded image
   */
  record Layout(int s, int hq, int wq, int plane, int imgp, int pp, int[] base) {
    /** The layout of {@code g}'s images. */
    static Layout of(BatchConv.Geometry g) {
      int s = g.stride(), hq = ceilDiv(g.h() + 2 * g.pad(), s), wq = ceilDiv(g.w() + 2 * g.pad(), s), phase = hq * wq, plane = s * s * phase;
      int[] base = new int[g.ckk()];
      int kk = g.kh() * g.kw();
      for (int r = 0; r < base.length; r++) {
        int ky = r / g.kw() % g.kh(), kx = r % g.kw();
        base[r] = r / kk * plane + (ky % s * s + kx % s) * phase + ky / s * wq + kx / s;
      }
      return new Layout(s, hq, wq, plane, g.c() * plane + g.kw(), g.oh() * wq, base);
    }
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  /** Whether the wide forward of {@code images} images of {@code g} (layout {@code l}) applies: a product {@link Gemm} packs. */
  static boolean forwardApplies(BatchConv.Geometry g, Layout l, int images) {
    return Gemm.packed(false, false, g.oc(), images * l.pp(), g.ckk());
  }

  /**
   * Floats of one slot's buffers for {@code images} images: two padded images' worth and the OC + CKK
   * rows of the wide grid, or, if more, the padded dY and output of {@code flip} (null: none).
   */
  static long slotFloats(BatchConv.Geometry g, Layout l, Flipped flip, int images) {
    long f = 2L * images * l.imgp() + (long) (g.oc() + g.ckk()) * images * l.pp();
    return flip == null ? f : Math.max(f, (long) images * flip.l().imgp() + (long) g.c() * images * flip.l().pp());
  }

  /** y for images [i0, i1) (see {@link BatchConv#forward}), with buf[off ..] as scratch of {@link #slotFloats}. */
  static void forward(BatchConv.Geometry g, Layout l, float[] x, float[] w, float[] pw, float[] b, float[] y, int i0, int i1, float[] buf, int off) {
    int m = i1 - i0, oc = g.oc(), oh = g.oh(), ow = g.ow(), p = oh * ow, cols = m * l.pp();
    int outOff = product(g, l, x, w, pw, i0, i1, buf, off);
    for (int i = i0; i < i1; i++) {
      for (int o = 0; o < oc; o++) {
        int src = outOff + o * cols + (i - i0) * l.pp(), dst = (i * oc + o) * p;
        for (int oy = 0; oy < oh; oy++) System.arraycopy(buf, src + oy * l.wq(), y, dst + oy * ow, ow);
        if (b != null) {
          float v = b[o];
          for (int q = 0; q < p; q++) y[dst + q] += v;
        }
      }
    }
  }

  /**
   * The wide grid's output [OC, M·Pp] of images [i0, i1) of x: pads them into buf[off ..] and
   * multiplies; returns the output's offset in buf.
   */
  private static int product(BatchConv.Geometry g, Layout l, float[] x, float[] w, float[] pw, int i0, int i1, float[] buf, int off) {
    int m = i1 - i0, oc = g.oc(), cols = m * l.pp(), outOff = off + m * l.imgp();
    pad(g, l, x, i0, i1, buf, off);
    BatchConv.weightsTimes(false, w, pw, oc, cols, g.ckk(), null, 0, 0, columns(l, buf, off), buf, outOff, cols);
    Gemm.count(-2L * oc * g.ckk() * m * (l.pp() - g.p())); // count the convolution's multiply-adds, not the extra columns'
    return outOff;
  }

  /**
   * A stride-1 convolution's input gradient as the forward of another convolution, so that the
   * column gradient dcol [CKK, M·Pp] is never stored and col2im never runs: with the kernel flipped
   * and its two channel axes swapped, w'[c, o, ky, kx] = w[o, c, K−1−ky, K−1−kx], and dY padded by
   * K − 1 − pad on every side (OC channels of OH×OW),
   * <pre>
   *   dx[c, y, x] = Σ_{o, ky, kx} w[o, c, ky, kx] · dY[o, y + pad − ky, x + pad − kx]
   *               = Σ_{o, ky', kx'} w'[c, o, ky', kx'] · dYp[o, y + ky', x + kx'],
   * </pre>
   * a valid convolution with C outputs of H×W. It takes square kernels with pad ≤ K − 1 (see {@link
   * #applies} for when it pays), and for a "same" convolution the same multiply-adds as dcol = Wᵀ·dY,
   * summed in (o, ky', kx') depth order: the same gradient up to float rounding.
   *
   * @param g the flipped convolution: OC → C channels, input OH×OW, pad K − 1 − pad
   * @param l its layout
   * @param w the flipped weights w' [C, OC·K·K]
   * @param pw w' packed ({@link Gemm#packAll})
   */
  record Flipped(BatchConv.Geometry g, Layout l, float[] w, float[] pw) {
    /**
     * Whether {@code g}'s input gradient runs flipped: stride 1, a square kernel, pad ≤ K − 1, at
     * least {@value #MIN_CHANNELS} input channels (the product's rows: fewer leave most of a
     * micro-tile empty), and at most {@value #MAX_EXTRA} times dcol's multiply-adds. The flipped
     * convolution's wide grid has H rows of W + K − 1, dcol's OH of W + 2·pad: equal for a "same"
     * convolution (2·pad = K − 1), but LeNet-5's unpadded 5×5 on 14×14 would take 1.8 times as many
     * (measured: lenet5_train 4,418 against 5,423 samples/s).
     */
    static boolean applies(BatchConv.Geometry g) {
      if (g.stride() != 1 || g.kh() != g.kw() || g.pad() > g.kh() - 1 || g.c() < MIN_CHANNELS) return false;
      long flipped = (long) g.h() * (g.w() + g.kw() - 1), dcol = (long) g.oh() * (g.w() + 2 * g.pad());
      return flipped <= MAX_EXTRA * dcol;
    }

    /** The fewest input channels for {@link #applies}. */
    static final int MIN_CHANNELS = 8;
    /** The most multiply-adds for {@link #applies}, as a multiple of dcol's. */
    static final double MAX_EXTRA = 1.25;

    /** The geometry of {@code g}'s flipped convolution (which {@link #applies}). */
    static BatchConv.Geometry geometry(BatchConv.Geometry g) {
      return new BatchConv.Geometry(g.n(), g.oc(), g.oh(), g.ow(), g.c(), g.kh(), g.kw(), 1, g.kh() - 1 - g.pad());
    }

    /** The flipped convolution of {@code g} (which {@link #applies}) with w' and its packing taken from {@code alloc}. */
    static Flipped of(BatchConv.Geometry g, float[] w, BatchConv.Buffers alloc) {
      BatchConv.Geometry f = geometry(g);
      int c = g.c(), oc = g.oc(), kk = g.kh() * g.kw(), k = oc * kk;
      float[] wf = alloc.take(c * k), pwf = alloc.take(Gemm.packedSize(c, k));
      for (int o = 0; o < oc; o++) {
        for (int ci = 0; ci < c; ci++) {
          for (int t = 0; t < kk; t++) wf[ci * k + o * kk + t] = w[(o * c + ci) * kk + kk - 1 - t];
        }
      }
      Gemm.packAll(false, c, k, wf, 0, k, pwf, 0);
      return new Flipped(f, Layout.of(f), wf, pwf);
    }

    /** Gives w' and its packing back to {@code alloc}. */
    void giveBack(BatchConv.Buffers alloc) {
      alloc.giveBack(pw);
      alloc.giveBack(w);
    }
  }

  /**
   * The gradients for images [i0, i1) (see {@link BatchConv#backward}): dx added to (if not null;
   * through {@code flip} if not null, else dcol = Wᵀ·dY with Wᵀ packed in {@code pwt}, then col2im),
   * the chunk's dW written to partial[partOff ..] (if not null); buf[off ..] as scratch of {@link #slotFloats}.
   */
  static void backward(BatchConv.Geometry g, Layout l, float[] x, float[] w, float[] pwt, Flipped flip, float[] dy, float[] dx, float[] partial, int partOff,
      int i0, int i1, float[] buf, int off) {
    int m = i1 - i0, oc = g.oc(), ckk = g.ckk(), oh = g.oh(), ow = g.ow(), p = oh * ow, cols = m * l.pp(), wp = l.wq();
    long extra = -2L * oc * ckk * m * (l.pp() - p); // per product: the extra columns' multiply-adds, not counted
    int xpOff = off, dxpOff = off + m * l.imgp(), gyOff = dxpOff + m * l.imgp(), dcolOff = gyOff + oc * cols; // as slotFloats counts
    boolean gridDy = partial != null || flip == null; // read by dW and by dcol (the flipped input gradient pads dY itself)
    if (gridDy) {
      for (int i = i0; i < i1; i++) {
        for (int o = 0; o < oc; o++) {
          for (int oy = 0; oy < oh; oy++) {
            int dst = gyOff + o * cols + (i - i0) * l.pp() + oy * wp;
            System.arraycopy(dy, (i * oc + o) * p + oy * ow, buf, dst, ow);
            for (int q = ow; q < wp; q++) buf[dst + q] = 0f;
          }
        }
      }
    }
    if (partial != null) {
      pad(g, l, x, i0, i1, buf, xpOff);
      if (l.pp() >= ROW_DOTS_MIN || !Gemm.packed(false, true, oc, ckk, cols)) {
        RowDots.abT(oc, ckk, m, l.pp(), buf, gyOff, cols, l.pp(), buf, xpOff, l.base(), l.imgp(), partial, partOff, ckk);
        Gemm.count(2L * oc * ckk * m * p); // the convolution's multiply-adds
      } else {
        Gemm.sgemm(false, oc, ckk, cols, buf, gyOff, cols, transposed(l, buf, xpOff), 0f, partial, partOff, ckk);
        Gemm.count(extra);
      }
    }
    if (dx == null) return;
    if (flip != null) {
      // dx += the flipped convolution of dY (the dW part above is done with buf)
      int h = g.h(), wd = g.w(), c = g.c(), fcols = m * flip.l().pp(), fwq = flip.l().wq();
      int outOff = product(flip.g(), flip.l(), dy, flip.w(), flip.pw(), i0, i1, buf, off);
      Gemm.count(2L * ckk * oc * m * (p - h * wd)); // count dcol's multiply-adds, as the other paths do
      for (int i = 0; i < m; i++) {
        for (int ci = 0; ci < c; ci++) {
          int src = outOff + ci * fcols + i * flip.l().pp(), t0 = ((i0 + i) * c + ci) * h * wd;
          for (int iy = 0; iy < h; iy++) VecOps.add(dx, t0 + iy * wd, buf, src + iy * fwq, dx, t0 + iy * wd, wd);
        }
      }
      return;
    }
    BatchConv.weightsTimes(true, w, pwt, ckk, cols, oc, buf, gyOff, cols, null, buf, dcolOff, cols);
    Gemm.count(extra);
    java.util.Arrays.fill(buf, dxpOff, dxpOff + m * l.imgp(), 0f);
    int h = g.h(), wd = g.w(), pad = g.pad(), s = l.s();
    for (int i = 0; i < m; i++) {
      int d = dxpOff + i * l.imgp();
      for (int r = 0; r < ckk; r++) VecOps.add(buf, d + l.base()[r], buf, dcolOff + r * cols + i * l.pp(), buf, d + l.base()[r], l.pp());
      for (int ci = 0; ci < g.c(); ci++) {
        int t0 = ((i0 + i) * g.c() + ci) * h * wd;
        if (s == 1) {
          for (int iy = 0; iy < h; iy++) VecOps.add(dx, t0 + iy * wd, buf, d + ci * l.plane() + (iy + pad) * wp + pad, dx, t0 + iy * wd, wd);
          continue;
        }
        // each padded position is in one phase: dx (y, x) += phase (y + pad) mod s, (x + pad) mod s at ((y + pad)/s, (x + pad)/s)
        for (int a = 0; a < s; a++) {
          for (int b = 0; b < s; b++) {
            int ph = d + ci * l.plane() + (a * s + b) * l.hq() * wp;
            for (int qi = 0; qi < l.hq(); qi++) {
              int y = qi * s + a - pad;
              if (y < 0 || y >= h) continue;
              for (int qj = 0; qj < wp; qj++) {
                int xx = qj * s + b - pad;
                if (xx >= 0 && xx < wd) dx[t0 + y * wd + xx] += buf[ph + qi * wp + qj];
              }
            }
          }
        }
      }
    }
  }

  /** Images [i0, i1) of x into buf[off ..], each as C planes of Hp×Wp with zero borders and KW zeros after the last. */
  private static void pad(BatchConv.Geometry g, Layout l, float[] x, int i0, int i1, float[] buf, int off) {
    if (l.s() > 1) {
      padPhases(g, l, x, i0, i1, buf, off);
      return;
    }
    int c = g.c(), h = g.h(), w = g.w(), pad = g.pad(), wp = l.wq(), img = c * h * w;
    for (int i = i0; i < i1; i++) {
      int base = off + (i - i0) * l.imgp();
      for (int ci = 0; ci < c; ci++) {
        int pl = base + ci * l.plane();
        java.util.Arrays.fill(buf, pl, pl + pad * wp + pad, 0f);
        for (int iy = 0; iy < h; iy++) {
          int row = pl + (iy + pad) * wp + pad;
          System.arraycopy(x, i * img + (ci * h + iy) * w, buf, row, w);
          java.util.Arrays.fill(buf, row + w, Math.min(row + w + 2 * pad, pl + l.plane()), 0f);
        }
        java.util.Arrays.fill(buf, pl + (pad + h) * wp, pl + l.plane(), 0f);
      }
      java.util.Arrays.fill(buf, base + c * l.plane(), base + l.imgp(), 0f);
    }
  }

  /** {@link #pad} for stride s &gt; 1: each channel as its s² phases, element by element. */
  private static void padPhases(BatchConv.Geometry g, Layout l, float[] x, int i0, int i1, float[] buf, int off) {
    int c = g.c(), h = g.h(), w = g.w(), pad = g.pad(), s = l.s(), hq = l.hq(), wq = l.wq(), img = c * h * w;
    for (int i = i0; i < i1; i++) {
      int base = off + (i - i0) * l.imgp();
      for (int ci = 0; ci < c; ci++) {
        int src = i * img + ci * h * w;
        for (int a = 0; a < s; a++) {
          for (int b = 0; b < s; b++) {
            int ph = base + ci * l.plane() + (a * s + b) * hq * wq;
            for (int qi = 0; qi < hq; qi++) {
              int y = qi * s + a - pad, row = ph + qi * wq;
              for (int qj = 0; qj < wq; qj++) {
                int xx = qj * s + b - pad;
                buf[row + qj] = y >= 0 && y < h && xx >= 0 && xx < w ? x[src + y * w + xx] : 0f;
              }
            }
          }
        }
      }
      java.util.Arrays.fill(buf, base + c * l.plane(), base + l.imgp(), 0f);
    }
  }

  /** op(B) = the wide grid's unfolded images, [CKK, M·Pp]: column j is image j / Pp at wide position j mod Pp. */
  private static Gemm.PanelSource columns(Layout l, float[] xp, int xpOff) {
    int pp = l.pp(), imgp = l.imgp();
    int[] base = l.base();
    return (nr, pc, kc, jc, nc, p0, p1, bp) -> {
      for (int q = p0; q < p1; q++) {
        int t0 = q * nr, wd = Math.min(nr, nc - t0), dst = q * nr * kc;
        int j = jc + t0, img = j / pp, jp = j - img * pp;
        boolean one = jp + wd <= pp;
        int src0 = xpOff + img * imgp + jp;
        for (int r = pc; r < pc + kc; r++) {
          int d = dst + (r - pc) * nr;
          if (one) {
            System.arraycopy(xp, src0 + base[r], bp, d, wd);
          } else {
            for (int t = 0, im = img, pos = jp; t < wd; ) {
              int len = Math.min(wd - t, pp - pos);
              System.arraycopy(xp, xpOff + im * imgp + base[r] + pos, bp, d + t, len);
              t += len;
              im++;
              pos = 0;
            }
          }
          for (int t = wd; t < nr; t++) bp[d + t] = 0f;
        }
      }
    };
  }

  /** op(B) = the transpose of {@link #columns}, [M·Pp, CKK]: depth j is a wide position, column r a row of the unfolded images. */
  private static Gemm.PanelSource transposed(Layout l, float[] xp, int xpOff) {
    int pp = l.pp(), imgp = l.imgp();
    int[] base = l.base();
    return (nr, pc, kc, jc, nc, p0, p1, bp) -> {
      for (int q = p0; q < p1; q++) {
        int r0 = jc + q * nr, wd = Math.min(nr, nc - q * nr), dst = q * nr * kc;
        for (int j = pc; j < pc + kc; ) {
          int img = j / pp, jp = j - img * pp, len = Math.min(pc + kc - j, pp - jp);
          int s = xpOff + img * imgp + jp, d = dst + (j - pc) * nr;
          int rr = 0;
          for (; rr + 4 <= wd; rr += 4) {
            Gemm.interleave4(xp, s + base[r0 + rr], s + base[r0 + rr + 1], s + base[r0 + rr + 2], s + base[r0 + rr + 3], len, bp, d + rr, nr);
          }
          for (; rr < wd; rr++) {
            int s0 = s + base[r0 + rr];
            for (int t = 0, o = d + rr; t < len; t++, o += nr) bp[o] = xp[s0 + t];
          }
          for (; rr < nr; rr++) {
            for (int t = 0, o = d + rr; t < len; t++, o += nr) bp[o] = 0f;
          }
          j += len;
        }
      }
    };
  }
}
