package dev.fivefold.cli;

import dev.fivefold.data.Dataset;
import dev.fivefold.spark.DeltaCodec;
import dev.fivefold.spark.InProcessRounds;
import dev.fivefold.spark.LocalSgd;
import dev.fivefold.spark.LocalWorker;
import dev.fivefold.spark.RoundEngine;
import dev.fivefold.spark.SparkOptions;
import dev.fivefold.spark.SparkRounds;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** The Spark commands' bodies: the only CLI class that names fivefold-spark or Spark classes (loaded after the class-path check). */
final class SparkRun {
  private SparkRun() {}

  static int train(SparkTrainCommand c, Map<String, String> conf) throws Exception {
    LocalWorker.Spec spec = new LocalWorker.Spec(c.model, c.optimizer, c.lr, c.batch, c.localSteps, c.common.seed, DeltaCodec.dense());
    SparkOptions opts = c.engine.equals("spark") ? new SparkOptions(c.master, c.connectTimeout, c.executorTimeout, c.executorMemory, conf) : null;
    long t0 = System.nanoTime();
    // the engine first: an unreachable master or too few slots fail before data is read or a folder made
    try (RoundEngine engine = opts == null ? new InProcessRounds() : SparkRounds.open(opts, c.workers)) {
      Dataset[] data = Inputs.images(null, c.dataDir, c.stderr);
      Dataset train = c.trainLimit > 0 ? data[0].take(c.trainLimit) : data[0];
      Dataset test = c.testLimit > 0 ? data[1].take(c.testLimit) : data[1];
      Path dir = Common.runFolder(c.out, "spark");
      LocalSgd.Config cfg = new LocalSgd.Config(train, test, spec, c.workers, c.rounds, c.fanIn, c.evalEvery, dir, c.resume);
      c.stderr.printf(Locale.ROOT, "%s: %s, %d workers x %d local steps x batch %d, %d rounds, run folder %s (engine up in %.1f s)%n",
          engine.name(), c.model, c.workers, c.localSteps, c.batch, c.rounds, dir, (System.nanoTime() - t0) / 1e9);
      c.stdout.printf(Locale.ROOT, "%5s  %8s  %14s  %9s  %10s  %9s  %8s%n", "round", "loss", "bytes/worker", "wall ms", "compute ms", "comm ms", "test acc");
      LocalSgd.Result r = LocalSgd.run(cfg, engine, rd -> c.stdout.printf(Locale.ROOT, "%5d  %8.4f  %,14d  %9.1f  %10.1f  %9.1f  %8s%n", rd.round() + 1,
          rd.loss(), rd.bytesPerWorker(), 1e3 * rd.wallSeconds(), 1e3 * rd.computeSeconds(), 1e3 * rd.commSeconds(),
          Double.isNaN(rd.testAccuracy()) ? "-" : String.format(Locale.ROOT, "%.4f", rd.testAccuracy())));
      double wall = 0, comm = 0;
      for (LocalSgd.Round rd : r.rounds()) {
        wall += rd.wallSeconds();
        comm += rd.commSeconds();
      }
      c.stdout.printf(Locale.ROOT, "test accuracy %.4f, test loss %.4f; %,d bytes sent by the workers (dense float32); rounds %.1f s, %.0f%% communication; %s%n",
          r.testAccuracy(), r.testLoss(), r.bytesSent(), wall, 100 * comm / Math.max(1e-9, wall), dir.resolve(LocalSgd.CHECKPOINT));
    }
    return 0;
  }
}
