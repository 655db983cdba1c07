package dev.fivefold.cli;

import dev.fivefold.train.Checkpointing;
import dev.fivefold.train.TrainObserver;
import dev.fivefold.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Makes a run safe to stop, with the library's pieces: a {@link Checkpointing} observer writes the
 * checkpoint every {@code every} steps and at the end (atomically: a temporary name, then a
 * move), and on Ctrl-C or {@code kill} a shutdown hook calls {@link Trainer#requestStop()} and
 * waits: the step under way finishes, {@code fit()} returns and the checkpoint is written on the
 * main thread, which then ({@link #finish}) writes the reports, says where the checkpoint is and
 * lets the hook — and the JVM — end. Nothing races a file being written, because only the main
 * thread writes.
 */
final class RunGuard implements TrainObserver {
  private final Path checkpoint;
  private final Map<String, String> meta;
  private final long every;
  private final CountDownLatch done = new CountDownLatch(1);
  private Trainer trainer;
  private Checkpointing writer;
  private Thread hook;
  private PrintStream err;
  private Runnable onStop = () -> {};

  RunGuard(Path checkpoint, Map<String, String> meta, long every) {
    this.checkpoint = checkpoint;
    this.meta = meta;
    this.every = every;
  }

  void bind(Trainer t) {
    this.trainer = t;
    this.writer = new Checkpointing(t, checkpoint, meta, every);
  }

  /** Installs the shutdown hook; {@code onStop} runs on the main thread after an interrupted run's checkpoint is written. */
  void installHook(PrintStream err, Runnable onStop) {
    this.err = err;
    this.onStop = onStop;
    hook = new Thread(() -> {
      trainer.requestStop();
      try {
        if (!done.await(60, TimeUnit.SECONDS)) {
          err.println("fivefold: interrupted; the current step did not finish within 60 s, no checkpoint written");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "fivefold-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  void removeHook() {
    if (hook == null) return;
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
    hook = null;
  }

  /** Something to do at the end of a run. */
  interface Ending {
    void run() throws IOException;
  }

  /**
   * After {@code fit()} returned (the checkpoint written): runs {@code rest} (reports), or, when
   * the run was stopped, the hook's {@code onStop}, says where the checkpoint is and throws
   * {@link Main.Interrupted}. Then lets the shutdown hook end.
   */
  void finish(Ending rest) throws IOException {
    try {
      if (trainer.stopped()) {
        onStop.run();
        err.println();
        err.println("fivefold: interrupted at step " + trainer.step() + "; checkpoint " + checkpoint
            + " (continue with --resume " + checkpoint + ")");
        throw new Main.Interrupted("interrupted at step " + trainer.step());
      }
      rest.run();
    } finally {
      done.countDown();
    }
  }

  /**
   * The run failed with {@code e}: when the trainer is between steps (the failure came in an
   * evaluation or an observer, e.g. out of memory while evaluating) and has trained past the last
   * checkpoint, writes the checkpoint of the last completed step so that nothing is lost, and says so
   * on the error stream. A failure inside a step writes nothing (its state is half-updated).
   */
  void rescue(Throwable e) {
    if (trainer == null || writer == null || !trainer.betweenSteps() || trainer.step() == 0 || trainer.step() == writer.savedStep()) return;
    try {
      writer.save();
      if (err != null) {
        err.println("fivefold: the run failed after step " + trainer.step() + "; its checkpoint " + checkpoint
            + " is saved (continue with --resume " + checkpoint + ")");
      }
    } catch (IOException | RuntimeException | OutOfMemoryError x) {
      e.addSuppressed(x);
    }
  }

  /** The run failed: lets a waiting shutdown hook end. */
  void release() {
    done.countDown();
  }

  // ---- TrainObserver: the checkpoints (register last, after the metrics)

  @Override
  public void onStep(Step s) {
    writer.onStep(s);
  }

  @Override
  public void onEnd() {
    writer.onEnd();
  }
}
