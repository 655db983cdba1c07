package dev.fivefold.cli;

import dev.fivefold.io.RunLock;
import dev.fivefold.tensor.kernel.Parallel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Options every subcommand has: --threads, --seed, --verbose; the range checks; the run folder. */
final class Common {
  @Spec(Spec.Target.MIXEE) CommandSpec spec;

  @Option(names = "--threads", paramLabel = "N", description = "Compute threads (default: all ${sys:fivefold.cores} cores).")
  Integer threads;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--verbose", description = "Print stack traces of errors.")
  boolean verbose;

  @Option(names = "--tensorboard", description = "Also write TensorBoard event files into the run folder (train: live scalars and "
      + "histograms of weights and gradients; every command: its CSV series and PNG pictures when it ends).")
  boolean tensorboard;

  static {
    System.setProperty("fivefold.cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
  }

  /** Checks --threads (1 to {@link Parallel#MAX_THREADS}) and applies it. */
  void apply() {
    if (threads != null) {
      atLeast("--threads", threads, 1);
      if (threads > Parallel.MAX_THREADS) {
        throw bad("--threads (" + threads + ") must be <= " + Parallel.MAX_THREADS + " (4 × the "
            + Runtime.getRuntime().availableProcessors() + " cores, at least 16, at most 256)");
      }
      Parallel.setThreads(threads);
    }
    TENSORBOARD.set(tensorboard);
  }

  /**
   * Creates the run folder {@code dir} and locks it for this command ({@link RunLock}): a second run
   * with the same --out is refused while this one lives. The lock is released when the command
   * returns ({@link #releaseRunFolders}) or the process exits.
   */
  static Path runFolder(Path dir) throws IOException {
    RunLock l = RunLock.acquire(dir);
    HELD.get().add(l);
    return dir;
  }

  /** Releases the run folders this thread locked (Main.run calls it after each command). */
  static void releaseRunFolders() {
    List<RunLock> held = HELD.get();
    if (TENSORBOARD.get()) {
      TENSORBOARD.set(false);
      for (RunLock l : held) exportTensorBoard(l.dir());
    }
    for (RunLock l : held) {
      try {
        l.close();
      } catch (IOException e) {
        // the process exit releases it
      }
    }
    held.clear();
  }

  /** --tensorboard: the run folder's CSV series and pictures as TensorBoard events (unless a live log is there). */
  private static void exportTensorBoard(Path dir) {
    try {
      if (dev.fivefold.io.tensorboard.RunFolderExport.hasOwnEvents(dir)) return;
      try (var w = dev.fivefold.io.tensorboard.EventWriter.open(dir)) {
        dev.fivefold.io.tensorboard.RunFolderExport.export(dir, w);
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("fivefold: could not write TensorBoard events to " + dir + ": " + Main.oneLine(String.valueOf(e.getMessage())));
    }
  }

  private static final ThreadLocal<Boolean> TENSORBOARD = ThreadLocal.withInitial(() -> false);
  private static final ThreadLocal<List<RunLock>> HELD = ThreadLocal.withInitial(ArrayList::new);

  int threads() {
    return Parallel.threads();
  }

  void atLeast(String flag, long v, long min) {
    if (v < min) throw new ParameterException(spec.commandLine(), flag + " (" + v + ") must be >= " + min);
  }

  void positive(String flag, double v) {
    if (!(v > 0) || Double.isInfinite(v)) throw new ParameterException(spec.commandLine(), flag + " (" + v + ") must be > 0");
  }

  void nonNegative(String flag, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) throw new ParameterException(spec.commandLine(), flag + " (" + v + ") must be >= 0");
  }

  ParameterException bad(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** {@code out}, or {@code runs/<prefix>-<yyyyMMdd-HHmmss>}; created with its parents and locked ({@link #runFolder(Path)}). */
  static Path runFolder(Path out, String prefix) throws IOException {
    Path dir = out != null ? out : Path.of("runs", prefix + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    return runFolder(dir);
  }
}
