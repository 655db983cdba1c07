package dev.fivefold.tensor.kernel;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Tuning aid: thread CPU ms per pass over the linear maps of a width-C GPT's layers (c_attn, c_proj,
 * c_fc, mlp.c_proj; default C = 512, 4 layers, 50 MB of float32 weights, beyond the L2 cache), batch
 * 1, one thread: float32 {@link MatVec}, int8 and int4 {@link QuantMatVec}, and the first int4
 * kernel (nibbles taken in byte lanes) kept here for comparison. Rounds interleaved, medians.
 * Run: java --add-modules jdk.incubator.vector -cp core/target/classes:core/target/test-classes
 * dev.fivefold.tensor.kernel.QuantMatVecBench [C] [layers] [rounds]
 */
public final class QuantMatVecBench {
  public static void main(String[] args) {
    int c = args.length > 0 ? Integer.parseInt(args[0]) : 512, layers = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    Parallel.setThreads(1);
    int[][] shapes = {{3 * c, c}, {c, c}, {4 * c, c}, {c, 4 * c}};
    int m = shapes.length * layers, g = 64;
    SplittableRandom r = new SplittableRandom(1);
    float[][] f = new float[m][];
    byte[][] q8 = new byte[m][], q4 = new byte[m][];
    float[][] s8 = new float[m][], z8 = new float[m][], s4 = new float[m][], z4 = new float[m][];
    for (int i = 0; i < m; i++) {
      int out = shapes[i % 4][0], in = shapes[i % 4][1];
      float[] w = new float[out * in];
      for (int k = 0; k < w.length; k++) w[k] = (float) r.nextGaussian();
      f[i] = MatVec.pack(w, 0, out, in);
      q8[i] = QuantMatVec.pack8(out, in, (a, b) -> r.nextInt(-127, 128));
      q4[i] = QuantMatVec.pack4(out, in, (a, b) -> r.nextInt(0, 16));
      s8[i] = QuantMatVec.packGroups(out, 1, (a, b) -> 0.01f);
      z8[i] = QuantMatVec.packGroups(out, 1, (a, b) -> 0f);
      s4[i] = QuantMatVec.packGroups(out, in / g, (a, b) -> 0.01f);
      z4[i] = QuantMatVec.packGroups(out, in / g, (a, b) -> 8f);
    }
    float[] x = new float[4 * c], y = new float[4 * c];
    for (int k = 0; k < x.length; k++) x[k] = (float) r.nextGaussian();
    String[] names = {"float32", "int8 channel", "int4 g64", "int4 g64 (byte lanes, old)"};
    Runnable[] v = {
        () -> { for (int i = 0; i < m; i++) MatVec.matvec(f[i], shapes[i % 4][0], shapes[i % 4][1], x, 0, y, 0); },
        () -> { for (int i = 0; i < m; i++) QuantMatVec.matvec(8, q8[i], s8[i], z8[i], shapes[i % 4][0], shapes[i % 4][1], shapes[i % 4][1], x, 0, y, 0); },
        () -> { for (int i = 0; i < m; i++) QuantMatVec.matvec(4, q4[i], s4[i], z4[i], shapes[i % 4][0], shapes[i % 4][1], g, x, 0, y, 0); },
        () -> { for (int i = 0; i < m; i++) old4(q4[i], s4[i], z4[i], shapes[i % 4][0], shapes[i % 4][1], g, x, y); },
    };
    double[][] t = new double[v.length][rounds];
    var bean = ManagementFactory.getThreadMXBean();
    for (int w = 0; w < 20; w++) for (Runnable k : v) k.run();
    for (int rd = 0; rd < rounds; rd++) {
      for (int i = 0; i < v.length; i++) {
        long c0 = bean.getCurrentThreadCpuTime();
        v[i].run();
        t[i][rd] = (bean.getCurrentThreadCpuTime() - c0) / 1e6;
      }
    }
    double base = median(t[0]);
    for (int i = 0; i < v.length; i++) {
      double med = median(t[i]);
      System.out.printf("%-28s %8.3f cpu ms/pass  %5.2fx float32%n", names[i], med, base / med);
    }
  }

  static double median(double[] a) {
    double[] b = a.clone();
    java.util.Arrays.sort(b);
    return b[b.length / 2];
  }

  private static final VectorSpecies<Float> S = MatVec.S;
  private static final int L = MatVec.L, NB = MatVec.NB;
  private static final VectorSpecies<Byte> BS = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));

  /** The first int4 kernel (commit b477455), one thread. */
  static void old4(byte[] c, float[] sc, float[] zs, int out, int in, int group, float[] x, float[] y) {
    for (int q = 0; q < MatVec.panels(out); q++) {
      FloatVector y0 = FloatVector.zero(S), y1 = y0, y2 = y0, y3 = y0;
      int groups = in / group, cb = q * (in / 2) * NB, gb = q * groups * NB;
      for (int g = 0; g < groups; g++) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        float sigma = 0f;
        for (int p = g * group, e = p + group, o = cb + (p / 2) * NB; p < e; p += 2, o += NB) {
          float xe = x[p], xo = x[p + 1];
          sigma += xe;
          sigma += xo;
          FloatVector ve = FloatVector.broadcast(S, xe), vo = FloatVector.broadcast(S, xo);
          ByteVector b0 = ByteVector.fromArray(BS, c, o), b1 = ByteVector.fromArray(BS, c, o + L);
          ByteVector b2 = ByteVector.fromArray(BS, c, o + 2 * L), b3 = ByteVector.fromArray(BS, c, o + 3 * L);
          a0 = vo.fma(high(b0), ve.fma(low(b0), a0));
          a1 = vo.fma(high(b1), ve.fma(low(b1), a1));
          a2 = vo.fma(high(b2), ve.fma(low(b2), a2));
          a3 = vo.fma(high(b3), ve.fma(low(b3), a3));
        }
        int go = gb + g * NB;
        y0 = grp(sc, zs, go, a0, sigma, y0);
        y1 = grp(sc, zs, go + L, a1, sigma, y1);
        y2 = grp(sc, zs, go + 2 * L, a2, sigma, y2);
        y3 = grp(sc, zs, go + 3 * L, a3, sigma, y3);
      }
      MatVec.store(y0, y1, y2, y3, q * NB, out, y, 0);
    }
  }

  private static FloatVector low(ByteVector b) {
    return (FloatVector) b.and((byte) 0x0F).castShape(S, 0);
  }

  private static FloatVector high(ByteVector b) {
    return (FloatVector) b.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).castShape(S, 0);
  }

  private static FloatVector grp(float[] sc, float[] zs, int go, FloatVector acc, float sigma, FloatVector y) {
    FloatVector z = FloatVector.fromArray(S, zs, go).mul(sigma);
    return FloatVector.fromArray(S, sc, go).fma(acc.sub(z), y);
  }
}
