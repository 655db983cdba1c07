package dev.fivefold.info;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.data.Dataset;
import dev.fivefold.data.TinyImages;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.Models;
import java.util.List;
import org.junit.jupiter.api.Test;

class MdlComparisonTest {
  @Test
  void codesAreThePrequentialAndTwoPartCodesOfTheSample() {
    Dataset all = TinyImages.bands(300, 1);
    Prequential.Config pc = new Prequential.Config(32, 1, 32, 1e-3, 4);
    var r = MdlComparison.run(all, new MdlComparison.Config(List.of("mlp:784-16-10"), 128, pc, 8), x -> {});
    assertEquals(128, r.samples());
    MdlComparison.Row row = r.rows().getFirst();
    Dataset sample = MdlComparison.sample(all, 128, 4);
    Prequential.Code oracle = Prequential.code(sample, s -> Models.create("mlp:784-16-10", s), pc);
    assertArrayEquals(oracle.blockBits(), row.code().blockBits());
    assertEquals(128 * Math.log(10) / Math.log(2), row.code().uniformBits(), 1e-6);
    Module fin = Prequential.train(sample, s -> Models.create("mlp:784-16-10", s), pc, 4);
    assertEquals(fin.parameterCount(), row.parameters());
    assertEquals(Prequential.dataBits(fin, sample), row.dataBits());
    assertEquals(row.parameters() * 32.0 + row.dataBits(), row.twoPart32());
    assertEquals(row.entropyModelBits() + row.dataBits(), row.twoPartEntropy());
    assertTrue(row.entropyModelBits() < row.parameters() * 32.0);
  }

  @Test
  void configChecksSpecsAndBits() {
    Prequential.Config pc = new Prequential.Config(32, 1, 32, 1e-3, 4);
    assertThrows(IllegalArgumentException.class, () -> new MdlComparison.Config(List.of("mlp"), 10, pc, 25));
    assertThrows(RuntimeException.class, () -> new MdlComparison.Config(List.of("transformer-xl"), 10, pc, 8));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MdlComparison.Config(List.of(), 10, pc, 8));
    assertEquals("models must list at least one model", e.getMessage());
  }
}
