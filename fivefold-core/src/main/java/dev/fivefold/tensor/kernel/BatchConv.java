package dev.fivefold.tensor.kernel;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A 2-D convolution of a batch (PyTorch's cross-correlation) and both of its backward passes,
 * computed chunk by chunk: a few images at a time are unfolded by {@link Conv#im2colSerial} into a
 * column buffer small enough to stay in the L2 cache, and multiplied by one {@link Gemm#sgemm}.
 *
 * <p>Shapes: x [N, C, H, W], w [OC, C, KH, KW] (= [OC, CKK], CKK = C·KH·KW), y [N, OC, OH, OW]
 * (P = OH·OW). For the images of one chunk, laid side by side as the columns of
 * col [CKK, M·P] (M images),
 * <pre>
 *   Y_chunk [OC, M·P] = W · col,                       y = Y_chunk rearranged + b
 *   dW     += dY_chunk · colᵀ   (per chunk, then summed over the chunks in order)
 *   dcol    = Wᵀ · dY_chunk,    dx += col2im(dcol)
 *   db     += Σ_{n,p} dy[n, o, p]
 * </pre>
 *
 * <p>Chunks: {@link #imagesPerChunk} images, so that the column buffer takes about half the L2
 * cache ({@link #l2Bytes}); it depends only on the shape and the cache, never on the thread count.
 * Chunks are spread over {@link Parallel#threads()} threads, each computing whole chunks on its
 * own, so every output element (and every chunk's partial dW) is computed the same way whatever the
 * thread count; the partial weight gradients are added in chunk order. Results are therefore
 * bit-identical for every thread count. Compared with one im2col of the whole batch, nothing of
 * size CKK·N·P is kept between forward and backward: the backward unfolds each chunk again.
 *
 * <p>Buffers come from the caller's {@link Buffers} (a tape's pool), taken and given back on the
 * calling thread only, so a training step of a fixed shape allocates nothing after the first.
 */
public final class BatchConv {
  private BatchConv() {}

  /** Where the kernels take their temporary buffers from; both methods are called on the calling thread. */
  public interface Buffers {
    /**
     * A buffer of floats, its contents unspecified.
     *
     * @param n the number of floats
     * @return an array of exactly {@code n} floats
     */
    float[] take(int n);

    /**
     * Says that a buffer is no longer used.
     *
     * @param b an array returned by {@link #take}
     */
    void giveBack(float[] b);

    /** Fresh arrays, left to the garbage collector. */
    Buffers NEW = new Buffers() {
      @Override
      public float[] take(int n) {
        return new float[n];
      }

      @Override
      public void giveBack(float[] b) {}
    };
  }

  /**
   * The geometry of one convolution.
   *
   * @param n images in the batch (&ge; 1)
   * @param c input channels (&ge; 1)
   * @param h input height (&ge; 1)
   * @param w input width (&ge; 1)
   * @param oc output channels (&ge; 1)
   * @param kh kernel height (&ge; 1)
   * @param kw kernel width (&ge; 1)
   * @param stride the stride, the same in both directions (&ge; 1)
   * @param pad zero padding on every side (&ge; 0)
   */
  public record Geometry(int n, int c, int h, int w, int oc, int kh, int kw, int stride, int pad) {
    /**
     * Checks the sizes.
     *
     * @throws IllegalArgumentException if a size is below 1, or the kernel (with padding and
     *     stride) does not fit the input
     */
    public Geometry {
      if (n < 1 || c < 1 || h < 1 || w < 1 || oc < 1 || kh < 1 || kw < 1) {
        throw new IllegalArgumentException("convolution sizes must be >= 1, got n " + n + ", c " + c + ", h " + h + ", w " + w
            + ", oc " + oc + ", kernel " + kh + "x" + kw);
      }
      Conv.outSize(h, kh, stride, pad);
      Conv.outSize(w, kw, stride, pad);
    }

    /**
     * The output height.
     *
     * @return OH = (H + 2·pad − KH)/stride + 1
     */
    public int oh() {
      return Conv.outSize(h, kh, stride, pad);
    }

    /**
     * The output width.
     *
     * @return OW = (W + 2·pad − KW)/stride + 1
     */
    public int ow() {
      return Conv.outSize(w, kw, stride, pad);
    }

    /**
     * Output positions per image.
     *
     * @return P = OH·OW
     */
    public int p() {
      return oh() * ow();
    }

    /**
     * Rows of the column matrix.
     *
     * @return CKK = C·KH·KW
     */
    public int ckk() {
      return c * kh * kw;
    }
  }

  private static final int L2 = detectL2();

  /**
   * The L2 cache size in bytes used to size chunks: {@code -Dff.l2=BYTES} if set; else the level-2
   * cache of cpu0 in {@code /sys/devices/system/cpu/cpu0/cache}; else the "cache size" of
   * {@code /proc/cpuinfo} (the L2 on AMD, the last level on Intel) clamped to [256 KiB, 2 MiB];
   * else 512 KiB.
   *
   * @return the L2 size in bytes, read once per JVM
   */
  public static int l2Bytes() {
    return L2;
  }

  private static int detectL2() {
    Integer prop = Integer.getInteger("ff.l2");
    if (prop != null && prop > 0) return prop;
    try {
      for (int i = 0; i < 8; i++) {
        Path d = Path.of("/sys/devices/system/cpu/cpu0/cache/index" + i);
        if (!Files.isDirectory(d)) break;
        if (!Files.readString(d.resolve("level")).trim().equals("2")) continue;
        if (Files.readString(d.resolve("type")).trim().equals("Instruction")) continue;
        int b = parseSize(Files.readString(d.resolve("size")).trim());
        if (b > 0) return b;
      }
    } catch (Exception e) {
      // not Linux or not readable: try the next source
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("cache size")) {
          int b = parseSize(line.substring(line.indexOf(':') + 1).trim());
          if (b > 0) return Math.clamp(b, 256 << 10, 2 << 20);
        }
      }
    } catch (Exception e) {
      // fall through to the default
    }
    return 512 << 10;
  }

  /** "1024K", "1024 KB", "2M", "2 MB" or bytes; -1 if unreadable. */
  static int parseSize(String s) {
    String t = s.toUpperCase().replace(" ", "").replace("B", "");
    int mult = 1;
    if (t.endsWith("K")) mult = 1 << 10;
    else if (t.endsWith("M")) mult = 1 << 20;
    if (mult != 1) t = t.substring(0, t.length() - 1);
    try {
      long v = Long.parseLong(t) * mult;
      return v > 0 && v <= Integer.MAX_VALUE ? (int) v : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Images per chunk: as many as keep the column buffer (4·CKK·P bytes per image) within half of
   * L2, at least 1, at most N.
   *
   * @param g the convolution
   * @return the number of images in each chunk (the last chunk may hold fewer)
   */
  public static int imagesPerChunk(Geometry g) {
    long perImage = 4L * g.ckk() * g.p();
    return (int) Math.clamp((L2 / 2) / perImage, 1, g.n());
  }

  /**
   * Whether convolutions run on the wide grid without im2col ({@link WideConv}; the forward of a
   * product too small to pack keeps im2col); {@code
   * -Dff.conv=im2col} turns it off (for comparisons). Package-private and mutable for the tests
   * that compare both paths.
   */
  static boolean WIDE = !"im2col".equals(System.getProperty("ff.conv"));

  /** Floats of one slot: the larger of the im2col path's (CKK + OC)·M·P and the wide path's (with {@code flip}, if not null). */
  private static int slotFloats(Geometry g, WideConv.Layout l, WideConv.Flipped flip, int m) {
    long f = Math.max((long) (g.ckk() + g.oc()) * m * g.p(), WideConv.slotFloats(g, l, flip, m));
    if (f > Integer.MAX_VALUE / 2) throw new IllegalArgumentException("convolution scratch of " + f + " floats is too large");
    return (int) f;
  }

  private static int chunks(Geometry g) {
    int m = imagesPerChunk(g);
    return (g.n() + m - 1) / m;
  }

  /** Threads that take chunks (each with its own buffers). */
  private static int slots(Geometry g) {
    return Math.min(Parallel.threads(), chunks(g));
  }

  /** Floats of the partial weight gradients {@link #backward} takes from {@code alloc}: one OC×CKK block per chunk. */
  static long partialFloats(Geometry g) {
    return (long) chunks(g) * g.oc() * g.ckk();
  }

  /**
   * y [N, OC, OH, OW] = conv(x, w) + b. Overwrites y.
   *
   * @param g the convolution's geometry
   * @param x the input [N, C, H, W]
   * @param w the weights [OC, C, KH, KW]
   * @param b the bias [OC], or null for none
   * @param y the output [N, OC, OH, OW], overwritten
   * @param alloc where the column buffers are taken from and given back to
   */
  public static void forward(Geometry g, float[] x, float[] w, float[] b, float[] y, Buffers alloc) {
    int m = imagesPerChunk(g), chunks = chunks(g), slots = slots(g);
    int p = g.p(), ckk = g.ckk(), oc = g.oc(), cols = m * p;
    WideConv.Layout layout = WIDE ? WideConv.Layout.of(g) : null;
    boolean wide = layout != null && WideConv.forwardApplies(g, layout, m);
    int slotFloats = wide ? slotFloats(g, layout, null, m) : (ckk + oc) * cols;
    float[] pw = alloc.take(Gemm.packedSize(oc, ckk));
    Gemm.packAll(false, oc, ckk, w, 0, ckk, pw, 0);
    float[] buf = alloc.take(slots * slotFloats);
    Parallel.forRange(0, slots, 1, (s0, s1) -> {
      for (int s = s0; s < s1; s++) {
        int colOff = s * slotFloats, outOff = colOff + ckk * cols;
        for (int ch = s * chunks / slots, end = (s + 1) * chunks / slots; ch < end; ch++) {
          int i0 = ch * m, i1 = Math.min(g.n(), (ch + 1) * m);
          // a short last chunk takes the im2col path if its product is too small to pack
          if (wide && WideConv.forwardApplies(g, layout, i1 - i0)) WideConv.forward(g, layout, x, w, pw, b, y, i0, i1, buf, colOff);
          else forwardChunk(g, x, w, pw, b, y, i0, i1, buf, colOff, outOff);
        }
      }
    });
    alloc.giveBack(buf);
    alloc.giveBack(pw);
  }

  private static void forwardChunk(Geometry g, float[] x, float[] w, float[] pw, float[] b, float[] y, int i0, int i1,
      float[] buf, int colOff, int outOff) {
    int p = g.p(), ckk = g.ckk(), oc = g.oc(), cols = (i1 - i0) * p, img = g.c() * g.h() * g.w();
    for (int i = i0; i < i1; i++) {
      Conv.im2colSerial(x, i * img, g.c(), g.h(), g.w(), g.kh(), g.kw(), g.stride(), g.pad(), buf, colOff + (i - i0) * p, cols);
    }
    if (i1 - i0 == 1) {
      // one image: its [OC, P] block of y is the product itself
      int dst = i0 * oc * p;
      weightsTimes(false, w, pw, oc, p, ckk, buf, colOff, cols, null, y, dst, p);
      if (b != null) {
        for (int o = 0; o < oc; o++) addScalar(y, dst + o * p, p, b[o]);
      }
      return;
    }
    weightsTimes(false, w, pw, oc, cols, ckk, buf, colOff, cols, null, buf, outOff, cols); // [OC, M·P]
    for (int i = i0; i < i1; i++) {
      for (int o = 0; o < oc; o++) {
        int src = outOff + o * cols + (i - i0) * p, dst = (i * oc + o) * p;
        System.arraycopy(buf, src, y, dst, p);
        if (b != null) addScalar(y, dst, p, b[o]);
      }
    }
  }

  /**
   * C = op(W)·op(B), op(W) the weights W [OC, CKK] or (transW) Wᵀ, op(B) stored in b or packed by
   * src: with op(W) packed once per call ({@code pw}, {@link Gemm#packAll}) when the product takes
   * the packed path (bit-identical either way).
   */
  static void weightsTimes(boolean transW, float[] w, float[] pw, int m, int n, int k, float[] b, int bOff, int ldb, Gemm.PanelSource src,
      float[] c, int cOff, int ldc) {
    if (pw != null && Gemm.packed(transW, false, m, n, k)) Gemm.sgemm(m, n, k, pw, 0, false, b, bOff, ldb, src, 0f, c, cOff, ldc);
    else if (src != null) Gemm.sgemm(transW, m, n, k, w, 0, transW ? m : k, src, 0f, c, cOff, ldc);
    else Gemm.sgemm(transW, false, m, n, k, w, 0, transW ? m : k, b, bOff, ldb, 0f, c, cOff, ldc);
  }

  private static void addScalar(float[] y, int off, int len, float v) {
    for (int q = 0; q < len; q++) y[off + q] += v;
  }

  /**
   * The gradients of {@link #forward} given dy [N, OC, OH, OW]: dx [N, C, H, W], dw [OC, CKK] and
   * db [OC] are accumulated into (+=); pass null for any that is not wanted.
   *
   * @param g the convolution's geometry
   * @param x the input [N, C, H, W]
   * @param w the weights [OC, C, KH, KW]
   * @param dy the gradient of the loss with respect to y, [N, OC, OH, OW]
   * @param dx the input gradient [N, C, H, W], added to, or null
   * @param dw the weight gradient [OC, CKK], added to, or null
   * @param db the bias gradient [OC], added to, or null
   * @param alloc where the column and partial-gradient buffers are taken from and given back to
   */
  public static void backward(Geometry g, float[] x, float[] w, float[] dy, float[] dx, float[] dw, float[] db,
      Buffers alloc) {
    int m = imagesPerChunk(g), chunks = chunks(g), slots = slots(g);
    int p = g.p(), ckk = g.ckk(), oc = g.oc(), cols = m * p, n = g.n();
    if (db != null) {
      Parallel.forRange(0, oc, 1, (o0, o1) -> {
        for (int o = o0; o < o1; o++) {
          float s = 0f;
          for (int i = 0; i < n; i++) {
            for (int q = 0, off = (i * oc + o) * p; q < p; q++) s += dy[off + q];
          }
          db[o] += s;
        }
      });
    }
    if (dx == null && dw == null) return;
    int part = oc * ckk;
    float[] partial = dw == null ? null : alloc.take(chunks * part);
    WideConv.Layout layout = WIDE ? WideConv.Layout.of(g) : null;
    WideConv.Flipped flip = dx != null && layout != null && WideConv.Flipped.applies(g) ? WideConv.Flipped.of(g, w, alloc) : null;
    int slotFloats = layout != null ? slotFloats(g, layout, flip, m) : (ckk + oc) * cols;
    float[] pwt = dx == null || flip != null ? null : alloc.take(Gemm.packedSize(ckk, oc));
    if (pwt != null) Gemm.packAll(true, ckk, oc, w, 0, ckk, pwt, 0);
    float[] buf = alloc.take(slots * slotFloats);
    Parallel.forRange(0, slots, 1, (s0, s1) -> {
      for (int s = s0; s < s1; s++) {
        int colOff = s * slotFloats, gOff = colOff + ckk * cols;
        for (int ch = s * chunks / slots, end = (s + 1) * chunks / slots; ch < end; ch++) {
          int i0 = ch * m, i1 = Math.min(n, (ch + 1) * m);
          if (layout != null) WideConv.backward(g, layout, x, w, pwt, flip, dy, dx, partial, ch * part, i0, i1, buf, colOff);
          else backwardChunk(g, x, w, pwt, dy, dx, partial, ch * part, i0, i1, buf, colOff, gOff);
        }
      }
    });
    alloc.giveBack(buf);
    if (pwt != null) alloc.giveBack(pwt);
    if (flip != null) flip.giveBack(alloc);
    if (dw != null) {
      // dw += Σ_chunks partial, in chunk order for every element
      Parallel.forRange(0, part, 4096, (e0, e1) -> {
        for (int ch = 0; ch < chunks; ch++) VecOps.add(dw, e0, partial, ch * part + e0, dw, e0, e1 - e0);
      });
      alloc.giveBack(partial);
    }
  }

  private static void backwardChunk(Geometry g, float[] x, float[] w, float[] pwt, float[] dy, float[] dx, float[] partial, int partOff,
      int i0, int i1, float[] buf, int colOff, int gOff) {
    int p = g.p(), ckk = g.ckk(), oc = g.oc(), mi = i1 - i0, cols = mi * p, img = g.c() * g.h() * g.w();
    // dY of the chunk as [OC, M·P]: for one image it is dy itself
    float[] gy = dy;
    int gyOff = i0 * oc * p;
    if (mi > 1) {
      for (int i = i0; i < i1; i++) {
        for (int o = 0; o < oc; o++) System.arraycopy(dy, (i * oc + o) * p, buf, gOff + o * cols + (i - i0) * p, p);
      }
      gy = buf;
      gyOff = gOff;
    }
    if (partial != null) {
      for (int i = i0; i < i1; i++) {
        Conv.im2colSerial(x, i * img, g.c(), g.h(), g.w(), g.kh(), g.kw(), g.stride(), g.pad(), buf, colOff + (i - i0) * p, cols);
      }
      Gemm.sgemm(false, true, oc, ckk, cols, gy, gyOff, cols, buf, colOff, cols, 0f, partial, partOff, ckk);
    }
    if (dx != null) {
      weightsTimes(true, w, pwt, ckk, cols, oc, gy, gyOff, cols, null, buf, colOff, cols); // dcol [CKK, M·P]
      for (int i = i0; i < i1; i++) {
        Conv.col2imSerial(buf, colOff + (i - i0) * p, cols, g.c(), g.h(), g.w(), g.kh(), g.kw(), g.stride(), g.pad(), dx, i * img);
      }
    }
  }

  /**
   * The reference: one image at a time with {@link Conv#im2colScalar}, {@link Conv#col2imScalar}
   * and {@link Gemm#sgemmScalar}, every sum in a plain order. Same contract as {@link #forward}
   * (overwrites y) and {@link #backward} (accumulates; null skips).
   *
   * @param g the convolution's geometry
   * @param x the input [N, C, H, W]
   * @param w the weights [OC, C, KH, KW]
   * @param b the bias [OC], or null for none
   * @param y the output [N, OC, OH, OW], overwritten
   */
  public static void forwardScalar(Geometry g, float[] x, float[] w, float[] b, float[] y) {
    int p = g.p(), ckk = g.ckk(), oc = g.oc(), img = g.c() * g.h() * g.w();
    float[] col = new float[ckk * p];
    for (int i = 0; i < g.n(); i++) {
      Conv.im2colScalar(x, i * img, g.c(), g.h(), g.w(), g.kh(), g.kw(), g.stride(), g.pad(), col, 0);
      Gemm.sgemmScalar(false, false, oc, p, ckk, w, 0, ckk, col, 0, p, 0f, y, i * oc * p, p);
      if (b != null) {
        for (int o = 0; o < oc; o++) addScalar(y, (i * oc + o) * p, p, b[o]);
      }
    }
  }

  /**
   * The reference of {@link #backward}; see {@link #forwardScalar}.
   *
   * @param g the convolution's geometry
   * @param x the input [N, C, H, W]
   * @param w the weights [OC, C, KH, KW]
   * @param dy the gradient of the loss with respect to y, [N, OC, OH, OW]
   * @param dx the input gradient [N, C, H, W], added to, or null
   * @param dw the weight gradient [OC, CKK], added to, or null
   * @param db the bias gradient [OC], added to, or null
   */
  public static void backwardScalar(Geometry g, float[] x, float[] w, float[] dy, float[] dx, float[] dw, float[] db) {
    int p = g.p(), ckk = g.ckk(), oc = g.oc(), img = g.c() * g.h() * g.w();
    float[] col = new float[ckk * p];
    for (int i = 0; i < g.n(); i++) {
      int gOff = i * oc * p;
      if (db != null) {
        for (int o = 0; o < oc; o++) {
          for (int q = 0; q < p; q++) db[o] += dy[gOff + o * p + q];
        }
      }
      if (dw != null) {
        Conv.im2colScalar(x, i * img, g.c(), g.h(), g.w(), g.kh(), g.kw(), g.stride(), g.pad(), col, 0);
        Gemm.sgemmScalar(false, true, oc, ckk, p, dy, gOff, p, col, 0, p, 1f, dw, 0, ckk);
      }
      if (dx != null) {
        Gemm.sgemmScalar(true, false, ckk, p, oc, w, 0, ckk, dy, gOff, p, 0f, col, 0, p);
        Conv.col2imScalar(col, 0, g.c(), g.h(), g.w(), g.kh(), g.kw(), g.stride(), g.pad(), dx, i * img);
      }
    }
  }
}
