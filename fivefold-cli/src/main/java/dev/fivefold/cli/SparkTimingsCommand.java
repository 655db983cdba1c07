package dev.fivefold.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fivefold spark-timings}: Spark's latencies and bandwidths on this machine, for the α–β cost model ({@code SparkTimings}). */
@Command(name = "spark-timings", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Measures what Spark rounds cost here, for the alpha-beta cost model (t = alpha + bytes/beta): an empty job, "
        + "an extra stage, a barrier sync, and broadcast / gather / treeAggregate of payloads from 1 KB to 100 MB (medians "
        + "net of the empty job, with least-squares alpha and beta). Writes a table and a JSON file.", "",
        "Examples:",
        "  ./fivefold spark-timings --master local[2] --out spark-local.json",
        "  ./fivefold spark-timings --standalone 2 --out spark-standalone.json     a Master and 2 Workers on localhost, started and stopped here", ""})
final class SparkTimingsCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Option(names = "--master", description = "Spark master (default: local[2]); not with --standalone.")
  String master;

  @Option(names = "--standalone", paramLabel = "N", defaultValue = "0",
      description = "Start a standalone cluster of N one-core Workers on localhost for the measurement, and stop it after (default: off).")
  int standalone;

  @Option(names = "--partitions", defaultValue = "2", description = "Tasks per job (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--sizes", split = ",", defaultValue = "1000,10000,100000,1000000,10000000,100000000",
      description = "Payload sizes in bytes (default: ${DEFAULT-VALUE}).")
  long[] sizes;

  @Option(names = "--repeats", defaultValue = "5", description = "Runs per point after a warm-up (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--no-barrier", description = "Skip the barrier sync (about 4 s per run).")
  boolean noBarrier;

  @Option(names = "--out", paramLabel = "FILE.json", defaultValue = "spark-timings.json", description = "Where the JSON goes (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    common.apply();
    common.atLeast("--standalone", standalone, 0);
    common.atLeast("--partitions", partitions, 1);
    common.atLeast("--repeats", repeats, 1);
    for (long s : sizes) if (s < 4 || s > 512L << 20) throw common.bad("--sizes (" + s + ") must be in [4, 536870912] bytes");
    if (standalone > 0 && master != null) throw common.bad("--standalone (" + standalone + ") and --master (" + master + ") exclude each other");
    if (master == null) master = "local[2]";
    SparkTrainCommand.requireSparkClasses();
    return SparkRun.timings(this);
  }
}
