package dev.fivefold.spark;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.api.java.function.VoidFunction;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;
import scala.runtime.AbstractFunction1;

/**
 * What a Spark round costs on the cluster at hand, measured for the α–β cost model (time of a
 * message of n bytes = α + n/β):
 * <ul>
 *   <li><b>job</b>: an empty one-stage job of {@code partitions} tasks (the fixed cost of a round);</li>
 *   <li><b>stage</b>: what a second stage (a shuffle of one int per task) adds to a job;</li>
 *   <li><b>barrier</b>: one {@code BarrierTaskContext.barrier()} sync inside a barrier stage
 *       ((time with 3 syncs − time with 1) / 2; Spark's coordinator polls once a second);</li>
 *   <li><b>broadcast(n)</b>: {@code sc.broadcast} of n bytes, read by every task, destroyed, less
 *       the empty job; in {@code local} masters tasks read the driver's object, so this is
 *       serialisation into blocks only;</li>
 *   <li><b>gather(n)</b>: every task returns n bytes to the driver (how a local-SGD round's
 *       payloads travel, {@link LocalSgd}), less the empty job;</li>
 *   <li><b>treeAggregate(n)</b>: every task contributes n/4 floats, summed by
 *       {@code treeAggregate(depth 2)} (the {@code float[0]} zero, so no zero is shipped), less the empty job;</li>
 *   <li><b>ring(n)</b> (with the barrier measurements): inside one barrier stage, after its one
 *       rendezvous, a {@link Ring} all-gather of n bytes per task, divided by the N−1 messages each
 *       task sends: one link's message time, what {@link BarrierSgd} pays per exchange and what
 *       the cost model ({@code dist.CostModel}) is fitted to.</li>
 * </ul>
 * Each is the median (and 90th percentile) of {@code repeats} runs after one warm-up run; for the
 * sized ones {@link Fit} gives α and β by least squares over the sizes.
 */
public final class SparkTimings {
  private SparkTimings() {}

  /**
   * @param payloadBytes the sizes n to measure (each &ge; 4)
   * @param repeats runs per point after the warm-up, &ge; 1
   * @param partitions tasks per job (the workers of a round); barrier needs that many slots
   * @param barrier whether to measure the barrier sync (about 4 s per repeat)
   */
  public record Config(long[] payloadBytes, int repeats, int partitions, boolean barrier) {
    public Config {
      if (payloadBytes == null || payloadBytes.length == 0) throw new IllegalArgumentException("payload sizes must be given");
      for (long b : payloadBytes) if (b < 4 || b > 512L << 20) throw new IllegalArgumentException("payload size (" + b + " bytes) must be in [4, 512 MiB]");
      if (repeats < 1) throw new IllegalArgumentException("repeats (" + repeats + ") must be >= 1");
      if (partitions < 1) throw new IllegalArgumentException("partitions (" + partitions + ") must be >= 1");
      payloadBytes = payloadBytes.clone();
    }

    /** 1 KB, 10 KB, 100 KB, 1 MB, 10 MB, 100 MB. */
    public static long[] defaultSizes() {
      return new long[] {1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};
    }
  }

  /** A measured point: {@code bytes} (0 for the unsized ones), median and 90th-percentile seconds of {@code runs} runs. */
  public record Point(String what, long bytes, double medianSeconds, double p90Seconds, int runs) {}

  /** t(n) = α + n/β fitted by least squares; β is +∞ when the time does not grow with n. */
  public record Fit(String what, double alphaSeconds, double betaBytesPerSecond) {
    static Fit of(String what, List<Point> ps) {
      int k = ps.size();
      double mx = 0, my = 0;
      for (Point p : ps) {
        mx += p.bytes() / (double) k;
        my += p.medianSeconds() / k;
      }
      double sxy = 0, sxx = 0;
      for (Point p : ps) {
        sxy += (p.bytes() - mx) * (p.medianSeconds() - my);
        sxx += (p.bytes() - mx) * (p.bytes() - mx);
      }
      double slope = sxx > 0 ? sxy / sxx : 0;
      return new Fit(what, my - slope * mx, slope > 0 ? 1 / slope : Double.POSITIVE_INFINITY);
    }
  }

  /** All points and fits; {@link #json()} is the form the integrator fits the cost model to. */
  public record Result(String master, int executors, int partitions, List<Point> points, List<Fit> fits) {
    public Point point(String what, long bytes) {
      for (Point p : points) if (p.what().equals(what) && p.bytes() == bytes) return p;
      throw new IllegalArgumentException("no point " + what + " at " + bytes + " bytes");
    }

    public String json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("master", master);
      m.put("executors", executors);
      m.put("partitions", partitions);
      m.put("model", "t(n) = alpha + n / beta (seconds; n in bytes); sized points are net of the empty job");
      List<Object> pts = new ArrayList<>();
      for (Point p : points) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("what", p.what());
        e.put("bytes", p.bytes());
        e.put("median_s", p.medianSeconds());
        e.put("p90_s", p.p90Seconds());
        e.put("runs", p.runs());
        pts.add(e);
      }
      m.put("points", pts);
      List<Object> fs = new ArrayList<>();
      for (Fit f : fits) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("what", f.what());
        e.put("alpha_s", f.alphaSeconds());
        e.put("beta_bytes_per_s", Double.isInfinite(f.betaBytesPerSecond()) ? null : f.betaBytesPerSecond());
        fs.add(e);
      }
      m.put("fits", fs);
      return dev.fivefold.io.Json.pretty(m) + "\n";
    }
  }

  /** Progress: one line per measured point. */
  @FunctionalInterface
  public interface Listener {
    void onPoint(Point p);
  }

  /** Measures on {@code sc} (which must offer {@code partitions} slots for the barrier stage). */
  public static Result measure(JavaSparkContext sc, Config c, Listener listener) {
    List<Point> points = new ArrayList<>();
    int p = c.partitions();
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < p; i++) idx.add(i);
    JavaRDD<Integer> rdd = sc.parallelize(idx, p);
    double[] job = times(c.repeats(), () -> rdd.foreach(new Noop()));
    double jobMedian = median(job);
    add(points, listener, "job", 0, job, 0);
    double[] two = times(c.repeats(), () -> rdd.mapToPair(i -> new Tuple2<>(i, 1)).reduceByKey(Integer::sum, p).count());
    add(points, listener, "stage", 0, two, jobMedian);
    if (c.barrier()) {
      double[] one = times(c.repeats(), () -> barrierJob(rdd, 1));
      double[] three = times(c.repeats(), () -> barrierJob(rdd, 3));
      double[] per = new double[one.length];
      for (int i = 0; i < per.length; i++) per[i] = (three[i] - one[i]) / 2;
      add(points, listener, "barrier", 0, per, 0);
    }
    List<Fit> fits = new ArrayList<>();
    if (c.barrier() && p > 1) {
      long[] sizes = c.payloadBytes();
      List<double[][]> got = new ArrayList<>(rdd.rdd().barrier().mapPartitions(new RingTimes(sizes, c.repeats()), false,
          scala.reflect.ClassTag$.MODULE$.apply(double[][].class)).toJavaRDD().collect());
      double[][] t = got.getFirst();
      List<Point> sized = new ArrayList<>();
      for (int k = 0; k < sizes.length; k++) {
        double[] per = t[k].clone();
        for (int i = 0; i < per.length; i++) per[i] /= (p - 1);
        sized.add(add(points, listener, "ring", sizes[k], per, 0));
      }
      if (sized.size() >= 2) fits.add(Fit.of("ring", sized));
    }
    for (String what : List.of("broadcast", "gather", "treeAggregate")) {
      List<Point> sized = new ArrayList<>();
      for (long n : c.payloadBytes()) {
        int bytes = (int) n;
        int reps = n >= 50_000_000 ? Math.min(c.repeats(), 3) : c.repeats();
        double[] t = switch (what) {
          case "broadcast" -> {
            byte[] payload = new byte[bytes];
            Arrays.fill(payload, (byte) 7);
            yield times(reps, () -> {
              Broadcast<byte[]> b = sc.broadcast(payload);
              rdd.map(new ReadBroadcast(b)).collect();
              b.destroy();
            });
          }
          case "gather" -> times(reps, () -> rdd.map(new Bytes(bytes)).collect());
          default -> times(reps, () -> rdd.map(new Floats(bytes / 4)).treeAggregate(new float[0], new AddFloats(), new AddFloats(), 2));
        };
        Point pt = add(points, listener, what, n, t, jobMedian);
        sized.add(pt);
      }
      if (sized.size() >= 2) fits.add(Fit.of(what, sized));
    }
    return new Result(sc.master(), sc.isLocal() ? 0 : SparkContexts.executors(sc), p, points, fits);
  }

  private static Point add(List<Point> points, Listener l, String what, long bytes, double[] t, double minus) {
    double[] net = new double[t.length];
    for (int i = 0; i < t.length; i++) net[i] = Math.max(0, t[i] - minus);
    Arrays.sort(net);
    Point p = new Point(what, bytes, median(net), net[(int) Math.min(net.length - 1, Math.ceil(0.9 * net.length) - 1)], net.length);
    points.add(p);
    if (l != null) l.onPoint(p);
    return p;
  }

  private static double[] times(int repeats, Runnable r) {
    r.run(); // warm-up
    double[] t = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      long t0 = System.nanoTime();
      r.run();
      t[i] = (System.nanoTime() - t0) / 1e9;
    }
    return t;
  }

  private static double median(double[] t) {
    double[] s = t.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  private static void barrierJob(JavaRDD<Integer> rdd, int syncs) {
    rdd.rdd().barrier().mapPartitions(new Syncs(syncs), false, scala.reflect.ClassTag$.MODULE$.apply(Integer.class)).count();
  }

  private static final class Syncs extends AbstractFunction1<scala.collection.Iterator<Integer>, scala.collection.Iterator<Integer>> implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
    private final int n;

    Syncs(int n) {
      this.n = n;
    }

    @Override
    public scala.collection.Iterator<Integer> apply(scala.collection.Iterator<Integer> it) {
      BarrierTaskContext ctx = BarrierTaskContext.get();
      for (int i = 0; i < n; i++) ctx.barrier();
      return it;
    }
  }

  /** Times of ring all-gathers of each size (rank 0's; the other ranks return nothing). */
  private static final class RingTimes extends AbstractFunction1<scala.collection.Iterator<Integer>, scala.collection.Iterator<double[][]>>
      implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
    private final long[] sizes;
    private final int repeats;

    RingTimes(long[] sizes, int repeats) {
      this.sizes = sizes;
      this.repeats = repeats;
    }

    @Override
    public scala.collection.Iterator<double[][]> apply(scala.collection.Iterator<Integer> it) {
      BarrierTaskContext ctx = BarrierTaskContext.get();
      int rank = ctx.partitionId();
      try {
        String host = BarrierSgd.host();
        java.net.ServerSocket server = Ring.listen(host);
        String[] addrs = ctx.allGather(host + ":" + server.getLocalPort());
        double[][] out = new double[sizes.length][repeats];
        try (Ring ring = Ring.connect(rank, Arrays.asList(addrs), server, 300_000)) {
          for (int k = 0; k < sizes.length; k++) {
            byte[] b = new byte[(int) sizes[k]];
            int reps = sizes[k] >= 50_000_000 ? Math.min(repeats, 3) : repeats;
            ring.allGather(b); // warm-up
            out[k] = new double[reps];
            for (int i = 0; i < reps; i++) {
              ring.allGather(new byte[0]); // line the ranks up, so a time is one exchange, not a wait for a late peer
              long t0 = System.nanoTime();
              ring.allGather(b);
              out[k][i] = (System.nanoTime() - t0) / 1e9;
            }
          }
        }
        List<double[][]> r = rank == 0 ? List.<double[][]>of(out) : List.<double[][]>of();
        return scala.jdk.javaapi.CollectionConverters.asScala(r.iterator());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  private record Noop() implements VoidFunction<Integer> {
    @Override
    public void call(Integer i) {}
  }

  private record ReadBroadcast(Broadcast<byte[]> b) implements Function<Integer, Integer> {
    @Override
    public Integer call(Integer i) {
      return b.value().length;
    }
  }

  private record Bytes(int n) implements Function<Integer, byte[]> {
    @Override
    public byte[] call(Integer i) {
      byte[] out = new byte[n];
      Arrays.fill(out, (byte) (int) i);
      return out;
    }
  }

  private record Floats(int n) implements Function<Integer, float[]> {
    @Override
    public float[] call(Integer i) {
      float[] out = new float[n];
      Arrays.fill(out, i);
      return out;
    }
  }

  private record AddFloats() implements Function2<float[], float[], float[]> {
    @Override
    public float[] call(float[] a, float[] b) {
      if (a.length == 0) return b;
      if (b.length == 0) return a;
      float[] s = a.clone();
      for (int i = 0; i < s.length; i++) s[i] += b[i];
      return s;
    }
  }
}
