package dev.fivefold.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Checks on a file before it is opened for reading. Opening a FIFO blocks until a writer appears
 * (forever, if none does), a directory cannot be read as bytes, and a device may never end; so
 * every reader of a user-named file (checkpoint, safetensors, IDX, archive, corpus) asks
 * {@link #requireRegular} first. The check reads the file's attributes only, so it never blocks.
 */
public final class InputFiles {
  private InputFiles() {}

  /**
   * Returns the size of {@code file} if it is a regular file (symbolic links followed).
   * @param file the file
   * @param what names the file's role in the message, e.g. "checkpoint", "corpus"
   * @return the file's size in bytes
   * @throws NoSuchFileException if it does not exist (callers keep their own wording for it)
   * @throws BadInputException if it is a directory, FIFO, socket or device: {@code "<what> (<file>) is a
   *     FIFO, not a regular file"}
   * @throws IOException if its attributes cannot be read
   */
  public static long requireRegular(Path file, String what) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    if (a.isRegularFile()) return a.size();
    throw new BadInputException(what + " (" + file + ") is " + kind(file, a) + ", not a regular file");
  }

  private static String kind(Path file, BasicFileAttributes a) {
    if (a.isDirectory()) return "a directory";
    try {
      Object mode = Files.getAttribute(file, "unix:mode");
      if (mode instanceof Integer m) {
        switch (m & 0170000) {
          case 0010000 -> {
            return "a FIFO (named pipe)";
          }
          case 0140000 -> {
            return "a socket";
          }
          case 0020000, 0060000 -> {
            return "a device";
          }
          default -> {
          }
        }
      }
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      // no unix view: fall through
    }
    return "a special file";
  }
}
