package dev.fivefold.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * An observer that writes the trainer's {@link TrainState} to a {@link Checkpoint} file every
 * {@code every} steps (0: never on the way) and when the run ends — at its planned end or after a
 * {@link Trainer#requestStop()} — unless that step is already written. Each write goes to a
 * temporary name and is moved into place, so the file is always a whole checkpoint. A failed write
 * throws {@link UncheckedIOException} out of {@link Trainer#fit()}.
 */
public final class Checkpointing implements TrainObserver {
  private final Trainer trainer;
  private final Path file;
  private final Map<String, String> meta;
  private final long every;
  private long savedStep = -1;

  /**
   * An observer that writes {@code trainer}'s checkpoints to {@code file}.
   *
   * @param trainer the trainer whose state is saved
   * @param file the checkpoint file
   * @param meta extra metadata for every file (the model spec, the data, ...)
   * @param every the steps between writes; 0 to write only at the end
   * @throws IllegalArgumentException if {@code trainer} or {@code file} is null or {@code every} is negative
   */
  public Checkpointing(Trainer trainer, Path file, Map<String, String> meta, long every) {
    if (trainer == null) throw new IllegalArgumentException("trainer (null) must be given");
    if (file == null) throw new IllegalArgumentException("file (null) must be given");
    if (every < 0) throw new IllegalArgumentException("checkpoint every (" + every + ") must be >= 0");
    this.trainer = trainer;
    this.file = file;
    this.meta = Map.copyOf(meta);
    this.every = every;
  }

  /** {@return the checkpoint file} */
  public Path file() {
    return file;
  }

  /**
   * The step of the last file written (-1: none yet).
   *
   * @return the step, or -1
   */
  public long savedStep() {
    return savedStep;
  }

  /**
   * Writes the checkpoint now.
   *
   * @throws IOException if the file cannot be written
   */
  public void save() throws IOException {
    Checkpoint.save(file, trainer, meta);
    savedStep = trainer.step();
  }

  @Override
  public void onStep(Step s) {
    if (every > 0 && s.step() % every == 0) saveUnchecked();
  }

  @Override
  public void onEnd() {
    if (trainer.step() != savedStep) saveUnchecked();
  }

  private void saveUnchecked() {
    try {
      save();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
