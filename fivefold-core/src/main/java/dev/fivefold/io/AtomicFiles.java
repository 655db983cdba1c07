package dev.fivefold.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that a reader sees either the old file or the complete new one, never a partial
 * file.
 *
 * <p>The body writes to a temporary file {@code .<name>.<random>.tmp} in the target's directory
 * (created if missing); the data is forced to disk, then the temporary file is moved onto the
 * target with {@link StandardCopyOption#ATOMIC_MOVE} and {@link
 * StandardCopyOption#REPLACE_EXISTING}. If the body or any step throws (including an {@link
 * Error}), the temporary file is deleted and the exception propagates; the target is untouched.
 * On a file system without atomic rename the move fails with {@link
 * java.nio.file.AtomicMoveNotSupportedException} rather than falling back to a non-atomic copy.
 *
 * <p>The stream given to the body is buffered; closing it is allowed and has no effect (the
 * caller closes the file).
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /**
   * Like {@link java.util.function.Consumer}, but may throw {@link IOException}.
   * @param <T> the type of the value consumed
   */
  @FunctionalInterface
  public interface IoConsumer<T> {
    /**
     * Consumes {@code t}.
     * @param t the value
     * @throws IOException if writing or reading fails
     */
    void accept(T t) throws IOException;
  }

  /**
   * Writes {@code target} with the bytes {@code body} writes to the stream.
   * @param target the file to create or replace; its parent directories are created
   * @param body writes the content to the stream it is given
   * @throws IOException if the body or the file system fails (the target is then untouched), including {@link
   *     java.nio.file.AtomicMoveNotSupportedException}
   */
  public static void write(Path target, IoConsumer<OutputStream> body) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Files.createDirectories(dir);
    String suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    Path tmp = dir.resolve("." + abs.getFileName() + "." + suffix + ".tmp");
    boolean done = false;
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        OutputStream raw = Channels.newOutputStream(ch);
        BufferedOutputStream buf = new BufferedOutputStream(raw, 1 << 16);
        body.accept(new FilterOutputStream(buf) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
          }

          @Override
          public void close() throws IOException {
            out.flush();
          }
        });
        buf.flush();
        ch.force(true);
      }
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      done = true;
    } finally {
      if (!done) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException suppressed) {
          // the original failure matters more
        }
      }
    }
  }

  /**
   * Writes {@code bytes} to {@code target} atomically.
   * @param target the file to create or replace
   * @param bytes the content
   * @throws IOException if the file system fails (the target is then untouched)
   */
  public static void writeBytes(Path target, byte[] bytes) throws IOException {
    write(target, out -> out.write(bytes));
  }

  /**
   * Writes {@code text} as UTF-8 to {@code target} atomically.
   * @param target the file to create or replace
   * @param text the content
   * @throws IOException if the file system fails (the target is then untouched)
   */
  public static void writeString(Path target, String text) throws IOException {
    writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
  }
}
