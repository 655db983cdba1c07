package dev.fivefold.cli;

import dev.fivefold.compress.grad.Compressors;
import dev.fivefold.compress.grad.GradientCompressor;
import dev.fivefold.dist.DistributedExperiment;
import dev.fivefold.io.BadInputException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fivefold spark-train}: the simulator's local SGD of a Fashion-MNIST classifier on Apache
 * Spark, one job per round ({@code fivefold-spark}'s {@code LocalSgd}). The Spark classes are not in the main jar: the
 * launcher puts them on the class path for this command only ({@link SparkRun} is the one class
 * that touches them, loaded after the check in {@link #call}).
 */
@Command(name = "spark-train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Data-parallel training on Apache Spark: the simulator's local SGD (./fivefold distributed --local-steps H) with "
        + "one Spark job per averaging round. Each round broadcasts the model; one task per worker rebuilds that worker (its shard, "
        + "batch position, SGD momentum and compressor residual, kept by the driver between rounds), runs --local-steps steps and "
        + "returns its compressed weight delta; the driver averages the deltas in worker order. Same seed, the same weights as "
        + "distributed --local-steps H with the same model, workers, per-worker batch, compressor, lr, momentum and seed, bit for bit, "
        + "on every master (and with --engine inprocess, the workers run one after another in this JVM). Compressors: one exchange "
        + "per step (dense, onebit, signsgd, topk, randomk, qsgd, dgc without momentum correction); powersgd, two exchanges per step "
        + "(a Spark job each), is refused: run it with distributed --engine spark. Prints per round: loss, bytes sent per worker, "
        + "wall time split into compute and communication. Round checkpoints go to the run folder; --resume continues from the last one.", "",
        "Examples:",
        "  ./fivefold spark-train --master local[2] --workers 2 --rounds 20 --local-steps 10",
        "  ./fivefold spark-train --master local[2] --workers 2 --compressor topk --ratio 0.01     top-k deltas with error feedback",
        "  ./fivefold spark-train --standalone 2 --workers 2 --rounds 10        a Master and 2 Workers on localhost, started and stopped here",
        "  ./fivefold spark-train --master spark://127.0.0.1:7077 --workers 2 --model lenet5 --out runs/spark-lenet5",
        "  ./fivefold spark-train --engine inprocess --workers 4 --rounds 5      the reference loop, no Spark", ""})
final class SparkTrainCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Option(names = "--engine", defaultValue = "spark", description = "spark or inprocess (the reference loop) (default: ${DEFAULT-VALUE}).")
  String engine;

  @Option(names = "--master", description = "Spark master: local[N], local[*], local-cluster[N,C,M], spark://host:port, ... (default: local[*]).")
  String master;

  @Option(names = "--standalone", paramLabel = "N", defaultValue = "0",
      description = "Start a standalone cluster of N one-core Workers on localhost (under the run folder) for this run, and stop it after (default: off; not with --master).")
  int standalone;

  @Option(names = "--workers", defaultValue = "2", description = "Workers (one Spark task each per round) (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--model", defaultValue = "mlp:784-300-100-10", description = "Model spec (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--momentum", defaultValue = "0.9",
      description = "Momentum of each worker's SGD, kept across rounds as the simulator keeps it (replaces --optimizer) (default: ${DEFAULT-VALUE}).")
  double momentum;

  @Option(names = "--lr", defaultValue = "0.05", description = "Local learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--schedule", paramLabel = "NAME", defaultValue = "constant",
      description = "Learning rate over the local steps of all rounds: constant, or cosine (from --lr down to 0 at the last step) (default: ${DEFAULT-VALUE}).")
  String schedule;

  @Option(names = "--compressor", defaultValue = "dense",
      description = "How the weight deltas are sent: dense, onebit, signsgd, topk, randomk, qsgd, dgc (correction off), or a spec such as "
          + "topk:ratio=0.01; not powersgd (two exchanges per step) (default: ${DEFAULT-VALUE}).")
  String compressor;

  @Option(names = "--ratio", defaultValue = "0.01", description = "Density of topk, randomk and dgc, in (0, 1] (default: ${DEFAULT-VALUE}).")
  double ratio;

  @Option(names = "--levels", defaultValue = "16", description = "Levels s of qsgd (default: ${DEFAULT-VALUE}).")
  int levels;

  @Option(names = "--batch", defaultValue = "64", description = "Mini-batch per worker (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--local-steps", paramLabel = "H", defaultValue = "10",
      description = "Local steps between averages, >= 2 (per-step SGD on Spark: distributed --engine spark) (default: ${DEFAULT-VALUE}).")
  int localSteps;

  @Option(names = "--rounds", defaultValue = "20", description = "Averaging rounds (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--eval-every", defaultValue = "0", description = "Test accuracy every this many rounds (0: at the end) (default: ${DEFAULT-VALUE}).")
  int evalEvery;

  @Option(names = "--train-limit", defaultValue = "0", description = "Use the first N training images (0: all 60,000) (default: ${DEFAULT-VALUE}).")
  int trainLimit;

  @Option(names = "--test-limit", defaultValue = "0", description = "Use the first N test images (0: all 10,000) (default: ${DEFAULT-VALUE}).")
  int testLimit;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the Fashion-MNIST IDX files.")
  Path dataDir;

  @Option(names = "--out", paramLabel = "DIR", description = "Run folder for round checkpoints and rounds.csv (default: runs/spark-<time>).")
  Path out;

  @Option(names = "--resume", description = "Continue from the run folder's last round checkpoint (needs --out).")
  boolean resume;

  @Option(names = "--connect-timeout", defaultValue = "10", description = "Seconds to reach a spark:// master (default: ${DEFAULT-VALUE}).")
  double connectTimeout;

  @Option(names = "--executor-timeout", defaultValue = "120", description = "Seconds to wait for the executors' task slots (default: ${DEFAULT-VALUE}).")
  double executorTimeout;

  @Option(names = "--executor-memory", defaultValue = "1g", description = "Memory per executor on a cluster (default: ${DEFAULT-VALUE}).")
  String executorMemory;

  @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting (repeatable).")
  List<String> conf = List.of();

  @Override
  public Integer call() throws Exception {
    common.apply();
    if (!engine.equals("spark") && !engine.equals("inprocess")) throw common.bad("--engine (" + engine + ") must be spark or inprocess");
    common.atLeast("--workers", workers, 1);
    common.atLeast("--standalone", standalone, 0);
    if (standalone > 0 && !engine.equals("spark")) throw common.bad("--standalone (" + standalone + ") needs --engine spark");
    if (standalone > 0 && master != null) throw common.bad("--standalone (" + standalone + ") and --master (" + master + ") exclude each other");
    if (master == null) master = "local[*]";
    common.positive("--lr", lr);
    common.atLeast("--batch", batch, 1);
    common.atLeast("--local-steps", localSteps, 1);
    if (localSteps < 2) throw common.bad("--local-steps (" + localSteps + ") must be >= 2: per-step SGD on Spark is ./fivefold distributed --engine spark");
    if (!(momentum >= 0 && momentum < 1)) throw common.bad("--momentum (" + momentum + ") must be in [0, 1)");
    if (!dev.fivefold.dist.Simulator.SCHEDULES.contains(schedule)) {
      throw common.bad("--schedule (" + schedule + ") must be one of " + String.join(", ", dev.fivefold.dist.Simulator.SCHEDULES));
    }
    if (!(ratio > 0 && ratio <= 1)) throw common.bad("--ratio (" + ratio + ") must be in (0, 1]");
    common.atLeast("--levels", levels, 1);
    compressor = compressorSpec();
    common.atLeast("--rounds", rounds, 1);
    common.atLeast("--eval-every", evalEvery, 0);
    common.atLeast("--train-limit", trainLimit, 0);
    common.atLeast("--test-limit", testLimit, 0);
    common.positive("--connect-timeout", connectTimeout);
    common.positive("--executor-timeout", executorTimeout);
    if (resume && out == null) throw common.bad("--resume needs --out (the run folder to continue)");
    Map<String, String> settings = new LinkedHashMap<>();
    for (String kv : conf) {
      int eq = kv.indexOf('=');
      if (eq < 1) throw common.bad("--conf (" + kv + ") must be KEY=VALUE");
      settings.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    requireSparkClasses();
    return SparkRun.train(this, settings);
  }

  /** The compressor spec from the flags, checked for local SGD on Spark (one exchange per step, no momentum correction). */
  private String compressorSpec() {
    String spec = switch (compressor) {
      case "dense", "onebit", "signsgd" -> compressor;
      case "topk", "randomk" -> compressor + ":ratio=" + ratio;
      case "dgc" -> DistributedExperiment.dgc(ratio, momentum, false, 0, false, 0);
      case "qsgd" -> "qsgd:levels=" + levels;
      case "powersgd" -> "powersgd";
      default -> compressor;
    };
    GradientCompressor c;
    try {
      c = Compressors.parse(spec);
    } catch (IllegalArgumentException e) {
      throw common.bad("--compressor (" + compressor + "): " + e.getMessage());
    }
    if (c.rounds() > 1) {
      throw new BadInputException("--compressor (" + compressor + ") takes " + c.rounds() + " exchanges per step, a Spark job each: spark-train does not run it; "
          + "use ./fivefold distributed --engine spark");
    }
    if (c.correctsMomentum()) throw common.bad("--compressor (" + compressor + ") corrects momentum, which local SGD does not use: use dgc with correction=off");
    return c.toString();
  }

  /** The Spark module must be on the class path (the launcher adds it for this command). */
  static void requireSparkClasses() {
    try {
      Class.forName("dev.fivefold.spark.LocalSgd", false, SparkTrainCommand.class.getClassLoader());
      Class.forName("org.apache.spark.SparkConf", false, SparkTrainCommand.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new BadInputException("the Spark engine is not on the class path (" + e.getMessage() + "): run this command through ./fivefold, "
          + "which adds fivefold-spark and its jars (fivefold-spark/target/spark-classpath.txt)");
    }
  }
}
