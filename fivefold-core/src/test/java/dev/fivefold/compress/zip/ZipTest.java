package dev.fivefold.compress.zip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.io.BadInputException;
import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.GptConfig;
import dev.fivefold.tensor.kernel.Parallel;
import dev.fivefold.train.Checkpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZipTest {
  @TempDir Path dir;

  /** Small and fast: a 1-layer width-16 GPT with context 8, small tables. */
  static ZipSettings tiny() {
    return new ZipSettings(true, true, 3, 1, 2, 16, 8, 0.003f, 7, 14);
  }

  static byte[] text(int n) {
    String verse = "In the beginning God created the heaven and the earth. And the earth was without form, and void; "
        + "and darkness was upon the face of the deep. And the Spirit of God moved upon the face of the waters.\n";
    StringBuilder sb = new StringBuilder();
    Random r = new Random(3);
    while (sb.length() < n) sb.append(r.nextInt(50)).append(':').append(verse, 0, 40 + r.nextInt(verse.length() - 40));
    return sb.substring(0, n).getBytes(StandardCharsets.ISO_8859_1);
  }

  private byte[] roundTrip(byte[] data, ZipSettings s, String name) throws IOException {
    Path in = dir.resolve(name), arc = dir.resolve(name + ".ffx"), out = dir.resolve(name + ".out");
    Files.write(in, data);
    Zip.Result z = Zip.compress(new Zip.Config(in, arc, s, null), ZipListener.NONE);
    assertEquals(data.length, z.inputBytes());
    assertEquals(Files.size(arc), z.archiveBytes());
    Unzip.decompress(new Unzip.Config(arc, out, null), ZipListener.NONE);
    byte[] back = Files.readAllBytes(out);
    assertArrayEquals(data, back, name);
    return Files.readAllBytes(arc);
  }

  @Test
  void emptyOneByteAndBinaryRoundTrip() throws IOException {
    roundTrip(new byte[0], tiny(), "empty");
    roundTrip(new byte[] {42}, tiny(), "one");
    byte[] bin = new byte[5000];
    new Random(1).nextBytes(bin);
    byte[] a = roundTrip(bin, tiny(), "random");
    assertTrue(a.length < bin.length + 200, "random bytes grow by at most a little: " + a.length);
    byte[] all = new byte[256 * 4];
    for (int i = 0; i < all.length; i++) all[i] = (byte) i;
    roundTrip(all, tiny().withSegments(1), "all");
  }

  @Test
  void everyPartSwitchableAndContextModelsCompressText() throws IOException {
    byte[] t = text(20000);
    ZipSettings s = tiny();
    int both = roundTrip(t, s, "both").length;
    int ctx = roundTrip(t, s.withNetwork(false), "ctx").length;
    int net = roundTrip(t, s.withContext(false), "net").length;
    int none = roundTrip(t, s.withNetwork(false).withContext(false), "order0").length;
    assertTrue(ctx < t.length / 4, "context models on repetitive text: " + ctx);
    assertTrue(none < t.length * 0.7, "order 0 on text: " + none);
    assertTrue(net < t.length, "network alone: " + net);
    assertTrue(both < none && ctx < none, both + " " + ctx + " " + none);
  }

  @Test
  void networkLearnsOnline() throws IOException {
    byte[] t = text(30000);
    Path in = dir.resolve("t");
    Files.write(in, t);
    Zip.Result r = Zip.compress(new Zip.Config(in, dir.resolve("t.ffx"), tiny().withContext(false).withModel(1, 2, 32, 16), null), ZipListener.NONE);
    assertTrue(r.trainSteps() > 100, "steps " + r.trainSteps());
    double[] c = r.curve().mixed();
    assertTrue(c[c.length - 1] < c[0] - 1, "the network learns: first " + c[0] + " last " + c[c.length - 1]);
    assertTrue(r.networkOnlyBitsPerByte() < 6, "network alone " + r.networkOnlyBitsPerByte());
  }

  @Test
  void encodeOnTwoThreadsDecodesOnOne() throws IOException {
    int was = Parallel.threads();
    byte[] t = text(12000);
    Path in = dir.resolve("t"), arc = dir.resolve("t.ffx"), out = dir.resolve("t.out");
    Files.write(in, t);
    // wide enough that the training GEMMs take their parallel paths
    ZipSettings s = new ZipSettings(true, true, 4, 2, 4, 64, 32, 0.002f, 3, 14);
    try {
      Parallel.setThreads(2);
      Zip.compress(new Zip.Config(in, arc, s, null), ZipListener.NONE);
      Parallel.setThreads(1);
      Unzip.decompress(new Unzip.Config(arc, out, null), ZipListener.NONE);
    } finally {
      Parallel.setThreads(was);
    }
    assertArrayEquals(t, Files.readAllBytes(out));
  }

  @Test
  void sameInputSameArchive() throws IOException {
    byte[] t = text(6000);
    assertArrayEquals(roundTrip(t, tiny(), "a"), roundTrip(t, tiny(), "b"));
  }

  @Test
  void badArchivesAreRefusedAndLeaveNoOutput() throws IOException {
    byte[] t = text(8000);
    byte[] arc = roundTrip(t, tiny(), "good");
    Path out = dir.resolve("restored");
    // truncated
    Path cut = dir.resolve("cut.ffx");
    Files.write(cut, java.util.Arrays.copyOf(arc, arc.length - 100));
    var e = assertThrows(BadInputException.class, () -> Unzip.decompress(new Unzip.Config(cut, out, null), ZipListener.NONE));
    assertTrue(e.getMessage().contains("cut.ffx") && e.getMessage().contains("truncated"), e.getMessage());
    Files.write(cut, java.util.Arrays.copyOf(arc, 20));
    e = assertThrows(BadInputException.class, () -> Unzip.decompress(new Unzip.Config(cut, out, null), ZipListener.NONE));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    // not an archive
    Path txt = dir.resolve("plain.txt");
    Files.write(txt, t);
    e = assertThrows(BadInputException.class, () -> Unzip.decompress(new Unzip.Config(txt, out, null), ZipListener.NONE));
    assertTrue(e.getMessage().contains("not a fivefold zip archive"), e.getMessage());
    // newer version
    byte[] newer = arc.clone();
    newer[5] = 9;
    Path nv = dir.resolve("newer.ffx");
    Files.write(nv, newer);
    e = assertThrows(BadInputException.class, () -> Unzip.decompress(new Unzip.Config(nv, out, null), ZipListener.NONE));
    assertTrue(e.getMessage().contains("version 9 is newer"), e.getMessage());
    // header corrupted
    byte[] bad = arc.clone();
    bad[12] ^= 1;
    Path bh = dir.resolve("badhead.ffx");
    Files.write(bh, bad);
    e = assertThrows(BadInputException.class, () -> Unzip.decompress(new Unzip.Config(bh, out, null), ZipListener.NONE));
    assertTrue(e.getMessage().contains("header checksum"), e.getMessage());
    // payload corrupted: the decoded bytes differ, the CRC says so
    byte[] flip = arc.clone();
    flip[Header.SIZE + 200] ^= 0x10;
    Path bp = dir.resolve("badpayload.ffx");
    Files.write(bp, flip);
    e = assertThrows(BadInputException.class, () -> Unzip.decompress(new Unzip.Config(bp, out, null), ZipListener.NONE));
    assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    assertFalse(Files.exists(out));
    try (Stream<Path> left = Files.list(dir)) {
      assertTrue(left.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
    }
  }

  @Test
  void anOlderFormatIsRefusedByItsVersionAndLeavesNoOutput() throws IOException {
    byte[] arc = roundTrip(text(3000), tiny().withNetwork(false), "v3");
    assertEquals(Header.VERSION, java.nio.ByteBuffer.wrap(arc).getShort(4));
    assertEquals(3, Header.VERSION);
    byte[] old = arc.clone();
    old[5] = 2;
    Path f = dir.resolve("v2.ffx"), out = dir.resolve("v2.out");
    Files.write(f, old);
    var e = assertThrows(BadInputException.class, () -> Unzip.decompress(new Unzip.Config(f, out, null), ZipListener.NONE));
    assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("format version 2 is older") && !e.getMessage().contains("\n"), e.getMessage());
    assertFalse(Files.exists(out));
  }

  @Test
  void defaultsAreTheContextModelsAloneAtTableBits24() {
    ZipSettings d = ZipSettings.defaults();
    assertFalse(d.network());
    assertTrue(d.context());
    assertEquals(1, d.segments());
    assertEquals(24, d.tableBits());
    assertEquals(22, ContextModels.MODELS);
    assertEquals(22L << 26, ContextModels.bytes(24));
  }

  @Test
  void tablesLargerThanTheHeapAreRefusedBeforeAllocating() throws IOException {
    Path in = dir.resolve("small"), arc = dir.resolve("small.ffx");
    Files.write(in, text(1000));
    ZipSettings huge = tiny().withNetwork(false).withTableBits(28); // 22 tables of 1 GiB
    var e = assertThrows(BadInputException.class, () -> Zip.compress(new Zip.Config(in, arc, huge, null), ZipListener.NONE));
    assertTrue(e.getMessage().contains("small") && e.getMessage().contains("table bits 28") && e.getMessage().contains("--table-bits"), e.getMessage());
    assertFalse(Files.exists(arc));
  }

  @Test
  void historyKeepsWordsFoldedBytesAndWhatFollowed() {
    History h = new History();
    for (byte b : "Ab\nab abc".getBytes(StandardCharsets.ISO_8859_1)) h.add(b & 0xFF);
    assertEquals('c', h.h & 0xFF);
    assertEquals("b abc", new String(java.nio.ByteBuffer.allocate(8).putLong(h.folded).array(), 3, 5, StandardCharsets.ISO_8859_1));
    assertEquals(6, h.column); // "ab abc" since the line feed
    // 'b' was followed by '\n', ' ' and 'c': the last two
    History g = new History();
    for (byte b : "ab\nab ab".getBytes(StandardCharsets.ISO_8859_1)) g.add(b & 0xFF);
    assertEquals(('\n' << 8) | ' ', g.indirect1());
    assertEquals(('\n' << 8) | ' ', g.indirect2());
    History w = new History(), v = new History();
    for (byte b : "LORD".getBytes(StandardCharsets.ISO_8859_1)) w.add(b);
    for (byte b : "lord".getBytes(StandardCharsets.ISO_8859_1)) v.add(b);
    assertEquals(w.word, v.word);
    assertTrue(w.casedWord != v.casedWord);
  }

  @Test
  void anArchiveFromAnotherVectorWidthIsRefused() throws IOException {
    byte[] arc = roundTrip(text(3000), tiny(), "lanes");
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(arc);
    int at = 4 + 2 + 1 + 2 + 1 + 1 + 2 + 2 + 4 + 8 + 1;
    int lanes = b.getShort(at) & 0xFFFF;
    assertEquals(Zip.lanes(), lanes);
    b.putShort(at, (short) (lanes * 2));
    java.util.zip.CRC32C c = new java.util.zip.CRC32C();
    c.update(arc, 0, Header.SIZE - 4);
    b.putInt(Header.SIZE - 4, (int) c.getValue());
    Path f = dir.resolve("wide.ffx");
    Files.write(f, arc);
    var e = assertThrows(BadInputException.class, () -> Unzip.decompress(new Unzip.Config(f, dir.resolve("wide.out"), null), ZipListener.NONE));
    assertTrue(e.getMessage().contains("SIMD") && e.getMessage().contains(String.valueOf(lanes * 2)), e.getMessage());
    // without the network the coder is integer arithmetic only: no lanes recorded, decodes anywhere
    byte[] ctx = roundTrip(text(3000), tiny().withNetwork(false), "nolanes");
    assertEquals(0, java.nio.ByteBuffer.wrap(ctx).getShort(at));
  }

  @Test
  void staticModelIsNamedByItsHash() throws IOException {
    GptConfig cfg = new GptConfig(256, 16, 1, 2, 16, 0f);
    Path ck = dir.resolve("m.safetensors"), other = dir.resolve("o.safetensors");
    Checkpoint.saveWeights(ck, new Gpt(cfg, 1), Map.of("model", cfg.toString()));
    Checkpoint.saveWeights(other, new Gpt(cfg, 2), Map.of("model", cfg.toString()));
    byte[] t = text(4000);
    Path in = dir.resolve("s"), arc = dir.resolve("s.ffx"), out = dir.resolve("s.out");
    Files.write(in, t);
    Zip.compress(new Zip.Config(in, arc, tiny(), ck), ZipListener.NONE);
    var e = assertThrows(BadInputException.class, () -> Unzip.decompress(new Unzip.Config(arc, out, other), ZipListener.NONE));
    assertTrue(e.getMessage().contains("o.safetensors") && e.getMessage().contains("not the checkpoint"), e.getMessage());
    e = assertThrows(BadInputException.class, () -> Unzip.decompress(new Unzip.Config(arc, out, null), ZipListener.NONE));
    assertTrue(e.getMessage().contains("--model"), e.getMessage());
    Unzip.decompress(new Unzip.Config(arc, out, ck), ZipListener.NONE);
    assertArrayEquals(t, Files.readAllBytes(out));
  }

  @Test
  void coderRoundTripsAndCostsTheShannonBound() throws IOException {
    Random r = new Random(5);
    int n = 200_000;
    int[] bits = new int[n], ps = new int[n];
    double ideal = 0;
    for (int i = 0; i < n; i++) {
      ps[i] = 1 + r.nextInt(4095);
      bits[i] = r.nextInt(4096) < ps[i] ? 1 : 0;
      ideal += -Math.log((bits[i] == 1 ? ps[i] : 4096 - ps[i]) / 4096.0) / Math.log(2);
    }
    var bo = new java.io.ByteArrayOutputStream();
    BinaryEncoder enc = new BinaryEncoder(bo);
    for (int i = 0; i < n; i++) enc.encode(bits[i], ps[i]);
    enc.finish();
    byte[] code = bo.toByteArray();
    assertTrue(code.length * 8.0 < ideal * 1.001 + 64, code.length * 8 + " bits vs ideal " + ideal);
    BinaryDecoder dec = new BinaryDecoder(new java.io.ByteArrayInputStream(code), code.length, "test");
    for (int i = 0; i < n; i++) assertEquals(bits[i], dec.decode(ps[i]), "bit " + i);
  }
}
