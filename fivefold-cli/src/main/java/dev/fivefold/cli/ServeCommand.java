package dev.fivefold.cli;

import dev.fivefold.cli.serve.Dashboard;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fivefold serve}: a local, read-only web dashboard of run folders. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Serve a live, read-only dashboard of the run folders in DIR: the runs (sortable), one run's charts "
        + "(every CSV series, updated while it trains), pictures and metadata, runs compared, an .ffz archive's report "
        + "and a fault trial. Charts are drawn by Chart.js served from the jar: works offline. Stop with Ctrl-C.", "",
        "Examples:",
        "  ./fivefold serve                          runs/ on http://127.0.0.1:8080/",
        "  ./fivefold serve runs --port 0            any free port (printed)",
        "  ./fivefold serve runs --host 0.0.0.0      other machines too (no authentication: a trusted network only)", ""})
final class ServeCommand extends Subcommand {
  @Parameters(paramLabel = "DIR", arity = "0..1", defaultValue = "runs", description = "Folder of run folders (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only).")
  String host;

  @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "Port, 0 for any free one (default: ${DEFAULT-VALUE}).")
  int port;

  /** Set by tests: the started dashboard, and no blocking. */
  Dashboard started;
  boolean returnWhenStarted;

  @Override
  public Integer call() throws Exception {
    if (!Files.exists(dir)) throw new NoSuchFileException(dir.toString(), null, "DIR must be a folder of run folders, e.g. runs");
    if (!Files.isDirectory(dir)) throw new IllegalArgumentException("DIR (" + dir + ") is not a directory");
    Dashboard d = Dashboard.start(dir, host, port);
    started = d;
    stdout.println("fivefold dashboard of " + dir.toAbsolutePath().normalize() + " on " + d.url() + "  (Ctrl-C stops)");
    stdout.flush();
    if (returnWhenStarted) return 0;
    Lifecycle.activity(null);
    try {
      Thread.currentThread().join();
    } finally {
      d.close();
    }
    return 0;
  }
}
