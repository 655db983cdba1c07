package dev.fivefold.cli;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.Module;
import dev.fivefold.train.Checkpoint;
import dev.fivefold.train.Task;
import dev.fivefold.train.TrainObserver;
import dev.fivefold.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes a run safe to stop. A step runs from {@link #trainLoss} (its first call) to
 * {@link #onStep} (its last); a lock is held in between, so the model, the optimizer state and
 * the data position are consistent whenever the lock is free. Checkpoints — periodic ones, the
 * final one, and the one a shutdown hook writes on Ctrl-C or {@code kill} — are written under
 * the lock, atomically (temporary name, then a move), so nothing is half-written. After a stop
 * request the next step does not start. An evaluation and its observers (metrics files) also run
 * under the lock ({@link #evaluate} to {@link #onEval}), and so does the end of the run
 * ({@link #finish}), so the hook never races a file being written.
 */
final class RunGuard implements Task, TrainObserver {
  private final Task task;
  private final Path checkpoint;
  private final Map<String, String> meta;
  private final long every;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile boolean stop;
  private volatile boolean finished;
  private Trainer trainer;
  private long savedStep = -1;
  private Thread hook;

  RunGuard(Task task, Path checkpoint, Map<String, String> meta, long every) {
    this.task = task;
    this.checkpoint = checkpoint;
    this.meta = meta;
    this.every = every;
  }

  void bind(Trainer t) {
    this.trainer = t;
  }

  /** Installs the shutdown hook; {@code onStop} runs (under the lock) after the checkpoint is written. */
  void installHook(PrintStream err, Runnable onStop) {
    hook = new Thread(() -> {
      stop = true;
      try {
        if (!lock.tryLock(60, TimeUnit.SECONDS)) {
          err.println("fivefold: interrupted; the current step did not finish within 60 s, no checkpoint written");
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
      try {
        if (finished) return; // the main thread completed the run
        if (trainer.step() > 0 && trainer.step() != savedStep) saveLocked();
        onStop.run();
        err.println();
        err.println("fivefold: interrupted at step " + trainer.step() + "; checkpoint " + checkpoint
            + " (continue with --resume " + checkpoint + ")");
      } catch (IOException | RuntimeException e) {
        err.println("fivefold: interrupted; could not write the checkpoint: " + Main.oneLine(String.valueOf(e.getMessage())));
      } finally {
        lock.unlock();
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

  /** Writes the final checkpoint and runs {@code rest} (reports) under the lock; a later stop request does nothing. */
  void finish(Ending rest) throws IOException {
    lock.lock();
    try {
      if (stop) throw new Main.Interrupted("interrupted at step " + trainer.step());
      saveLocked();
      rest.run();
      finished = true;
    } finally {
      lock.unlock();
    }
  }

  /** Releases the lock if a failed step left it held by this thread. */
  void release() {
    while (lock.isHeldByCurrentThread()) lock.unlock();
  }

  private void saveLocked() throws IOException {
    Checkpoint.save(checkpoint, trainer, meta);
    savedStep = trainer.step();
  }

  // ---- Task: delegate, marking the start of a step

  @Override
  public Var trainLoss(Tape tape) {
    lock.lock();
    if (stop) {
      lock.unlock();
      throw new Main.Interrupted("interrupted at step " + trainer.step());
    }
    return task.trainLoss(tape);
  }

  @Override
  public Module model() {
    return task.model();
  }

  @Override
  public int unitsPerStep() {
    return task.unitsPerStep();
  }

  @Override
  public String unit() {
    return task.unit();
  }

  @Override
  public long stepsPerEpoch() {
    return task.stepsPerEpoch();
  }

  @Override
  public Map<String, Double> evaluate() {
    lock.lock(); // released by onEval
    return task.evaluate();
  }

  @Override
  public Map<String, String> saveState() {
    return task.saveState();
  }

  @Override
  public void loadState(Map<String, String> state, String source) {
    task.loadState(state, source);
  }

  // ---- TrainObserver: the end of a step or an evaluation (register last)

  @Override
  public void onEval(Eval e) {
    release();
  }

  @Override
  public void onStep(Step s) {
    try {
      if (every > 0 && s.step() % every == 0) saveLocked();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      release();
    }
  }
}
