package dev.fivefold.spark;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * How to reach Spark.
 *
 * @param master a Spark master URL: {@code local}, {@code local[N]}, {@code local[*]},
 *     {@code local-cluster[N,C,M]}, {@code spark://host:port[,host:port…]}, or any other master
 *     Spark accepts ({@code yarn}, {@code k8s://…}), passed through
 * @param connectSeconds how long to wait for a {@code spark://} master's port to accept a TCP
 *     connection before giving up (&gt; 0)
 * @param executorSeconds how long to wait for the cluster's executors to offer the task slots the
 *     run needs (&gt; 0)
 * @param executorMemory {@code spark.executor.memory} for cluster masters (e.g. "1g")
 * @param conf further Spark settings, applied last (they win)
 */
public record SparkOptions(String master, double connectSeconds, double executorSeconds, String executorMemory, Map<String, String> conf) {
  private static final Pattern LOCAL = Pattern.compile("local(\\[(\\*|[1-9][0-9]*)(,[0-9]+)?])?");
  private static final Pattern STANDALONE = Pattern.compile("spark://[^,/:]+:[0-9]{1,5}(,[^,/:]+:[0-9]{1,5})*");

  public SparkOptions {
    if (master == null || master.isBlank()) throw new IllegalArgumentException("master (" + master + ") must be given, e.g. local[2] or spark://host:7077");
    if (master.startsWith("local") && !LOCAL.matcher(master).matches() && !master.startsWith("local-cluster[")) {
      throw new IllegalArgumentException("master (" + master + ") must be local, local[N], local[*] or local-cluster[N,C,M]");
    }
    if (master.startsWith("spark://") && !STANDALONE.matcher(master).matches()) {
      throw new IllegalArgumentException("master (" + master + ") must be spark://host:port");
    }
    if (!(connectSeconds > 0) || Double.isInfinite(connectSeconds)) throw new IllegalArgumentException("connect timeout (" + connectSeconds + " s) must be > 0");
    if (!(executorSeconds > 0) || Double.isInfinite(executorSeconds)) throw new IllegalArgumentException("executor timeout (" + executorSeconds + " s) must be > 0");
    if (executorMemory == null || !executorMemory.matches("[1-9][0-9]*[kmgt]?")) throw new IllegalArgumentException("executor memory (" + executorMemory + ") must be a size like 1g or 512m");
    conf = Map.copyOf(conf == null ? Map.of() : conf);
  }

  /** {@code master} with the defaults: 10 s to connect, 120 s for executors, 1g per executor. */
  public static SparkOptions of(String master) {
    return new SparkOptions(master, 10, 120, "1g", Map.of());
  }

  public SparkOptions withConf(String key, String value) {
    Map<String, String> m = new java.util.LinkedHashMap<>(conf);
    m.put(key, value);
    return new SparkOptions(master, connectSeconds, executorSeconds, executorMemory, m);
  }

  /** Whether the master runs everything in this JVM ({@code local…}, not {@code local-cluster}). */
  public boolean isLocal() {
    return LOCAL.matcher(master).matches();
  }

  /** The task slots of a {@code local[N]} master (N; {@code local} is 1, {@code local[*]} the processors), else -1. */
  public int localSlots() {
    var m = LOCAL.matcher(master);
    if (!m.matches()) return -1;
    String k = m.group(2);
    if (k == null) return 1;
    return k.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(k);
  }
}
