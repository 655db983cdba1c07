package dev.fivefold.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a run folder, so that two runs writing the same folder (checkpoint,
 * {@code steps.csv}, {@code metrics.json}) cannot both proceed with the last writer silently
 * winning.
 *
 * <p>The lock is the operating system's lock ({@link FileChannel#tryLock}) on {@value #FILE} in the
 * folder, which holds the owner's process id for the message. The operating system releases it when
 * the owner exits, however it exits (even SIGKILL), so a lock file left behind by a dead process is
 * stale by construction: it is taken over, and {@link #previousOwner} says whose it was. A second
 * holder in the same JVM is refused too. The lock file is deleted when the run ends.
 */
public final class RunLock implements AutoCloseable {
  /** The lock file's name inside the run folder. */
  public static final String FILE = ".fivefold.lock";

  private final Path dir;
  private final FileChannel channel;
  private final FileLock lock;
  private final long previousOwner;

  private RunLock(Path dir, FileChannel channel, FileLock lock, long previousOwner) {
    this.dir = dir;
    this.channel = channel;
    this.lock = lock;
    this.previousOwner = previousOwner;
  }

  /**
   * Creates {@code dir} if needed and locks it.
   * @param dir the run folder
   * @return the held lock; close it when the run ends
   * @throws BadInputException {@code "run folder R is in use by process 1234 (R/.fivefold.lock); wait for it
   *     to finish or choose another --out"}, if another process (or this one) holds it, or if {@code dir}
   *     exists and is not a directory
   * @throws IOException if the folder or the lock file cannot be created or written
   */
  public static RunLock acquire(Path dir) throws IOException {
    if (Files.exists(dir) && !Files.isDirectory(dir)) throw new BadInputException("run folder " + dir + " exists and is not a directory");
    Files.createDirectories(dir);
    for (int attempt = 0; ; attempt++) {
      RunLock l = tryAcquire(dir, dir.resolve(FILE));
      if (l != null || attempt == 3) {
        if (l == null) throw new BadInputException("run folder " + dir + ": cannot lock " + dir.resolve(FILE) + " (it keeps disappearing)");
        return l;
      }
    }
  }

  /** The lock, or null if the file was deleted by its previous owner between open and lock. */
  private static RunLock tryAcquire(Path dir, Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    long owner = owner(ch);
    if (l == null) {
      ch.close();
      throw new BadInputException("run folder " + dir + " is in use by process " + (owner > 0 ? owner : "(unknown)") + " ("
          + file + "); wait for it to finish or choose another --out");
    }
    if (!Files.exists(file)) { // released and deleted by its owner while we opened it: lock a new file
      l.release();
      ch.close();
      return null;
    }
    try {
      ch.truncate(0);
      ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      ch.force(false);
    } catch (IOException e) {
      l.release();
      ch.close();
      throw e;
    }
    return new RunLock(dir, ch, l, owner);
  }

  /**
   * The folder this lock holds.
   * @return the run folder
   */
  public Path dir() {
    return dir;
  }

  /**
   * The process id found in a stale lock file that was taken over, or 0 if there was none.
   * @return a process id, or 0
   */
  public long previousOwner() {
    return previousOwner == ProcessHandle.current().pid() ? 0 : previousOwner;
  }

  /**
   * Deletes the lock file and releases the lock (idempotent). A process waiting on the deleted file
   * notices that it is gone and opens a new one ({@link #acquire}). A lock file left in a folder
   * means its run was killed; it is taken over by the next run.
   */
  @Override
  public void close() throws IOException {
    if (!channel.isOpen()) return;
    try {
      Files.deleteIfExists(dir.resolve(FILE));
      lock.release();
    } finally {
      channel.close();
    }
  }

  private static long owner(FileChannel ch) {
    try {
      ByteBuffer b = ByteBuffer.allocate(32);
      ch.read(b, 0);
      String s = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
      return s.isEmpty() ? 0 : Long.parseLong(s);
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }
}
