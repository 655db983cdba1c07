package dev.fivefold.compress.zip;

import dev.fivefold.data.TextCorpus;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.io.BadInputException;
import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.GptConfig;
import dev.fivefold.perception.LoadedModel;
import dev.fivefold.perception.Models;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.zip.CRC32C;
import jdk.incubator.vector.FloatVector;

/**
 * {@code fivefold zip}: lossless compression of any file by a predictor that learns as it codes
 * (see {@link Predictor}, {@link NetworkModel}), into an {@code .ffx} archive ({@link Header}).
 *
 * <p>Online mode (the default, as NNCP): the GPT starts from the seeded initialisation and is
 * trained on the text as it is coded; the decoder repeats every step, so no model is shipped.
 * Static mode ({@code model} set): a trained checkpoint codes without learning; the archive holds
 * its SHA-256 and {@link Unzip} refuses another checkpoint.
 *
 * <p>The input is read twice, sequentially for its CRC32C and then in rounds over B segments,
 * through bounded buffers; the archive is written to a temporary file and moved into place.
 */
public final class Zip {
  private Zip() {}

  /**
   * What to compress, where to, and how.
   *
   * @param input the file to compress
   * @param output the archive to write
   * @param settings what to code with
   * @param model a trained GPT checkpoint for static mode, or null (online)
   */
  public record Config(Path input, Path output, ZipSettings settings, Path model) {
    /**
     * Validates the paths and settings.
     *
     * @throws IllegalArgumentException if {@code input}, {@code output} or {@code settings} is null, or a
     *     model is given with the network off
     */
    public Config {
      if (input == null) throw new IllegalArgumentException("input (null) must be a file");
      if (output == null) throw new IllegalArgumentException("output (null) must be a path");
      if (settings == null) throw new IllegalArgumentException("settings (null) must be given");
      if (model != null && !settings.network()) throw new IllegalArgumentException("model (" + model + ") needs the network on");
    }
  }

  /**
   * What a compression did.
   *
   * @param inputBytes original size
   * @param archiveBytes archive size (header, payload, trailer)
   * @param bitsPerByte archive bits per original byte (8·archive/input; 0 for an empty input)
   * @param seconds wall time
   * @param contextOnlyBitsPerByte what the context models alone would have cost (NaN if not measured)
   * @param networkOnlyBitsPerByte what the network alone would have cost (NaN without a network)
   * @param trainSteps training steps of the online network
   * @param parameters parameters of the network (0 without one)
   * @param curve bits per byte against position
   */
  public record Result(long inputBytes, long archiveBytes, double bitsPerByte, double seconds, double contextOnlyBitsPerByte,
      double networkOnlyBitsPerByte, long trainSteps, long parameters, CodingCurve curve) {
    /**
     * Coding speed.
     *
     * @return KiB of input per second of wall time, NaN if no time was measured
     */
    public double kbPerSecond() {
      return seconds > 0 ? inputBytes / 1024.0 / seconds : Double.NaN;
    }
  }

  /**
   * Compresses {@code c.input()} into {@code c.output()}.
   *
   * @param c the paths and settings
   * @param listener receives progress
   * @return the sizes, rate, timing and coding curve
   * @throws IOException if a file cannot be read or written
   * @throws BadInputException if the input is a directory or the output is the input, or the checkpoint is
   *     not a GPT
   */
  public static Result compress(Config c, ZipListener listener) throws IOException {
    long t0 = System.nanoTime();
    Path in = c.input();
    if (Files.isDirectory(in)) throw new BadInputException(in + ": is a directory, not a file");
    if (!Files.isReadable(in)) throw new NoSuchFileException(in.toString());
    if (Files.exists(c.output()) && Files.isSameFile(in, c.output())) throw new BadInputException(c.output() + ": is the input file; choose another output");
    long n = Files.size(in);
    int crc = crc32c(in);
    ZipSettings s = c.settings();
    byte[] sha = new byte[32];
    Gpt gpt = null;
    byte[] symbols = null;
    if (s.network()) {
      if (c.model() != null) {
        sha = sha256(c.model());
        LoadedModel lm = Models.load(c.model());
        gpt = lm.as(Gpt.class, "gpt");
        symbols = symbols(lm, gpt);
        GptConfig g = gpt.config();
        s = new ZipSettings(true, s.context(), s.segments(), g.layers(), g.heads(), g.width(), g.context(), s.lr(), s.seed(), s.tableBits());
      } else {
        gpt = new Gpt(new GptConfig(256, s.window(), s.layers(), s.heads(), s.width(), 0f), s.seed());
        symbols = TextCorpus.Vocab.bytes().symbols();
      }
    }
    Predictor.checkMemory(s, s.segments(), in.toString(), "lower --table-bits or raise the heap (FIVEFOLD_HEAP)");
    Header header = new Header(s, c.model() != null, s.network() ? lanes() : 0, sha, n, crc);
    final ZipSettings settings = s;
    final Gpt model = gpt;
    final byte[] syms = symbols;
    Result[] result = new Result[1];
    AtomicFiles.write(c.output(), raw -> {
      raw.write(header.bytes());
      CountingStream out = new CountingStream(raw);
      try (FileChannel ch = FileChannel.open(in, StandardOpenOption.READ)) {
        Segments seg = new Segments(ch, n, settings.segments(), false);
        NetworkModel net = model == null ? null : new NetworkModel(model, syms, settings.segments(), c.model() != null ? 0 : settings.lr());
        Predictor p = new Predictor(settings, seg.starts, seg.segmentLength, net);
        BinaryEncoder enc = new BinaryEncoder(out);
        Predictor.BitCoder io = (bit, pr) -> {
          enc.encode(bit, pr);
          return bit;
        };
        Curves curves = new Curves(n);
        run(seg, p, curves, listener, t0, (sIdx, round) -> p.codeByte(sIdx, seg.read(sIdx), round, io));
        enc.finish();
        out.flush();
        raw.write(Header.trailer(out.count));
        long archive = Header.SIZE + out.count + Header.TRAILER;
        double secs = (System.nanoTime() - t0) / 1e9;
        result[0] = new Result(n, archive, n == 0 ? 0 : 8.0 * archive / n, secs, n == 0 ? 0 : p.contextBits() / n,
            n == 0 || net == null ? Double.NaN : p.networkBits() / n, net == null ? 0 : net.steps(),
            model == null ? 0 : model.parameterCount(), curves.curve());
      }
    });
    return result[0];
  }

  /** One byte of segment s in round r. */
  interface ByteStep {
    void run(int s, long round) throws IOException;
  }

  /** The rounds over the segments, the progress calls and the curve: the same for both directions. */
  static void run(Segments seg, Predictor p, Curves curves, ZipListener listener, long t0, ByteStep step) throws IOException {
    int b = seg.starts.length;
    boolean[] active = new boolean[b];
    long done = 0, next = 1 << 16;
    for (long r = 0, rounds = seg.rounds(); r < rounds; r++) {
      for (int s = 0; s < b; s++) {
        active[s] = seg.has(s, r);
        if (!active[s]) continue;
        step.run(s, r);
        done++;
        curves.add(done, p);
      }
      p.roundEnd(r, active);
      if (done >= next) {
        next = done + (1 << 16);
        listener.progress(done, seg.length, p.bits(), (System.nanoTime() - t0) / 1e9);
      }
    }
    listener.progress(done, seg.length, p.bits(), (System.nanoTime() - t0) / 1e9);
  }

  /** The byte of each token of a loaded GPT: its vocabulary, or all 256 bytes for a vocab-256 model without one. */
  static byte[] symbols(LoadedModel lm, Gpt gpt) {
    if (lm.meta().get("vocab") == null) {
      if (gpt.config().vocab() < 256) throw new BadInputException(lm.file() + ": no 'vocab' in the metadata and vocab " + gpt.config().vocab() + " < 256");
      return TextCorpus.Vocab.bytes().symbols();
    }
    return lm.vocab().symbols();
  }

  /** SIMD float lanes of this JVM (the network's kernels depend on it). */
  static int lanes() {
    return FloatVector.SPECIES_PREFERRED.length();
  }

  static int crc32c(Path file) throws IOException {
    CRC32C c = new CRC32C();
    byte[] buf = new byte[1 << 16];
    try (InputStream is = Files.newInputStream(file)) {
      for (int r; (r = is.read(buf)) > 0; ) c.update(buf, 0, r);
    }
    return (int) c.getValue();
  }

  static byte[] sha256(Path file) throws IOException {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      try (InputStream is = Files.newInputStream(file)) {
        for (int r; (r = is.read(buf)) > 0; ) d.update(buf, 0, r);
      }
      return d.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Counts the payload bytes on their way out. */
  static final class CountingStream extends BufferedOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out, 1 << 16);
    }

    @Override
    public void write(int b) throws IOException {
      super.write(b);
      count++;
    }
  }

  /** Accumulates the curve: one point per {@code max(1024, n/200)} bytes. */
  static final class Curves {
    private final long chunk, total;
    private final double[] mixed, ctx, net;
    private double lastBits, lastCtx, lastNet;
    private int i;

    Curves(long n) {
      total = n;
      chunk = Math.max(1024, (n + 199) / 200);
      int k = (int) ((n + chunk - 1) / chunk);
      mixed = new double[k];
      ctx = new double[k];
      net = new double[k];
    }

    void add(long done, Predictor p) {
      if (done % chunk != 0 && done != total) return;
      long bytes = done - (long) i * chunk;
      double b = p.bits(), cb = p.contextBits(), nb = p.networkBits();
      mixed[i] = (b - lastBits) / bytes;
      ctx[i] = (cb - lastCtx) / bytes;
      net[i] = (nb - lastNet) / bytes;
      lastBits = b;
      lastCtx = cb;
      lastNet = nb;
      i++;
    }

    CodingCurve curve() {
      return new CodingCurve(chunk, java.util.Arrays.copyOf(mixed, i), java.util.Arrays.copyOf(ctx, i), java.util.Arrays.copyOf(net, i));
    }
  }
}
