package dev.fivefold.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fivefold.data.Idx;
import dev.fivefold.data.TextCorpus;
import dev.fivefold.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded, bounded fuzzing of every file parser of the core: safetensors, IDX (plain and gzip),
 * JSON and text corpora. Each case is a small valid file truncated at every offset, or with random
 * bits flipped, or with hostile sizes and counts. A case passes if the parser returns or throws
 * {@link BadInputException} / {@link IllegalArgumentException} with a one-line message, raises no
 * {@link Error}, leaves no temporary file, and finishes within {@link #CASE_MS}. The heap budget
 * is capped ({@link Heap#LIMIT_PROPERTY}, 256 MB) so hostile sizes are refused, not attempted.
 */
class FuzzTest {
  static final long CASE_MS = 2_000;
  static final long SEED = 20;
  @TempDir static Path tmp;
  static int cases;

  @BeforeAll
  static void capHeap() {
    System.setProperty(Heap.LIMIT_PROPERTY, Long.toString(256L << 20));
  }

  @AfterAll
  static void uncapHeap() throws IOException {
    System.clearProperty(Heap.LIMIT_PROPERTY);
    System.out.println("FuzzTest: " + cases + " cases");
  }

  interface Parser {
    void parse(Path file) throws Exception;
  }

  /** Runs one case: the parser on {@code bytes} written to a file, checked as the class comment says. */
  static void fuzz(String what, byte[] bytes, Parser p) throws IOException {
    Path dir = Files.createTempDirectory(tmp, "case");
    Path f = dir.resolve("input.bin");
    Files.write(f, bytes);
    check(what, f, p);
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> left = s.filter(x -> !x.equals(f)).toList();
      assertTrue(left.isEmpty(), what + ": files left behind: " + left);
    }
    Files.delete(f);
    Files.delete(dir);
  }

  static void check(String what, Path f, Parser p) {
    cases++;
    long t0 = System.nanoTime();
    try {
      p.parse(f);
    } catch (BadInputException | IllegalArgumentException e) {
      String m = e.getMessage();
      assertTrue(m != null && !m.isBlank() && !m.contains("\n"), what + ": message not one line: " + m);
    } catch (Throwable t) {
      fail(what + ": " + t, t);
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms <= CASE_MS, what + ": took " + ms + " ms");
  }

  /** Every truncation, then {@code flips} random single- and multi-bit corruptions. */
  static void mutate(String what, byte[] valid, int flips, Parser p) throws IOException {
    for (int n = 0; n < valid.length; n++) fuzz(what + " truncated to " + n, java.util.Arrays.copyOf(valid, n), p);
    Random r = new Random(SEED);
    for (int i = 0; i < flips; i++) {
      byte[] b = valid.clone();
      int k = 1 + r.nextInt(4);
      for (int j = 0; j < k; j++) b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
      fuzz(what + " flip " + i, b, p);
    }
  }

  static byte[] safetensors() throws IOException {
    Map<String, Tensor> t = new LinkedHashMap<>();
    t.put("w", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
    t.put("b", Tensor.of(new float[] {0.5f, -1}, 2));
    Path f = tmp.resolve("valid.safetensors");
    SafeTensors.write(f, t, Map.of("model", "mlp:3-2"));
    return Files.readAllBytes(f);
  }

  @Test
  void safetensorsTruncatedAndFlipped() throws IOException {
    mutate("safetensors", safetensors(), 400, SafeTensors::read);
  }

  /** Header length, shapes and offsets set to hostile values. */
  @Test
  void safetensorsHostileSizes() throws IOException {
    String[] headers = {
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2147483639],\"data_offsets\":[0,8589934556]}}",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[65536,32768],\"data_offsets\":[0,8589934592]}}",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,9223372036854775807]}}",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[9223372036854775807],\"data_offsets\":[0,4]}}",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}",
        "{\"w\":{\"dtype\":\"X9\",\"shape\":[1],\"data_offsets\":[0,4]}}",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}}",
        "{\"__metadata__\":{\"a\":1}}",
        "[1,2,3]",
        "{\"w\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}",
    };
    for (String h : headers) {
      byte[] json = h.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      long n = json.length;
      for (int i = 0; i < 8; i++) b.write((int) (n >>> (8 * i)));
      b.write(json);
      b.write(new byte[16]);
      fuzz("safetensors header " + h.substring(0, Math.min(80, h.length())), b.toByteArray(), SafeTensors::read);
    }
    for (long claim : new long[] {-1, Long.MAX_VALUE, 1L << 62, 100_000_001, 9}) {
      byte[] b = new byte[16];
      for (int i = 0; i < 8; i++) b[i] = (byte) (claim >>> (8 * i));
      fuzz("safetensors header length " + claim, b, SafeTensors::read);
    }
  }

  /** A sparse 8.6 GB file with one 2^31−9-element tensor is refused by the heap check, not by an OutOfMemoryError. */
  @Test
  void safetensorsLargerThanTheHeapIsRefusedBeforeAllocating() throws IOException {
    long elems = Integer.MAX_VALUE - 8;
    String h = "{\"w\":{\"dtype\":\"F32\",\"shape\":[" + elems + "],\"data_offsets\":[0," + 4 * elems + "]}}";
    h += " ".repeat((8 - h.length() % 8) % 8);
    Path f = tmp.resolve("sparse.safetensors");
    try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
      var b = java.nio.ByteBuffer.allocate(8 + h.length()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      b.putLong(h.length()).put(h.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).flip();
      ch.write(b);
      ch.write(java.nio.ByteBuffer.wrap(new byte[4]), 8 + h.length() + 4 * elems - 4); // sparse
    }
    var e = org.junit.jupiter.api.Assertions.assertThrows(BadInputException.class, () -> SafeTensors.read(f));
    assertTrue(e.getMessage().contains("Java heap") && e.getMessage().contains(Heap.ENV), e.getMessage());
    Files.delete(f);
  }

  /** 300,000 empty tensors: reading is linear in the file (it allocated 1 MB per tensor: minutes). */
  @Test
  void safetensorsWithManyEmptyTensorsIsReadInLinearTime() throws IOException {
    Map<String, Tensor> t = new LinkedHashMap<>();
    for (int i = 0; i < 300_000; i++) t.put("t" + i, Tensor.zeros(0));
    Path f = tmp.resolve("many.safetensors");
    SafeTensors.write(f, t, Map.of());
    long t0 = System.nanoTime();
    assertEquals(300_000, SafeTensors.read(f).tensors().size());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms < 10_000, "300,000 empty tensors took " + ms + " ms");
    Files.delete(f);
  }

  static byte[] idx(boolean gzip) throws IOException {
    byte[] px = new byte[3 * 4 * 5];
    new Random(SEED).nextBytes(px);
    Path f = tmp.resolve(gzip ? "valid.idx.gz" : "valid.idx");
    new Idx(new int[] {3, 4, 5}, px).write(f, gzip);
    return Files.readAllBytes(f);
  }

  @Test
  void idxTruncatedAndFlipped() throws IOException {
    mutate("idx", idx(false), 300, Idx::read);
    mutate("idx.gz", idx(true), 300, Idx::read);
  }

  /** A gzip bomb: 100 MB of zeros in 100 KB, more than the (capped) heap: refused at the header. */
  @Test
  void idxGzipBombIsRefusedBeforeExpanding() throws IOException {
    int n = 127_551; // × 28 × 28 = 100 MB
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
      gz.write(new byte[] {0, 0, 8, 3, (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n, 0, 0, 0, 28, 0, 0, 0, 28});
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 100; i++) gz.write(zeros);
    }
    System.setProperty(Heap.LIMIT_PROPERTY, Long.toString(64L << 20));
    try {
      Path f = tmp.resolve("bomb.idx.gz");
      Files.write(f, b.toByteArray());
      var e = org.junit.jupiter.api.Assertions.assertThrows(BadInputException.class, () -> Idx.read(f));
      assertTrue(e.getMessage().contains("Java heap") && e.getMessage().contains("[127551, 28, 28]"), e.getMessage());
    } finally {
      System.setProperty(Heap.LIMIT_PROPERTY, Long.toString(256L << 20));
    }
  }

  /** Counts that claim more than the stream holds fail as truncated without allocating the claim. */
  @Test
  void idxHostileCounts() throws IOException {
    int[][] dims = {{Integer.MAX_VALUE}, {65536, 32768}, {46340, 46340}, {1 << 20, 28, 28}, {0}, {-1}, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}};
    for (boolean gzip : new boolean[] {false, true}) {
      for (int[] d : dims) {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.write(new byte[] {0, 0, 8, (byte) d.length});
        for (int v : d) raw.write(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
        raw.write(new byte[100]);
        byte[] bytes = raw.toByteArray();
        if (gzip) {
          ByteArrayOutputStream z = new ByteArrayOutputStream();
          try (GZIPOutputStream gz = new GZIPOutputStream(z)) {
            gz.write(bytes);
          }
          bytes = z.toByteArray();
        }
        fuzz("idx dims " + java.util.Arrays.toString(d) + (gzip ? " gzip" : ""), bytes, Idx::read);
      }
    }
  }

  @Test
  void jsonTruncatedFlippedAndDeep() throws IOException {
    String valid = "{\"a\": [1, 2.5e3, -0.0, true, false, null], \"b\": {\"c\": \"d\\u00e9\\n\"}, \"e\": \"\"}";
    Parser p = f -> Json.parse(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1), "j");
    mutate("json", valid.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 300, p);
    for (String s : new String[] {"[".repeat(5_000_000), "{\"a\":".repeat(1_000_000), "\"" + "\\u".repeat(100), "1e999999999", "-", "[1,]", "{\"a\" 1}", "\u0000"}) {
      fuzz("json " + s.substring(0, Math.min(20, s.length())), s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), p);
    }
  }

  @Test
  void textCorpusBytesAndSizes() throws IOException {
    Random r = new Random(SEED);
    for (int i = 0; i < 50; i++) {
      byte[] b = new byte[r.nextInt(64)];
      r.nextBytes(b);
      fuzz("corpus random " + b.length, b, f -> TextCorpus.fromFile(f).heldOutWindows(1 + r.nextInt(4), 1 + r.nextInt(8)));
    }
    fuzz("corpus huge windows", "abcdefghijklmnopqrstuvwxyz".repeat(10).getBytes(), f -> TextCorpus.fromFile(f).heldOutWindows(Integer.MAX_VALUE, 2));
  }

  /** A 3 GB corpus (sparse) is refused by its size before reading ("Required array size too large" before issue 20). */
  @Test
  void aCorpusLargerThanAnArrayIsRefusedBySize() throws IOException {
    Path f = tmp.resolve("huge.txt");
    try (var raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(3L << 30);
    }
    var e = org.junit.jupiter.api.Assertions.assertThrows(BadInputException.class, () -> TextCorpus.fromFile(f));
    assertTrue(e.getMessage().contains("3.0 GB") && e.getMessage().contains("larger than a corpus can be"), e.getMessage());
    Files.delete(f);
    Path g = tmp.resolve("big.txt"); // fits an array, not the (capped) heap
    try (var raf = new java.io.RandomAccessFile(g.toFile(), "rw")) {
      raf.setLength(1L << 30);
    }
    e = org.junit.jupiter.api.Assertions.assertThrows(BadInputException.class, () -> TextCorpus.fromFile(g));
    assertTrue(e.getMessage().contains("Java heap"), e.getMessage());
    Files.delete(g);
  }

  /** FIFOs, directories and devices are refused before they are opened (opening a FIFO blocks forever). */
  @Test
  @org.junit.jupiter.api.Timeout(20)
  void nonRegularFilesAreRefusedBeforeOpening() throws Exception {
    Path fifo = tmp.resolve("fifo");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertEquals(0, mk.waitFor());
    List<Parser> readers = new ArrayList<>(List.of(SafeTensors::read, Idx::read, f -> TextCorpus.fromFile(f),
        dev.fivefold.compress.archive.FfzArchive::read));
    for (Path f : List.of(fifo, tmp, Path.of("/dev/zero"), Path.of("/dev/null"))) {
      if (!Files.exists(f)) continue;
      for (Parser p : readers) {
        long t0 = System.nanoTime();
        try {
          p.parse(f);
          fail(f + " was read");
        } catch (BadInputException e) {
          assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
          assertFalse(e.getMessage().contains("\n"));
        }
        cases++;
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L, f + " took too long");
      }
    }
    var e = org.junit.jupiter.api.Assertions.assertThrows(BadInputException.class, () -> InputFiles.requireRegular(fifo, "corpus"));
    assertTrue(e.getMessage().contains("FIFO"), e.getMessage());
  }
}
