package dev.fivefold.spark;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * A Spark standalone cluster on this machine, started from the Spark jars on this JVM's class path
 * (no Spark distribution): one Master and N Worker JVMs on 127.0.0.1, each Worker starting its
 * executor JVMs. For tests, scripts and measurements; {@link #close} stops all of them.
 *
 * <p>What it sets up (see the Spark launcher's {@code WorkerCommandBuilder}): a {@code SPARK_HOME}
 * under {@code dir} whose {@code jars/} links to the Spark jars of this class path and whose
 * {@code conf/} holds a WARN-level log4j2 configuration; the environment {@code SPARK_HOME},
 * {@code SPARK_SCALA_VERSION=2.13}, {@code SPARK_LOCAL_IP=127.0.0.1} and {@code JAVA_HOME} (this
 * JVM's, so executors run the same JDK); the JVM flags Spark's own scripts pass on JDK 17+
 * ({@link JavaModuleOptions}); free ports, the Master's REST server off; each daemon's output in
 * {@code dir/logs} (the deploy classes at INFO: registrations, executors launched and lost). Ready when the
 * Master's JSON status lists N alive workers.
 */
public final class LocalStandalone implements AutoCloseable {
  private final Path dir;
  private final Process master;
  private final List<Process> workers = new ArrayList<>();
  private final String url;
  private final int uiPort;

  private LocalStandalone(Path dir, Process master, String url, int uiPort) {
    this.dir = dir;
    this.master = master;
    this.url = url;
    this.uiPort = uiPort;
  }

  /**
   * Starts a Master and {@code workers} Workers of {@code cores} cores and {@code memory} each
   * (e.g. "1g") under {@code dir}, and waits up to {@code timeoutSeconds} for all to be alive.
   *
   * @throws IOException if a JVM does not start or the cluster is not up in time (everything started is stopped)
   */
  public static LocalStandalone start(Path dir, int workers, int cores, String memory, double timeoutSeconds) throws IOException {
    if (workers < 1) throw new IllegalArgumentException("workers (" + workers + ") must be >= 1");
    if (cores < 1) throw new IllegalArgumentException("cores (" + cores + ") must be >= 1");
    dir = dir.toAbsolutePath();
    Path home = dir.resolve("spark-home");
    Files.createDirectories(home.resolve("jars"));
    Files.createDirectories(home.resolve("conf"));
    Files.createDirectories(dir.resolve("logs"));
    linkSparkJars(home.resolve("jars"));
    try (InputStream in = LocalStandalone.class.getResourceAsStream("/log4j2.properties")) {
      String conf = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      // the daemons' lifecycle (started, registered, executor launched or lost) in their logs
      Files.writeString(home.resolve("conf/log4j2.properties"), conf + "logger.deploy.name = org.apache.spark.deploy\nlogger.deploy.level = info\n");
    }
    int port = freePort(), ui = freePort();
    String url = "spark://127.0.0.1:" + port;
    LocalStandalone c = new LocalStandalone(dir, daemon(dir, home, "master", List.of("-Dspark.master.rest.enabled=false"),
        "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port", Integer.toString(ui)), url, ui);
    try {
      for (int i = 0; i < workers; i++) {
        Path work = dir.resolve("work" + i);
        Files.createDirectories(work);
        c.workers.add(daemon(dir, home, "worker" + i, List.of(), "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
            "--cores", Integer.toString(cores), "--memory", memory, "--webui-port", "0", "--port", "0", "--work-dir", work.toString(), url));
      }
      c.awaitAlive(workers, timeoutSeconds);
      return c;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** The master URL, {@code spark://127.0.0.1:<port>}. */
  public String masterUrl() {
    return url;
  }

  public Path dir() {
    return dir;
  }

  /** Alive workers as the Master reports them (-1 if it does not answer). */
  public int aliveWorkers() {
    try (InputStream in = URI.create("http://127.0.0.1:" + uiPort + "/json/").toURL().openStream()) {
      String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      var m = java.util.regex.Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)").matcher(json);
      return m.find() ? Integer.parseInt(m.group(1)) : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  /** Kills Worker {@code i} and its executors with SIGKILL, as a lost machine would go. */
  public void killWorker(int i) {
    Process p = workers.get(i);
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  /** Stops the Workers (their executors with them), then the Master: SIGTERM, up to 5 s, then SIGKILL. */
  @Override
  public void close() {
    List<Process> all = new ArrayList<>(workers);
    all.add(master);
    List<ProcessHandle> tree = new ArrayList<>();
    for (Process p : all) {
      p.descendants().forEach(tree::add);
      tree.add(p.toHandle());
    }
    for (Process p : all) p.destroy();
    long end = System.nanoTime() + 5_000_000_000L;
    for (ProcessHandle h : tree) {
      try {
        h.onExit().get(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
    }
  }

  private void awaitAlive(int n, double timeoutSeconds) throws IOException {
    long end = System.nanoTime() + (long) (timeoutSeconds * 1e9);
    while (aliveWorkers() < n) {
      if (!master.isAlive()) throw new IOException("the Spark master exited (" + master.exitValue() + "); see " + dir.resolve("logs/master.log"));
      if (System.nanoTime() > end) throw new IOException("the Spark cluster had " + Math.max(0, aliveWorkers()) + " of " + n + " workers alive after " + timeoutSeconds + " s; see " + dir.resolve("logs"));
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the Spark cluster");
      }
    }
  }

  private static Process daemon(Path dir, Path home, String name, List<String> props, String mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));
    cmd.addAll(props);
    cmd.add("-cp");
    cmd.add(home.resolve("conf") + File.separator + File.pathSeparator + System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("logs/" + name + ".log").toFile());
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    return pb.start();
  }

  /** Links every jar of this class path except fivefold's into {@code jars} (executors find Spark there). */
  private static void linkSparkJars(Path jars) throws IOException {
    for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (!e.endsWith(".jar")) continue;
      Path src = Path.of(e).toAbsolutePath();
      String name = src.getFileName().toString();
      if (name.startsWith("fivefold") || name.startsWith("surefire") || name.startsWith("junit") || name.startsWith("opentest4j")) continue;
      Path link = jars.resolve(name);
      if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) Files.createSymbolicLink(link, src);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
