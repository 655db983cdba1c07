package dev.fivefold.spark;

import dev.fivefold.io.BadInputException;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Opens a Spark context for fivefold and checks, before any work, that the run can be done there:
 * a {@code spark://} master must accept a TCP connection within the connect timeout, and the
 * cluster must offer at least as many task slots as the run has workers (local masters at once,
 * cluster masters within the executor timeout). Either failure is a {@link BadInputException}
 * naming the master and the numbers, and no context is left running.
 *
 * <p>Settings: the application name "fivefold"; the Spark UI off; for a master on this machine
 * ({@code local…}, or a {@code spark://} master at 127.0.0.1/localhost) the driver binds to
 * 127.0.0.1; on cluster masters one core per executor ({@code spark.executor.cores=1}, so that the
 * slot count is the executor count) unless {@link SparkOptions#conf} says otherwise. fivefold's own
 * classes reach the executors as jars ({@code spark.jars}) when this JVM runs from jars, else (in a
 * build tree: classes directories) through {@code spark.executor.extraClassPath} set to this JVM's
 * class path, which works only for executors on this machine.
 */
public final class SparkContexts {
  private SparkContexts() {}

  /** A context on {@code o.master()} with at least {@code workers} task slots. */
  public static JavaSparkContext open(SparkOptions o, int workers) {
    if (workers < 1) throw new IllegalArgumentException("workers (" + workers + ") must be >= 1");
    int local = o.localSlots();
    if (local > 0 && workers > local) {
      throw new BadInputException("workers (" + workers + ") exceed the task slots of master " + o.master() + " (" + local + ")");
    }
    if (o.master().startsWith("spark://")) requireReachable(o);
    SparkConf conf = new SparkConf().setAppName("fivefold").setMaster(o.master()).set("spark.ui.enabled", "false");
    boolean onThisMachine = o.master().startsWith("local") || o.master().matches("spark://(127\\.0\\.0\\.1|localhost):.*");
    if (onThisMachine) conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
    if (!o.isLocal()) {
      conf.set("spark.executor.memory", o.executorMemory()).set("spark.executor.cores", "1");
      shipClasses(conf);
    }
    for (var e : o.conf().entrySet()) conf.set(e.getKey(), e.getValue());
    JavaSparkContext sc = new JavaSparkContext(conf);
    try {
      if (!o.isLocal()) awaitSlots(sc, o, workers);
      return sc;
    } catch (RuntimeException e) {
      sc.stop();
      throw e;
    }
  }

  /** Throws if none of the master's host:port pairs accepts a connection within the timeout. */
  static void requireReachable(SparkOptions o) {
    String why = "";
    for (String hp : o.master().substring("spark://".length()).split(",")) {
      int c = hp.lastIndexOf(':');
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(hp.substring(0, c), Integer.parseInt(hp.substring(c + 1))), (int) Math.ceil(o.connectSeconds() * 1000));
        return;
      } catch (IOException | IllegalArgumentException e) {
        why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      }
    }
    throw new BadInputException("master (" + o.master() + ") is not reachable within " + fmt(o.connectSeconds()) + " s: " + why);
  }

  /** Waits until the executors offer {@code workers} slots (executors × spark.executor.cores). */
  static void awaitSlots(JavaSparkContext sc, SparkOptions o, int workers) {
    int cores = sc.getConf().getInt("spark.executor.cores", 1);
    long end = System.nanoTime() + (long) (o.executorSeconds() * 1e9);
    int slots;
    while (true) {
      slots = executors(sc) * cores;
      if (slots >= workers) return;
      if (System.nanoTime() > end) break;
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new BadInputException("workers (" + workers + ") exceed the task slots master " + o.master() + " offered within "
        + fmt(o.executorSeconds()) + " s (" + slots + ")");
  }

  /** Registered executors, the driver not counted. */
  public static int executors(JavaSparkContext sc) {
    return Math.max(0, sc.sc().getExecutorMemoryStatus().size() - 1);
  }

  private static void shipClasses(SparkConf conf) {
    String[] cp = System.getProperty("java.class.path", "").split(File.pathSeparator);
    List<String> jars = new ArrayList<>();
    boolean dirs = false;
    for (String e : cp) {
      if (e.isEmpty() || e.contains("/org/apache/spark/")) continue;
      String name = new File(e).getName();
      boolean ours = name.startsWith("fivefold") || e.contains("/fivefold-");
      if (!ours) continue;
      if (e.endsWith(".jar")) jars.add(new File(e).getAbsolutePath());
      else dirs = true;
    }
    if (dirs || jars.isEmpty()) conf.set("spark.executor.extraClassPath", System.getProperty("java.class.path"));
    else conf.set("spark.jars", String.join(",", jars));
  }

  private static String fmt(double s) {
    return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
  }
}
