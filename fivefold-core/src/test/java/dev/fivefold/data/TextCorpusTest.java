package dev.fivefold.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.io.BadInputException;
import dev.fivefold.tensor.Rng;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextCorpusTest {
  @TempDir Path dir;

  @Test
  void compactAndByteVocabularies() throws IOException {
    Path f = dir.resolve("t.txt");
    Files.writeString(f, "abracadabra\n");
    TextCorpus c = TextCorpus.fromFile(f);
    assertEquals(6, c.vocabSize()); // \n a b c d r
    assertArrayEquals(new int[] {1, 2, 5, 1}, c.encode("abra"));
    assertEquals("cab\n", c.decode(c.encode("cab\n")));
    assertEquals("0a6162636472", c.vocab().toMetadata());
    assertEquals(c.vocab(), TextCorpus.Vocab.fromMetadata(c.vocab().toMetadata()));
    BadInputException e = assertThrows(BadInputException.class, () -> c.encode("abz"));
    assertEquals("text: byte 0x7a at offset 2 is not in the vocabulary of 6 bytes", e.getMessage());
    assertThrows(BadInputException.class, () -> TextCorpus.Vocab.fromMetadata("zz"));
    assertThrows(IllegalArgumentException.class, () -> c.decode(new int[] {6}));

    TextCorpus b = TextCorpus.fromFile(f, TextCorpus.VocabKind.BYTES, 0.25);
    assertEquals(256, b.vocabSize());
    assertArrayEquals(new int[] {0xc3, 0xa9}, b.encode("\u00e9"));
    assertEquals("\u00e9", b.decode(b.encode("\u00e9")));
    assertEquals(9, b.trainSize());
    assertEquals(3, b.heldOutSize());
    assertEquals('a', b.token(0));
  }

  @Test
  void badFiles() throws IOException {
    Path f = dir.resolve("empty.txt");
    Files.write(f, new byte[0]);
    assertEquals("empty.txt: text is empty", assertThrows(BadInputException.class, () -> TextCorpus.fromFile(f)).getMessage());
    assertTrue(assertThrows(BadInputException.class, () -> TextCorpus.fromFile(dir.resolve("no.txt"))).getMessage().startsWith("no.txt: no such file"));
  }

  @Test
  void sampleBatchShiftsByOneWithinTrain() {
    byte[] text = new byte[1000];
    for (int i = 0; i < text.length; i++) text[i] = (byte) (i % 97); // token = byte here
    TextCorpus c = TextCorpus.of("ramp", text, TextCorpus.VocabKind.BYTES, 0.1);
    assertEquals(900, c.trainSize());
    int B = 16, T = 20;
    int[] in = new int[B * T], tg = new int[B * T], in2 = new int[B * T], tg2 = new int[B * T];
    c.sampleBatch(new Rng(5), B, T, in, tg);
    c.sampleBatch(new Rng(5), B, T, in2, tg2);
    assertArrayEquals(in, in2);
    for (int b = 0; b < B; b++) {
      for (int t = 0; t < T; t++) {
        assertEquals((in[b * T + t] + 1) % 97, tg[b * T + t]);
        if (t > 0) assertEquals(in[b * T + t], tg[b * T + t - 1]);
      }
    }
    // never touches the held-out part: a corpus whose train part is exactly T+1 tokens
    TextCorpus tiny = TextCorpus.of("tiny", "abcdefXYZ".getBytes(), TextCorpus.VocabKind.COMPACT, 3.0 / 9);
    int[] i3 = new int[5], t3 = new int[5];
    tiny.sampleBatch(new Rng(1), 1, 5, i3, t3);
    assertEquals("abcde", tiny.decode(i3));
    assertEquals("bcdef", tiny.decode(t3));
    assertThrows(IllegalArgumentException.class, () -> tiny.sampleBatch(new Rng(1), 1, 6, new int[6], new int[6]));
  }

  @Test
  void heldOutWindowsScoreEveryTokenOnce() {
    byte[] text = new byte[200];
    for (int i = 0; i < text.length; i++) text[i] = (byte) i;
    TextCorpus c = TextCorpus.of("ramp", text, TextCorpus.VocabKind.BYTES, 0.25); // held out: 150..199
    for (int[] bt : new int[][] {{1, 7}, {3, 7}, {4, 49}, {2, 10}, {8, 1}}) {
      int batch = bt[0], T = bt[1];
      int[] seen = new int[256];
      int scored = 0;
      for (TextCorpus.Window w : c.heldOutWindows(batch, T)) {
        assertTrue(w.rows() >= 1 && w.rows() <= batch);
        for (int r = 0; r < w.rows(); r++) {
          for (int t = 0; t < T; t++) {
            assertEquals(w.inputs()[r * T + t] + 1, w.targets()[r * T + t]);
            assertTrue(w.inputs()[r * T + t] >= 150);
            if (t >= w.scoreFrom()[r]) {
              seen[w.targets()[r * T + t]]++;
              scored++;
            }
          }
        }
      }
      assertEquals(49, scored, "batch " + batch + " context " + T);
      for (int v = 151; v < 200; v++) assertEquals(1, seen[v], "token " + v);
    }
    assertThrows(IllegalArgumentException.class, () -> c.heldOutWindows(1, 50));
  }

  @Test
  void aCorpusRebuiltFromItsTokensIsTheSame() {
    TextCorpus c = TextCorpus.of("t", "And God said, Let there be light: and there was light.".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        TextCorpus.VocabKind.COMPACT, 0.2);
    TextCorpus r = TextCorpus.ofTokens("t", c.vocab(), c.tokens(0, c.size()), c.trainSize());
    assertEquals(c.vocab(), r.vocab());
    assertEquals(c.trainSize(), r.trainSize());
    assertArrayEquals(c.tokens(0, c.size()), r.tokens(0, r.size()));
    assertEquals(c.decode(c.tokens(0, c.size())), r.decode(r.tokens(0, r.size())));
    int[] bad = c.tokens(0, c.size());
    bad[3] = c.vocabSize();
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TextCorpus.ofTokens("t", c.vocab(), bad, 5)).getMessage().contains("token 3"));
    assertThrows(IllegalArgumentException.class, () -> TextCorpus.ofTokens("t", c.vocab(), c.tokens(0, 4), 5));
    assertThrows(IllegalArgumentException.class, () -> TextCorpus.ofTokens("t", c.vocab(), new int[0], 1));
  }
}
