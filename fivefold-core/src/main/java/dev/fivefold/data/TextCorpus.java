package dev.fivefold.data;

import dev.fivefold.io.BadInputException;
import dev.fivefold.io.Heap;
import dev.fivefold.io.InputFiles;
import dev.fivefold.tensor.Rng;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A byte-level text corpus for language models: every byte of a file is one token.
 *
 * <p>Vocabulary: {@link VocabKind#BYTES} uses all 256 byte values (token = byte); {@link
 * VocabKind#COMPACT} (the default) uses only the bytes that occur, sorted, so a model's softmax
 * has no dead outputs (the King James text has 73). The {@link Vocab} maps tokens back to bytes
 * and serialises to a string ({@link Vocab#toMetadata}) to store beside a model so it can decode.
 *
 * <p>The last {@code heldOutFraction} of the tokens (default 10%, rounded) is held out for
 * evaluation; the rest is for training. {@link #sampleBatch} draws random training windows;
 * {@link #heldOutWindows} walks the held-out part so that every held-out token but the first is
 * predicted exactly once (the bits-per-byte of a model).
 *
 * <p>{@link #kingJamesBible()} reads the Authorized (King James) Version from {@code
 * ~/.cache/fivefold/kjv.txt} ({@link #kingJamesBibleCache}), the output of Debian's {@code bible}
 * program (package {@code bible-kjv}): {@code bible -l79 gen1:1-rev22:21} with stdin closed prints
 * the whole text (4,298,239 bytes, ASCII) in its default layout: a blank line, the book and chapter
 * ("Genesis 1"), a blank line, then each verse indented and numbered, wrapped at 79 columns.
 * Nothing is stripped. Running the program is the launcher's job ({@code fivefold}'s {@code
 * Acquire} writes the file on first use); this class only reads it.
 *
 * <p>Errors: an empty file or an unreadable one is a {@link BadInputException} naming it; text
 * bytes outside the vocabulary in {@link #encode} are a {@link BadInputException} naming the
 * byte and its offset; a missing King James file names the path and how to create it.
 */
public final class TextCorpus {
  /** Default held-out fraction, the last 10% of the text. */
  public static final double DEFAULT_HELD_OUT = 0.1;
  /** Largest corpus file, in bytes: one Java array ({@link Heap#MAX_ARRAY}); larger files are refused by size before reading. */
  public static final long MAX_BYTES = Heap.MAX_ARRAY;

  /** Which vocabulary to build. */
  public enum VocabKind {
    /** All 256 byte values; token = unsigned byte. */
    BYTES,
    /** Only the bytes that occur in the text, in increasing order. */
    COMPACT
  }

  /**
   * Token to byte mapping: token {@code t} is byte {@code symbols[t] & 0xFF}.
   *
   * @param symbols distinct bytes in increasing unsigned order (the array is not copied)
   */
  public record Vocab(byte[] symbols) {
    /**
     * Checks the symbols.
     *
     * @throws IllegalArgumentException if there are none, more than 256, or they are not distinct and
     *   increasing
     */
    public Vocab {
      if (symbols.length == 0 || symbols.length > 256) throw new IllegalArgumentException("vocabulary size (" + symbols.length + ") must be in [1, 256]");
      for (int i = 1; i < symbols.length; i++) {
        if ((symbols[i] & 0xFF) <= (symbols[i - 1] & 0xFF)) throw new IllegalArgumentException("symbols must be distinct and increasing; symbol " + i + " is not");
      }
    }

    /**
     * All 256 bytes.
     *
     * @return the 256-symbol vocabulary
     */
    public static Vocab bytes() {
      byte[] s = new byte[256];
      for (int i = 0; i < 256; i++) s[i] = (byte) i;
      return new Vocab(s);
    }

    /**
     * The bytes that occur in {@code text}; a one-symbol vocabulary (byte 0) if it is empty.
     *
     * @param text the text
     * @return its vocabulary
     */
    public static Vocab of(byte[] text) {
      boolean[] seen = new boolean[256];
      for (byte b : text) seen[b & 0xFF] = true;
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int i = 0; i < 256; i++) if (seen[i]) out.write(i);
      return out.size() == 0 ? new Vocab(new byte[1]) : new Vocab(out.toByteArray());
    }

    /** {@return the number of tokens, 1 to 256} */
    public int size() {
      return symbols.length;
    }

    /**
     * The symbols as hex, e.g. {@code "0a2021"}; stores the vocabulary in model metadata.
     *
     * @return the symbols as lowercase hex, two digits per byte
     */
    public String toMetadata() {
      return HexFormat.of().formatHex(symbols);
    }

    /**
     * Parses {@link #toMetadata}; a bad string is a {@link BadInputException}.
     *
     * @param hex a string from {@link #toMetadata}
     * @return the vocabulary it describes
     */
    public static Vocab fromMetadata(String hex) {
      try {
        return new Vocab(HexFormat.of().parseHex(hex));
      } catch (IllegalArgumentException e) {
        throw new BadInputException("vocabulary (\"" + (hex.length() > 40 ? hex.substring(0, 40) + "..." : hex) + "\") is not valid: " + e.getMessage());
      }
    }

    /**
     * Token of each byte; a byte outside the vocabulary is a {@link BadInputException}.
     *
     * @param text the bytes to encode
     * @return one token per byte
     */
    public int[] encode(byte[] text) {
      int[] index = index();
      int[] out = new int[text.length];
      for (int i = 0; i < text.length; i++) {
        out[i] = index[text[i] & 0xFF];
        if (out[i] < 0) {
          throw new BadInputException("text: byte 0x" + HexFormat.of().toHexDigits(text[i]) + " at offset " + i + " is not in the vocabulary of " + size() + " bytes");
        }
      }
      return out;
    }

    /**
     * Tokens of the UTF-8 bytes of {@code text}.
     *
     * @param text the text to encode
     * @return one token per UTF-8 byte
     */
    public int[] encode(String text) {
      return encode(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The bytes of {@code tokens} as UTF-8 (malformed sequences become U+FFFD).
     *
     * @param tokens tokens in [0, {@link #size()})
     * @return the decoded text
     * @throws IllegalArgumentException if a token is outside the vocabulary
     */
    public String decode(int[] tokens) {
      byte[] b = new byte[tokens.length];
      for (int i = 0; i < tokens.length; i++) {
        if (tokens[i] < 0 || tokens[i] >= size()) throw new IllegalArgumentException("token " + i + " (" + tokens[i] + ") is not in [0, " + size() + ")");
        b[i] = symbols[tokens[i]];
      }
      return new String(b, StandardCharsets.UTF_8);
    }

    int[] index() {
      int[] index = new int[256];
      Arrays.fill(index, -1);
      for (int i = 0; i < symbols.length; i++) index[symbols[i] & 0xFF] = i;
      return index;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Vocab v && Arrays.equals(symbols, v.symbols);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(symbols);
    }

    @Override
    public String toString() {
      return "Vocab[" + size() + " symbols]";
    }
  }

  private final String name;
  private final Vocab vocab;
  private final byte[] tokens; // token ids, unsigned
  private final int heldOutStart;

  private TextCorpus(String name, Vocab vocab, byte[] tokens, int heldOutStart) {
    this.name = name;
    this.vocab = vocab;
    this.tokens = tokens;
    this.heldOutStart = heldOutStart;
  }

  /**
   * A corpus of {@code text}.
   *
   * @param name names the corpus in messages
   * @param text the bytes, not empty (the array is not kept)
   * @param kind which vocabulary to build
   * @param heldOutFraction in [0, 1): the last {@code round(fraction · N)} tokens are held out
   * @return the corpus
   * @throws IllegalArgumentException if {@code heldOutFraction} is outside [0, 1)
   * @throws BadInputException if {@code text} is empty
   */
  public static TextCorpus of(String name, byte[] text, VocabKind kind, double heldOutFraction) {
    if (!(heldOutFraction >= 0 && heldOutFraction < 1)) throw new IllegalArgumentException("heldOutFraction (" + heldOutFraction + ") must be in [0, 1)");
    if (text.length == 0) throw new BadInputException(name + ": text is empty");
    Vocab vocab = kind == VocabKind.BYTES ? Vocab.bytes() : Vocab.of(text);
    int[] index = vocab.index();
    byte[] ids = new byte[text.length];
    for (int i = 0; i < text.length; i++) ids[i] = (byte) index[text[i] & 0xFF];
    int held = (int) Math.round(heldOutFraction * text.length);
    return new TextCorpus(name, vocab, ids, text.length - held);
  }

  /**
   * A corpus of tokens already encoded with {@code vocab}: another corpus's {@link #tokens} and
   * {@link #vocab} give it back exactly, without its text (how a cluster's executor rebuilds the
   * corpus the driver read).
   *
   * @param name names the corpus in messages
   * @param vocab the vocabulary the ids index
   * @param ids the token ids of the whole text, each in [0, vocab size), not empty (copied)
   * @param trainSize the first {@code trainSize} tokens are for training, the rest held out; in [1, ids.length]
   * @return the corpus
   * @throws IllegalArgumentException if {@code ids} is empty, an id is outside the vocabulary, or
   *     {@code trainSize} is out of range
   */
  public static TextCorpus ofTokens(String name, Vocab vocab, int[] ids, int trainSize) {
    if (ids.length == 0) throw new IllegalArgumentException(name + ": tokens must not be empty");
    if (trainSize < 1 || trainSize > ids.length) throw new IllegalArgumentException(name + ": train size (" + trainSize + ") must be in [1, " + ids.length + "]");
    byte[] b = new byte[ids.length];
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= vocab.size()) throw new IllegalArgumentException(name + ": token " + i + " (" + ids[i] + ") is outside the vocabulary of " + vocab.size());
      b[i] = (byte) ids[i];
    }
    return new TextCorpus(name, vocab, b, trainSize);
  }

  /**
   * The bytes of {@code file}, compact vocabulary, 10% held out.
   *
   * @param file the text file
   * @return the corpus
   * @throws IOException if the file cannot be read
   */
  public static TextCorpus fromFile(Path file) throws IOException {
    return fromFile(file, VocabKind.COMPACT, DEFAULT_HELD_OUT);
  }

  /**
   * The bytes of {@code file} as a corpus.
   *
   * @param file the text file, at most {@link #MAX_BYTES} bytes
   * @param kind which vocabulary to build
   * @param heldOutFraction in [0, 1): the last {@code round(fraction · N)} tokens are held out
   * @return the corpus
   * @throws IOException if the file cannot be read
   * @throws BadInputException if the file is missing, empty, not regular, or too large
   */
  public static TextCorpus fromFile(Path file, VocabKind kind, double heldOutFraction) throws IOException {
    String f = String.valueOf(file.getFileName());
    try {
      long size = InputFiles.requireRegular(file, "corpus");
      if (size > MAX_BYTES) {
        throw new BadInputException(f + ": " + Heap.gb(size) + " (" + size + " bytes) is larger than a corpus can be ("
            + MAX_BYTES + " bytes, one Java array); use a part of it");
      }
      Heap.require(2 * size, f + ": a corpus of " + size + " bytes (text and token ids)");
      return of(f, Files.readAllBytes(file), kind, heldOutFraction);
    } catch (NoSuchFileException e) {
      throw new BadInputException(f + ": no such file (" + file.toAbsolutePath() + ")", e);
    }
  }

  /**
   * The King James Bible (see the class comment), compact vocabulary, last 10% held out.
   *
   * @return the corpus
   * @throws IOException if the file cannot be read
   */
  public static TextCorpus kingJamesBible() throws IOException {
    return fromFile(kingJamesBibleFile());
  }

  /**
   * The King James text, {@link #kingJamesBibleCache}.
   *
   * @return the path of the text
   * @throws BadInputException naming the path and the command that writes it if it is missing or empty
   * @throws IOException if its size cannot be read
   */
  public static Path kingJamesBibleFile() throws IOException {
    Path cache = kingJamesBibleCache();
    if (Files.isRegularFile(cache) && Files.size(cache) > 0) return cache;
    throw new BadInputException("the King James text is not at " + cache + ": write it there with 'bible -l79 gen1:1-rev22:21 < /dev/null > "
        + cache + "' (Debian package bible-kjv), or let the fivefold command do it");
  }

  /**
   * Where the King James text is kept: {@code ~/.cache/fivefold/kjv.txt}.
   *
   * @return the cache path
   */
  public static Path kingJamesBibleCache() {
    return Path.of(System.getProperty("user.home"), ".cache", "fivefold", "kjv.txt");
  }

  /** {@return the corpus name used in messages (the file name for a file)} */
  public String name() {
    return name;
  }

  /** {@return the token to byte mapping} */
  public Vocab vocab() {
    return vocab;
  }

  /** {@return the number of distinct tokens} */
  public int vocabSize() {
    return vocab.size();
  }

  /**
   * Number of tokens (bytes) in the whole text.
   *
   * @return the token count
   */
  public int size() {
    return tokens.length;
  }

  /**
   * Tokens [0, trainSize) are for training.
   *
   * @return the number of training tokens
   */
  public int trainSize() {
    return heldOutStart;
  }

  /**
   * Tokens [trainSize, size) are held out.
   *
   * @return the number of held-out tokens
   */
  public int heldOutSize() {
    return tokens.length - heldOutStart;
  }

  /**
   * Token {@code i} of the whole text.
   *
   * @param i a position in [0, {@link #size()})
   * @return the token there
   */
  public int token(int i) {
    return tokens[i] & 0xFF;
  }

  /**
   * Tokens [from, to) of the whole text, as a new array.
   *
   * @param from the first position, inclusive
   * @param to the last position, exclusive
   * @return the tokens
   */
  public int[] tokens(int from, int to) {
    int[] out = new int[to - from];
    for (int i = from; i < to; i++) out[i - from] = tokens[i] & 0xFF;
    return out;
  }

  /**
   * Encodes text with this corpus's vocabulary.
   *
   * @param text the text
   * @return one token per UTF-8 byte
   * @throws BadInputException if a byte is outside the vocabulary
   */
  public int[] encode(String text) {
    return vocab.encode(text);
  }

  /**
   * Decodes tokens with this corpus's vocabulary.
   *
   * @param tokens the tokens
   * @return the text, UTF-8 decoded
   */
  public String decode(int[] tokens) {
    return vocab.decode(tokens);
  }

  /**
   * Fills {@code inputs} and {@code targets} ({@code [batch, context]}, row-major) with {@code
   * batch} windows of the training part at uniformly random starts; {@code targets[b, t] =
   * inputs[b, t + 1]} in the text (the next token).
   *
   * @param rng the source of the window starts
   * @param batch the number of windows, positive
   * @param context the window length in tokens, positive
   * @param inputs receives the input tokens, at least {@code batch · context} entries
   * @param targets receives the next tokens, at least {@code batch · context} entries
   * @throws IllegalArgumentException if the arrays are too short or the training part has fewer
   *     than {@code context + 1} tokens
   */
  public void sampleBatch(Rng rng, int batch, int context, int[] inputs, int[] targets) {
    if (batch <= 0 || context <= 0) throw new IllegalArgumentException("batch (" + batch + ") and context (" + context + ") must be > 0");
    if (inputs.length < batch * context || targets.length < batch * context) {
      throw new IllegalArgumentException("inputs (" + inputs.length + ") and targets (" + targets.length + ") need batch*context = " + batch * context + " entries");
    }
    if (heldOutStart < context + 1) throw new IllegalArgumentException("context (" + context + ") needs at least " + (context + 1) + " training tokens, " + name + " has " + heldOutStart);
    int starts = heldOutStart - context; // start + context <= heldOutStart - 1
    for (int b = 0; b < batch; b++) {
      int s = rng.nextInt(starts);
      for (int t = 0; t < context; t++) {
        inputs[b * context + t] = tokens[s + t] & 0xFF;
        targets[b * context + t] = tokens[s + t + 1] & 0xFF;
      }
    }
  }

  /**
   * Held-out windows, up to {@code batch} rows of {@code context} tokens each. Row r of a window
   * has {@code inputs[r·context + t]} and its next token {@code targets[r·context + t]}; only
   * positions {@code t >= scoreFrom[r]} are new predictions (the last row of the walk overlaps the
   * one before so that every row is full). Over the walk, every held-out token but the first is a
   * scored target exactly once: {@code heldOutSize() - 1} predictions. {@code rows} may be less
   * than {@code batch} in the last window. The window's arrays are reused from step to step.
   *
   * @param inputs the input tokens, [batch, context] row-major
   * @param targets the next token of each input, same layout
   * @param rows the number of filled rows, 1 to {@code batch}
   * @param scoreFrom per row, the first position whose target is a new prediction
   */
  public record Window(int[] inputs, int[] targets, int rows, int[] scoreFrom) {}

  /**
   * The sequential walk over the held-out part described at {@link Window}.
   *
   * @param batch the most rows per window, positive
   * @param context tokens per row, positive
   * @return the windows, each reusing the same arrays
   * @throws IllegalArgumentException if {@code batch} or {@code context} is not positive, the held-out part
   *   has fewer than {@code context + 1} tokens, or {@code batch · context} does not fit in an array
   */
  public Iterable<Window> heldOutWindows(int batch, int context) {
    if (batch <= 0 || context <= 0) throw new IllegalArgumentException("batch (" + batch + ") and context (" + context + ") must be > 0");
    int len = heldOutSize();
    if (len < context + 1) throw new IllegalArgumentException("context (" + context + ") needs at least " + (context + 1) + " held-out tokens, " + name + " has " + len);
    int full = (len - 1) / context;
    int rest = len - 1 - full * context;
    int rowsTotal = full + (rest > 0 ? 1 : 0);
    if ((long) batch * context > Heap.MAX_ARRAY) {
      throw new IllegalArgumentException("batch (" + batch + ") × context (" + context + ") must be < 2^31 tokens");
    }
    Heap.require(Heap.times(batch, context, 8), "held-out windows of batch " + batch + " × context " + context);
    return () -> new Iterator<>() {
      final int[] in = new int[batch * context], tg = new int[batch * context], from = new int[batch];
      int row;

      @Override
      public boolean hasNext() {
        return row < rowsTotal;
      }

      @Override
      public Window next() {
        if (!hasNext()) throw new NoSuchElementException();
        int rows = Math.min(batch, rowsTotal - row);
        for (int r = 0; r < rows; r++, row++) {
          boolean tail = row == full;
          int s = heldOutStart + (tail ? len - 1 - context : row * context);
          from[r] = tail ? context - rest : 0;
          for (int t = 0; t < context; t++) {
            in[r * context + t] = tokens[s + t] & 0xFF;
            tg[r * context + t] = tokens[s + t + 1] & 0xFF;
          }
        }
        return new Window(in, tg, rows, from);
      }
    };
  }

  @Override
  public String toString() {
    return "TextCorpus[" + name + ", " + size() + " bytes, vocabulary " + vocabSize() + ", held out " + heldOutSize() + "]";
  }
}
