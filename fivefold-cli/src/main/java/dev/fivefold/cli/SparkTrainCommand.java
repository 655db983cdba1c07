package dev.fivefold.cli;

import dev.fivefold.io.BadInputException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fivefold spark-train}: local SGD / model averaging of a Fashion-MNIST classifier on Apache
 * Spark ({@code fivefold-spark}'s {@code LocalSgd}). The Spark classes are not in the main jar: the
 * launcher puts them on the class path for this command only ({@link SparkRun} is the one class
 * that touches them, loaded after the check in {@link #call}).
 */
@Command(name = "spark-train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Data-parallel training on Apache Spark: local SGD / model averaging rounds as Spark jobs. Each round broadcasts "
        + "the model, runs --local-steps steps on every worker's shard (one Spark task per worker, its own seeded batch order), "
        + "and averages the workers' weight deltas. Same seed, same numbers on every master (and with --engine inprocess, "
        + "the workers run one after another in this JVM). Prints per round: loss, bytes sent per worker, wall time split "
        + "into compute and communication. Round checkpoints go to the run folder; --resume continues from the last one.", "",
        "Examples:",
        "  ./fivefold spark-train --master local[2] --workers 2 --rounds 20 --local-steps 10",
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

  @Option(names = "--optimizer", defaultValue = "sgd", description = "Local optimizer, restarted each round (default: ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(names = "--lr", defaultValue = "0.05", description = "Local learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--batch", defaultValue = "64", description = "Mini-batch per worker (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--local-steps", paramLabel = "H", defaultValue = "10", description = "Local steps between averages (default: ${DEFAULT-VALUE}).")
  int localSteps;

  @Option(names = "--rounds", defaultValue = "20", description = "Averaging rounds (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--fan-in", defaultValue = "0",
      description = "Aggregation tree: sum groups of this many workers on the executors first (0: all payloads to the driver) (default: ${DEFAULT-VALUE}).")
  int fanIn;

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
    common.atLeast("--rounds", rounds, 1);
    common.atLeast("--fan-in", fanIn, 0);
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
