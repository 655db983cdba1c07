package dev.fivefold.io;

/**
 * Bad input from a user: a corrupt or truncated file, a wrong shape, an out-of-range value.
 *
 * <p>The message is one line that names the thing (file, field, flag) and the offending value,
 * e.g. {@code "train-images.gz: magic (0x00000802) is not an IDX image file (0x00000803)"}. The CLI
 * prints it without a stack trace and exits non-zero.
 */
public class BadInputException extends RuntimeException {
  /**
   * An exception with a one-line message naming the input and the offending value.
   * @param message the message
   */
  public BadInputException(String message) {
    super(message);
  }

  /**
   * An exception with a one-line message and the exception that revealed the bad input.
   * @param message the message
   * @param cause the underlying exception (e.g. a {@link java.nio.file.NoSuchFileException})
   */
  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
