package dev.fivefold.cli;

import dev.fivefold.data.Dataset;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.dist.DistributedExperiment;
import dev.fivefold.dist.Simulator;
import dev.fivefold.io.BadInputException;
import dev.fivefold.spark.BarrierSgd;
import dev.fivefold.spark.InProcessRounds;
import dev.fivefold.spark.LocalSgd;
import dev.fivefold.spark.LocalStandalone;
import dev.fivefold.spark.RoundEngine;
import dev.fivefold.spark.SparkContexts;
import dev.fivefold.spark.SparkOptions;
import dev.fivefold.spark.SparkRounds;
import dev.fivefold.spark.SparkTimings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;

/** The Spark commands' bodies: the only CLI class that names fivefold-spark or Spark classes (loaded after the class-path check). */
final class SparkRun {
  private SparkRun() {}

  static int train(SparkTrainCommand c, Map<String, String> conf) throws Exception {
    Simulator.Config sim;
    try {
      sim = new Simulator.Config(c.model, c.workers, c.batch, 1, c.compressor, c.localSteps, c.lr, c.momentum, c.common.seed, null, c.schedule,
          (long) c.rounds * c.localSteps);
      dev.fivefold.perception.Models.parse(c.model);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
    SparkOptions.of(c.master); // checks the master's form before a cluster is started
    long t0 = System.nanoTime();
    try (Cluster cluster = Cluster.start(c.standalone, c.stderr)) {
      SparkOptions opts = c.engine.equals("spark")
          ? new SparkOptions(cluster.url != null ? cluster.url : c.master, c.connectTimeout, c.executorTimeout, c.executorMemory, conf) : null;
      // the engine first: an unreachable master or too few slots fail before data is read or a folder made
      try (RoundEngine engine = opts == null ? new InProcessRounds() : SparkRounds.open(opts, c.workers)) {
        Dataset[] data = Inputs.images(null, c.dataDir, c.stderr);
        Dataset train = c.trainLimit > 0 ? data[0].take(c.trainLimit) : data[0];
        Dataset test = c.testLimit > 0 ? data[1].take(c.testLimit) : data[1];
        Path dir = Common.runFolder(c.out, "spark");
        LocalSgd.Config cfg = new LocalSgd.Config(train, test, sim, c.rounds, c.evalEvery, dir, c.resume);
        c.stderr.printf(Locale.ROOT, "%s: %s, %d workers x %d local steps x batch %d, %s, %d rounds, run folder %s (engine up in %.1f s)%n",
            engine.name(), c.model, c.workers, c.localSteps, c.batch, c.compressor, c.rounds, dir, (System.nanoTime() - t0) / 1e9);
        c.stdout.printf(Locale.ROOT, "%5s  %8s  %14s  %9s  %10s  %9s  %8s%n", "round", "loss", "bytes/worker", "wall ms", "compute ms", "comm ms", "test acc");
        LocalSgd.Result r = LocalSgd.run(cfg, engine, rd -> c.stdout.printf(Locale.ROOT, "%5d  %8.4f  %,14.0f  %9.1f  %10.1f  %9.1f  %8s%n", rd.round() + 1,
            rd.loss(), rd.bytesPerWorker(), 1e3 * rd.wallSeconds(), 1e3 * rd.computeSeconds(), 1e3 * rd.commSeconds(),
            Double.isNaN(rd.testAccuracy()) ? "-" : String.format(Locale.ROOT, "%.4f", rd.testAccuracy())));
        double wall = 0, comm = 0;
        for (LocalSgd.Round rd : r.rounds()) {
          wall += rd.wallSeconds();
          comm += rd.commSeconds();
        }
        c.stdout.printf(Locale.ROOT, "test accuracy %.4f, test loss %.4f; %,d bytes sent by the workers; rounds %.1f s, %.0f%% communication; %s%n",
            r.testAccuracy(), r.testLoss(), r.bytesSent(), wall, 100 * comm / Math.max(1e-9, wall), dir.resolve(LocalSgd.CHECKPOINT));
      }
      cluster.succeeded();
    }
    return 0;
  }

  /** {@code distributed --engine spark}: the run in one barrier stage ({@link BarrierSgd}), printed and written as the simulator's. */
  static int distributed(DistributedCommand c, DistributedExperiment.Config cfg) throws Exception {
    SparkOptions.of(c.master != null ? c.master : "local"); // checks the master's form before a cluster is started
    int n = cfg.sim().workers();
    long t0 = System.nanoTime();
    try (Cluster cluster = Cluster.start(c.standalone, c.stderr)) {
      SparkOptions opts = new SparkOptions(cluster.url != null ? cluster.url : c.master, c.connectTimeout, c.executorTimeout, "1g", Map.of());
      // the context first: an unreachable master or too few slots fail before data is read or a folder made
      JavaSparkContext sc = SparkContexts.open(opts, n);
      try {
        if (!c.lm()) c.images = Inputs.images(null, c.dataDir, c.stderr);
        String model = cfg.sim().model();
        Path dir = Common.runFolder(c.out, "distributed");
        c.stderr.printf(Locale.ROOT, "spark %s: %d workers in one barrier stage, %s, %s, batch %d (%d per worker × %d), %d steps, H %d -> %s (up in %.1f s)%n",
            sc.master(), n, cfg.sim().model(), cfg.sim().compressor(), c.batch, cfg.sim().batch(), cfg.sim().accumulation(), cfg.steps(),
            cfg.sim().localSteps(), dir, (System.nanoTime() - t0) / 1e9);
        long every = c.printEvery > 0 ? c.printEvery : Math.max(1, cfg.rounds() / 20);
        Table rounds = new Table("step", "loss", "bytes_per_worker", "ratio", "compute_ms", "comm_ms");
        BarrierSgd.Result br = BarrierSgd.run(sc, cfg, c.train(model), c.test(model), null, x -> {
          rounds.add(x.step(), DistributedCommand.f("%.5f", x.loss()), DistributedCommand.f("%.0f", x.bytesPerWorker()), DistributedCommand.f("%.1f", x.ratio()),
              DistributedCommand.f("%.3f", x.computeSeconds() * 1e3), DistributedCommand.f("%.3f", x.commSeconds() * 1e3));
          if (x.step() % (every * cfg.sim().localSteps()) == 0 || x.step() >= cfg.steps()) {
            c.stdout.printf(Locale.ROOT, "step %6d  loss %.4f  sent %10s/worker  ratio %7.1fx  compute %8.2f ms  comm %8.3f ms%n", x.step(), x.loss(),
                DistributedCommand.size(x.bytesPerWorker()), x.ratio(), x.computeSeconds() * 1e3, x.commSeconds() * 1e3);
          }
        });
        AtomicFiles.writeString(dir.resolve("rounds.csv"), rounds.csv());
        Table t = DistributedCommand.resultTable(c.lm());
        DistributedCommand.add(t, br.result(), Double.NaN, c.lm());
        c.stdout.println();
        c.stdout.print(t.pretty());
        int r = br.result().rounds().size();
        c.stdout.printf(Locale.ROOT, "barrier stage %.2f s (rendezvous %.2f s, then %.2f ms per round); %s per worker on the TCP ring; wrote %s%n",
            br.stageSeconds(), br.rendezvousSeconds(), 1e3 * (br.stageSeconds() - br.rendezvousSeconds()) / r, DistributedCommand.size(br.wireBytesPerWorker()),
            dir.resolve("rounds.csv"));
      } finally {
        sc.stop();
      }
      cluster.succeeded();
    }
    return 0;
  }

  static int timings(SparkTimingsCommand c) throws Exception {
    SparkOptions.of(c.master);
    try (Cluster cluster = Cluster.start(c.standalone, c.stderr)) {
      SparkOptions o = SparkOptions.of(cluster.url != null ? cluster.url : c.master);
      JavaSparkContext sc = SparkContexts.open(o, c.partitions);
      try {
        c.stdout.printf(Locale.ROOT, "%-14s  %12s  %11s  %11s%n", "what", "bytes", "median ms", "p90 ms");
        SparkTimings.Result r = SparkTimings.measure(sc, new SparkTimings.Config(c.sizes, c.repeats, c.partitions, !c.noBarrier),
            p -> c.stdout.printf(Locale.ROOT, "%-14s  %,12d  %11.2f  %11.2f%n", p.what(), p.bytes(), 1e3 * p.medianSeconds(), 1e3 * p.p90Seconds()));
        for (SparkTimings.Fit f : r.fits()) {
          c.stdout.printf(Locale.ROOT, "%-14s  alpha %.2f ms, beta %s%n", f.what(), 1e3 * f.alphaSeconds(),
              Double.isInfinite(f.betaBytesPerSecond()) ? "unbounded" : String.format(Locale.ROOT, "%.1f MB/s", f.betaBytesPerSecond() / 1e6));
        }
        AtomicFiles.writeString(c.out, r.json());
        c.stdout.println("wrote " + c.out);
      } finally {
        sc.stop();
      }
      cluster.succeeded();
    }
    return 0;
  }

  /** A standalone cluster on localhost for one command (none when {@code workers} is 0), in a temporary folder removed after a success (kept with its logs after a failure). */
  private static final class Cluster implements AutoCloseable {
    final LocalStandalone cluster;
    final String url;
    final Path dir;
    private boolean ok;

    private Cluster(LocalStandalone cluster, Path dir) {
      this.cluster = cluster;
      this.url = cluster == null ? null : cluster.masterUrl();
      this.dir = dir;
    }

    static Cluster start(int workers, java.io.PrintStream err) throws IOException {
      if (workers == 0) return new Cluster(null, null);
      Path dir = Files.createTempDirectory("fivefold-spark-");
      long t0 = System.nanoTime();
      LocalStandalone s = LocalStandalone.start(dir, workers, 1, "1g", 180);
      err.printf(Locale.ROOT, "standalone cluster %s: a Master and %d Workers up in %.1f s (logs in %s)%n", s.masterUrl(), workers,
          (System.nanoTime() - t0) / 1e9, dir.resolve("logs"));
      return new Cluster(s, dir);
    }

    void succeeded() {
      ok = true;
    }

    @Override
    public void close() throws IOException {
      if (cluster == null) return;
      cluster.close();
      if (!ok) return;
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
      }
    }
  }
}
