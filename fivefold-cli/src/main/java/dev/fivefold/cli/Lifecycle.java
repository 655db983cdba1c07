package dev.fivefold.cli;

import java.io.PrintStream;
import java.util.Optional;

/**
 * The JVM's life around a command: a one-line message when a signal stops it before a command
 * has installed its own handler ("interrupted while loading fashion-mnist"), and a watchdog so the
 * JVM does not outlive the {@code fivefold} launcher.
 *
 * <p>The launcher starts java as a child and forwards Ctrl-C and kill to it; but SIGKILL of the
 * launcher cannot be forwarded, and the child would train on as an orphan. The launcher therefore
 * passes its process id as {@code -Dfivefold.launcher.pid}; a daemon thread checks every
 * {@value #POLL_MS} ms that this process is still alive and still our parent, and otherwise starts
 * the normal shutdown ({@code System.exit(143)}, as SIGTERM would): shutdown hooks run, so a
 * training run writes its checkpoint.
 */
final class Lifecycle {
  /** How often the watchdog looks at the launcher. */
  static final long POLL_MS = 500;

  private static volatile String activity = "starting";
  private static volatile boolean quiet;

  private Lifecycle() {}

  /** Installs the signal message and, when started by the launcher, the watchdog. */
  static void install(PrintStream err) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      String a = activity;
      if (!quiet && a != null) {
        err.println();
        err.println("fivefold: interrupted while " + a);
        err.flush();
      }
    }, "fivefold-interrupt-message"));
    String pid = System.getProperty("fivefold.launcher.pid");
    if (pid == null) return;
    long launcher;
    try {
      launcher = Long.parseLong(pid.strip());
    } catch (NumberFormatException e) {
      return;
    }
    Thread w = new Thread(() -> watch(launcher, err), "fivefold-launcher-watchdog");
    w.setDaemon(true);
    w.start();
  }

  /** True while {@code launcher} is alive and is this process's parent. */
  static boolean launcherAlive(long launcher) {
    Optional<ProcessHandle> p = ProcessHandle.of(launcher);
    if (p.isEmpty() || !p.get().isAlive()) return false;
    return ProcessHandle.current().parent().map(h -> h.pid() == launcher).orElse(false);
  }

  private static void watch(long launcher, PrintStream err) {
    while (true) {
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        return;
      }
      if (!launcherAlive(launcher)) {
        activity = activity == null ? null : activity + " (the fivefold launcher " + launcher + " was killed)";
        System.exit(143);
      }
    }
  }

  /**
   * What the command is doing, for the message if a signal stops it ("loading fashion-mnist");
   * null once the command reports interruptions itself (a training run's checkpoint hook).
   */
  static void activity(String what) {
    activity = what;
  }

  /** The command returned: an exit now is not an interruption. */
  static void finished() {
    quiet = true;
  }
}
