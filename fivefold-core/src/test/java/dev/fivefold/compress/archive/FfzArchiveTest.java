package dev.fivefold.compress.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.compress.QuantizedTensor;
import dev.fivefold.compress.code.ChannelCode;
import dev.fivefold.compress.code.EntropyCoder;
import dev.fivefold.tensor.Rng;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exact round trips: every tensor, codebook value, position and code comes back bit for bit. */
class FfzArchiveTest {
  static final List<EntropyCoder> CODERS = List.of(EntropyCoder.huffman(), EntropyCoder.rans());

  static void assertSameModel(FfzModel expected, FfzModel actual) {
    assertEquals(expected, actual);
    for (int i = 0; i < expected.quantized().size(); i++) {
      assertArrayEquals(expected.quantized().get(i).dense(), actual.quantized().get(i).dense());
    }
  }

  @Test
  void roundTripsEveryBitWidthCoderEccAndDensity() {
    int n = 0;
    for (int bits = 1; bits <= 16; bits++) {
      for (EntropyCoder coder : CODERS) {
        for (Ecc ecc : Ecc.values()) {
          for (double density : new double[] {0.05, 1.0}) {
            FfzModel m = Models.small(1000L * bits + n++, density, bits);
            FfzArchive.Encoded e = FfzArchive.encode(m, FfzArchive.Options.defaults().withCoder(coder).withEcc(ecc));
            FfzArchive.Decoded d = FfzArchive.decode(e.bytes(), "m.ffz");
            String what = bits + " bits, " + coder.name() + ", " + ecc + ", density " + density;
            assertSameModel(m, d.model());
            assertEquals(new ChannelCode.Correction(0, 0), d.correction(), what);
            assertEquals(e.report(), d.report(), what);
          }
        }
      }
    }
  }

  @Test
  void roundTripsFixedIndexWidthsAndLongGaps() {
    Rng rng = new Rng(5);
    // kept weights far apart force filler entries at every index width
    QuantizedTensor q = new QuantizedTensor("w", new int[] {100000}, 3, new float[] {-1, 0, 2.5f},
        new int[] {0, 1, 7, 8, 9, 300, 65535, 65536, 65537, 99999}, new int[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0});
    for (int b = 1; b <= 16; b++) {
      FfzModel m = new FfzModel("", Map.of(), List.of(q, Models.tensor(rng, "v", new int[] {7, 9}, 0.3, 4)), List.of());
      FfzArchive.Encoded e = FfzArchive.encode(m, FfzArchive.Options.defaults().withIndexBits(b));
      assertSameModel(m, FfzArchive.decode(e.bytes(), "m.ffz").model());
      assertEquals(b, e.report().tensors().get(0).indexBits());
      assertEquals(RelativeIndex.entries(q.positions(), b), e.report().tensors().get(0).entries());
    }
  }

  @Test
  void shortestIndexWidthIsPerTensorAndNeverLonger() {
    FfzModel m = Models.lenet300(9, 0.06, 4);
    FfzArchive.Options o = FfzArchive.Options.defaults().withCoder(EntropyCoder.rans());
    FfzArchive.Encoded best = FfzArchive.encode(m, o.withIndexBits(FfzArchive.Options.SHORTEST_INDEX));
    assertSameModel(m, FfzArchive.decode(best.bytes(), "m.ffz").model());
    for (int b = 1; b <= 16; b++) {
      ArchiveReport fixed = FfzArchive.encode(m, o.withIndexBits(b)).report();
      for (int t = 0; t < fixed.tensors().size(); t++) {
        assertTrue(best.report().tensors().get(t).indexBytes() <= fixed.tensors().get(t).indexBytes(), "tensor " + t + " width " + b);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> o.withIndexBits(-2));
    String streams = best.report().formatStreams();
    assertTrue(streams.contains("fc1.weight/index") && streams.contains("total (6)"), streams);
  }

  @Test
  void roundTripsEdgeCases() {
    float[] odd = {Float.NaN, Float.intBitsToFloat(0x7fc00123), -0.0f, Float.MIN_VALUE, Float.NEGATIVE_INFINITY};
    QuantizedTensor empty = new QuantizedTensor("empty", new int[] {3, 4}, 2, new float[] {1}, new int[0], new int[0]);
    QuantizedTensor none = new QuantizedTensor("zero-size", new int[] {0, 5}, 1, new float[] {0}, new int[0], new int[0]);
    QuantizedTensor scalar = new QuantizedTensor("scalar", new int[] {}, 16, odd, new int[] {0}, new int[] {4});
    RawTensor raw = new RawTensor("odd", new int[] {5}, odd);
    RawTensor nothing = new RawTensor("nothing", new int[] {0}, new float[0]);
    FfzModel m = new FfzModel("", Map.of(), List.of(empty, none, scalar), List.of(raw, nothing));
    for (Ecc ecc : Ecc.values()) {
      assertSameModel(m, FfzArchive.decode(FfzArchive.encode(m, FfzArchive.Options.defaults().withEcc(ecc)).bytes(), "m").model());
    }
    FfzModel nothingAtAll = new FfzModel("", Map.of(), List.of(), List.of());
    assertEquals(nothingAtAll, FfzArchive.decode(FfzArchive.encode(nothingAtAll, FfzArchive.Options.defaults()).bytes(), "m").model());
  }

  @Test
  void roundTripsContextCodedMasksAndTheShorterModelling() {
    int n = 0;
    for (int bits : new int[] {1, 4, 16}) {
      for (EntropyCoder coder : CODERS) {
        for (Ecc ecc : Ecc.values()) {
          for (double density : new double[] {0.0, 0.05, 0.5, 1.0}) {
            FfzModel m = Models.small(2000L * bits + n++, density, bits);
            FfzArchive.Options o = FfzArchive.Options.defaults().withCoder(coder).withEcc(ecc);
            String what = bits + " bits, " + coder.name() + ", " + ecc + ", density " + density;
            ArchiveReport gaps = FfzArchive.encode(m, o).report();
            for (FfzArchive.Modelling c : List.of(FfzArchive.Modelling.CONTEXT, FfzArchive.Modelling.SHORTER)) {
              FfzArchive.Encoded e = FfzArchive.encode(m, o.withModelling(c));
              FfzArchive.Decoded d = FfzArchive.decode(e.bytes(), "m.ffz");
              assertSameModel(m, d.model());
              assertEquals(e.report(), d.report(), what + " " + c);
              for (int t = 0; t < m.quantized().size(); t++) {
                ArchiveReport.TensorStats s = e.report().tensors().get(t);
                if (c == FfzArchive.Modelling.CONTEXT) {
                  assertTrue(s.mask() && s.indexBits() == 0 && s.entries() == s.size(), what);
                  assertEquals(dev.fivefold.compress.code.ContextCodesCoder.NAME, s.codes().layout().coder(), what);
                } else {
                  assertTrue(s.indexBytes() <= gaps.tensors().get(t).indexBytes(), what + " tensor " + t);
                  assertTrue(s.codesBytes() <= gaps.tensors().get(t).codesBytes(), what + " tensor " + t);
                }
              }
            }
          }
        }
      }
    }
  }

  @Test
  void aMaskReportsItsConditionalEntropyBoundAndTheOrderZeroOne() {
    FfzModel m = Models.lenet300(4, 0.06, 4);
    FfzArchive.Encoded e = FfzArchive.encode(m, FfzArchive.Options.defaults().withModelling(FfzArchive.Modelling.CONTEXT));
    for (ArchiveReport.TensorStats t : e.report().tensors()) {
      ArchiveReport.StreamStats i = t.index();
      double best0 = Double.POSITIVE_INFINITY;
      for (int b = 1; b <= 16; b++) best0 = Math.min(best0, dev.fivefold.compress.code.Entropy.bits(RelativeIndex.encode(m.quantized().stream()
          .filter(q -> q.name().equals(t.name())).findFirst().orElseThrow().positions(), b), 1 << b));
      assertEquals(best0, i.order0Bits(), t.name());
      assertTrue(8.0 * t.indexBytes() >= i.boundBits(), t.name() + " beats its conditional entropy");
      assertTrue(i.nmlBits() >= i.boundBits() && i.used() <= i.alphabet(), t.name());
      assertEquals(t.size(), i.symbols());
      assertTrue(i.model().startsWith("ctx "), i.model());
      ArchiveReport.StreamStats c = t.codes();
      assertEquals(dev.fivefold.compress.code.Entropy.bits(m.quantized().stream().filter(q -> q.name().equals(t.name())).findFirst().orElseThrow().codes(),
          t.codebookSize()), c.order0Bits(), t.name());
      assertTrue(8.0 * t.codesBytes() >= c.boundBits() && c.nmlBits() >= c.boundBits(), t.name() + " codes beat their conditional entropy");
      assertTrue(c.model().startsWith("ctx "), c.model());
    }
    String streams = e.report().formatStreams();
    assertTrue(streams.contains("ctx-mask") && streams.contains("ctx-codes") && streams.contains("fc1.weight/index") && streams.contains("total (6)"), streams);
    assertTrue(e.report().format().contains(" mask "), e.report().format());
    FfzModel empty = new FfzModel("", Map.of(), List.of(new QuantizedTensor("zero-size", new int[] {0, 5}, 1, new float[] {0}, new int[0], new int[0]),
        new QuantizedTensor("scalar", new int[] {}, 2, new float[] {1, 2}, new int[] {0}, new int[] {1}),
        new QuantizedTensor("vector", new int[] {9}, 2, new float[] {1, 2}, new int[] {0, 8}, new int[] {1, 0})), List.of());
    for (Ecc ecc : Ecc.values()) {
      FfzArchive.Options o = FfzArchive.Options.defaults().withEcc(ecc).withModelling(FfzArchive.Modelling.CONTEXT);
      assertSameModel(empty, FfzArchive.decode(FfzArchive.encode(empty, o).bytes(), "m").model());
    }
  }

  @Test
  void writesAndReadsAFileAtomically(@TempDir Path dir) throws IOException {
    FfzModel m = Models.small(7, 0.1, 5);
    Path f = dir.resolve("m.ffz");
    ArchiveReport written = FfzArchive.write(f, m, FfzArchive.Options.defaults().withCoder(EntropyCoder.rans()).withEcc(Ecc.RS));
    FfzArchive.Decoded d = FfzArchive.read(f);
    assertSameModel(m, d.model());
    assertEquals(written, d.report());
    assertEquals(Files.size(f), written.fileBytes());
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(f), s.toList());
    }
  }

  @Test
  void aFailedWriteLeavesNoTemporaryFileAndTheOldFileIntact(@TempDir Path dir) throws IOException {
    Path target = dir.resolve("taken");
    Files.createDirectories(target.resolve("child")); // a non-empty directory cannot be replaced
    FfzModel m = Models.small(8, 0.1, 5);
    assertThrows(IOException.class, () -> FfzArchive.write(target, m, FfzArchive.Options.defaults()));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(target), s.toList());
    }
    Path old = dir.resolve("old.ffz");
    FfzArchive.write(old, m, FfzArchive.Options.defaults());
    byte[] before = Files.readAllBytes(old);
    Path unwritable = dir.resolve("sub");
    Files.writeString(unwritable, "a file, not a directory");
    assertThrows(IOException.class, () -> FfzArchive.write(unwritable.resolve("x.ffz"), m, FfzArchive.Options.defaults()));
    assertArrayEquals(before, Files.readAllBytes(old));
    try (Stream<Path> s = Files.list(dir)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }
  }

  @Test
  void reportAccountsForEveryByteAndRespectsTheEntropyBound() {
    FfzModel m = Models.lenet300(3, 0.1, 5);
    for (EntropyCoder coder : CODERS) {
      for (Ecc ecc : Ecc.values()) {
        FfzArchive.Encoded e = FfzArchive.encode(m, FfzArchive.Options.defaults().withCoder(coder).withEcc(ecc));
        ArchiveReport r = e.report();
        long sections = 0;
        for (ArchiveReport.TensorStats t : r.tensors()) {
          sections += t.bytes() + 12;
          assertTrue(8.0 * t.codesBytes() >= t.codesEntropyBits(), t.name() + " codes beat the entropy bound");
          assertTrue(8.0 * t.indexBytes() >= t.gapsEntropyBits(), t.name() + " index beats the entropy bound");
          // a good coder is close to the bound: within 2% plus its table
          assertTrue(8.0 * t.codesBytes() < 1.02 * t.codesEntropyBits() + 8 * 200, t.name() + " " + coder.name());
        }
        for (ArchiveReport.RawStats raw : r.raw()) sections += raw.bytes() + 4;
        assertEquals(r.bodyBytes(), 8 + r.headerBytes() + sections);
        assertEquals(ecc.overhead(r.bodyBytes()), r.eccBytes());
        assertEquals(FfzArchive.PREAMBLE_BYTES + r.bodyBytes() + r.eccBytes(), e.bytes().length);
        long words = switch (ecc) {
          case NONE -> 0;
          case HAMMING -> (r.bodyBytes() + 7) / 8;
          case RS -> 32 * ((r.bodyBytes() + 222) / 223);
        };
        assertEquals(words, r.eccBytes(), ecc.toString());
        String table = r.format();
        for (String name : List.of("fc1.weight", "fc2.weight", "fc3.weight", "fc1.bias", "ecc " + ecc.flag())) assertTrue(table.contains(name), table);
      }
    }
  }

  @Test
  void parsesEccFlags() {
    assertEquals(Ecc.RS, Ecc.parse("rs"));
    assertEquals(Ecc.HAMMING, Ecc.parse("hamming"));
    assertEquals(Ecc.NONE, Ecc.parse("none"));
    assertEquals("--ecc (RS) must be one of none|hamming|rs",
        assertThrows(dev.fivefold.io.BadInputException.class, () -> Ecc.parse("RS")).getMessage());
  }
}
