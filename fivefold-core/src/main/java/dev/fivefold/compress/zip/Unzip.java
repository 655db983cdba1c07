package dev.fivefold.compress.zip;

import dev.fivefold.io.BadInputException;
import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.GptConfig;
import dev.fivefold.perception.LoadedModel;
import dev.fivefold.perception.Models;
import dev.fivefold.data.TextCorpus;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code fivefold unzip}: restores the file of a {@link Zip} archive byte for byte. It rebuilds the
 * predictor from the header, decodes into a temporary file beside the output, checks the CRC32C
 * of the result and only then moves it into place: a corrupt, truncated or foreign archive, a
 * wrong checkpoint or a machine whose SIMD width differs (the network's probabilities would) is a
 * one-line {@link BadInputException}, and no partial output is left behind.
 */
public final class Unzip {
  private Unzip() {}

  /**
   * What to restore, where to, and with which checkpoint.
   *
   * @param archive the .ffx file
   * @param output the file to write
   * @param model the checkpoint of a static-mode archive, else null
   */
  public record Config(Path archive, Path output, Path model) {
    /**
     * Checks the paths.
     *
     * @throws IllegalArgumentException if {@code archive} or {@code output} is null
     */
    public Config {
      if (archive == null) throw new IllegalArgumentException("archive (null) must be a file");
      if (output == null) throw new IllegalArgumentException("output (null) must be a path");
    }
  }

  /**
   * What a decompression did.
   *
   * @param outputBytes bytes restored
   * @param archiveBytes archive size
   * @param seconds wall time
   * @param settings what the archive was coded with
   */
  public record Result(long outputBytes, long archiveBytes, double seconds, ZipSettings settings) {
    /**
     * Decoding speed.
     *
     * @return KiB of output per second of wall time, NaN if no time was measured
     */
    public double kbPerSecond() {
      return seconds > 0 ? outputBytes / 1024.0 / seconds : Double.NaN;
    }
  }

  /**
   * Reads and checks the header of {@code archive} (no decoding).
   *
   * @param archive the .ffx file
   * @return the settings the archive was coded with
   * @throws IOException if the file cannot be read
   * @throws BadInputException if the header is corrupt or foreign
   */
  public static ZipSettings settings(Path archive) throws IOException {
    return header(archive).settings();
  }

  static Header header(Path archive) throws IOException {
    if (Files.isDirectory(archive)) throw new BadInputException(archive + ": is a directory, not an archive");
    if (!Files.isReadable(archive)) throw new NoSuchFileException(archive.toString());
    try (FileChannel ch = FileChannel.open(archive, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer head = ByteBuffer.allocate(Header.SIZE);
      while (head.hasRemaining() && ch.read(head) > 0) {}
      ByteBuffer tail = ByteBuffer.allocate(Header.TRAILER);
      if (size >= Header.TRAILER) {
        long pos = size - Header.TRAILER;
        while (tail.hasRemaining()) {
          int r = ch.read(tail, pos);
          if (r < 0) break;
          pos += r;
        }
      }
      return Header.parse(archive.toString(), head.array(), head.position(), tail.array(), size);
    }
  }

  /**
   * Restores {@code c.output()} from {@code c.archive()}: decodes into a temporary file, checks the CRC32C,
   * then moves it into place.
   *
   * @param c the paths and the static checkpoint
   * @param listener receives progress
   * @return the sizes and timing
   * @throws IOException if a file cannot be read or written
   * @throws BadInputException if the archive is corrupt, truncated or foreign, the checkpoint is missing or
   *     wrong, or the SIMD width differs
   */
  public static Result decompress(Config c, ZipListener listener) throws IOException {
    long t0 = System.nanoTime();
    Path arc = c.archive();
    Header h = header(arc);
    ZipSettings s = h.settings();
    Gpt gpt = null;
    byte[] symbols = null;
    if (s.network()) {
      if (h.vectorLanes() != Zip.lanes()) {
        throw new BadInputException(arc + ": coded with " + h.vectorLanes() + " SIMD float lanes, this JVM has " + Zip.lanes()
            + "; the network's probabilities depend on it: unzip on a machine with " + h.vectorLanes() + " lanes");
      }
      if (h.staticModel()) {
        String want = HexFormat.of().formatHex(h.modelSha256());
        if (c.model() == null) throw new BadInputException(arc + ": coded with a static checkpoint (SHA-256 " + want + "): give it with --model");
        String got = HexFormat.of().formatHex(Zip.sha256(c.model()));
        if (!got.equals(want)) throw new BadInputException(c.model() + ": not the checkpoint " + arc + " was coded with (SHA-256 " + got + ", expected " + want + ")");
        LoadedModel lm = Models.load(c.model());
        gpt = lm.as(Gpt.class, "gpt");
        symbols = Zip.symbols(lm, gpt);
      } else {
        gpt = new Gpt(new GptConfig(256, s.window(), s.layers(), s.heads(), s.width(), 0f), s.seed());
        symbols = TextCorpus.Vocab.bytes().symbols();
      }
    } else if (c.model() != null) {
      throw new BadInputException(arc + ": coded without a network; --model (" + c.model() + ") does not apply");
    }
    Predictor.checkMemory(s, s.segments(), arc.toString(), "raise the heap (FIVEFOLD_HEAP)");
    Path out = c.output().toAbsolutePath();
    Files.createDirectories(out.getParent());
    Path tmp = out.getParent().resolve("." + out.getFileName() + "." + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + ".tmp");
    long n = h.length();
    long payload = Files.size(arc) - Header.SIZE - Header.TRAILER;
    boolean done = false;
    try {
      try (FileChannel wch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
          FileChannel rch = FileChannel.open(arc, StandardOpenOption.READ)) {
        rch.position(Header.SIZE);
        InputStream is = new BufferedInputStream(Channels.newInputStream(rch), 1 << 16);
        Segments seg = new Segments(wch, n, s.segments(), true);
        NetworkModel net = gpt == null ? null : new NetworkModel(gpt, symbols, s.segments(), h.staticModel() ? 0 : s.lr());
        Predictor p = new Predictor(s, seg.starts, seg.segmentLength, net);
        BinaryDecoder dec = new BinaryDecoder(is, payload, arc.toString());
        Predictor.BitCoder io = (bit, pr) -> dec.decode(pr);
        Zip.run(seg, p, new Zip.Curves(n), listener, t0, (sIdx, round) -> seg.write(sIdx, p.codeByte(sIdx, -1, round, io)));
        seg.flush();
        wch.force(true);
      }
      int crc = Zip.crc32c(tmp);
      if (crc != h.crc()) {
        throw new BadInputException(arc + ": corrupt archive (CRC32C of the restored bytes is " + Integer.toHexString(crc) + ", the archive says " + Integer.toHexString(h.crc()) + ")");
      }
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      done = true;
    } finally {
      if (!done) Files.deleteIfExists(tmp);
    }
    return new Result(n, Files.size(arc), (System.nanoTime() - t0) / 1e9, s);
  }
}
