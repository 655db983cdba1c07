package dev.fivefold.compress.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.io.BadInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Format 4: sensed tensors round-trip bit for bit, only they make a version-4 file, and bad fields are one-line errors. */
class SensedArchiveTest {
  static final SensedTensor.Recipe RECIPE = new SensedTensor.Recipe("gaussian", "identity", "omp", -7, 256, 77, 15, 1e-3, 300, 1e-6);

  static SensedTensor sensed(String name, int[] shape, int bits) {
    SensedTensor.Recipe r = RECIPE;
    long n = 1;
    for (int d : shape) n *= d;
    float[] y = new float[(int) r.measurements(n)];
    for (int i = 0; i < y.length; i++) y[i] = (float) Math.sin(0.37 * i) * (i % 5 == 0 ? -1 : 1);
    return new SensedTensor(name, shape, r, bits, SensedTensor.payload(y, bits));
  }

  static FfzModel model() {
    return new FfzModel("mlp:30-20-10", Map.of("k", "v"), List.of(), List.of(new RawTensor("fc1.bias", new int[] {20}, new float[20])),
        List.of(sensed("fc1.weight", new int[] {20, 30}, 32), sensed("fc2.weight", new int[] {10, 20}, 8)));
  }

  @Test
  void sensedTensorsRoundTripInAVersionFourArchive() {
    FfzModel m = model();
    FfzArchive.Encoded e = FfzArchive.encode(m, FfzArchive.Options.defaults());
    assertEquals(FfzArchive.SENSED_VERSION, e.bytes()[4]);
    FfzArchive.Decoded d = FfzArchive.decode(e.bytes(), "s.ffz");
    assertEquals(m, d.model());
    SensedTensor a = m.sensed().getFirst(), b = d.model().sensed().getFirst();
    assertArrayEquals(a.measurements(), b.measurements());
    assertEquals(-7, b.recipe().seed());
    assertEquals(1e-6, b.recipe().tolerance());
    // 600 weights: 2 blocks of 256 (77 rows each) and one of 88 (ceil(77 * 88 / 256) = 27 rows)
    assertEquals(2 * 77 + 27, a.measurementCount());
    assertEquals(4 * a.measurementCount(), a.payload().length);
    assertEquals(4 + m.sensed().get(1).measurementCount(), m.sensed().get(1).payload().length);
    assertEquals(e.report().sensed(), d.report().sensed());
    assertEquals(e.report().fileBytes(), d.report().fileBytes());
    assertTrue(e.report().format().contains("(sensed: 181 measurements, m/n 0.302, gaussian/identity/omp)"), e.report().format());
    // without sensed tensors the writer still writes version 3
    FfzModel plain = new FfzModel(m.spec(), m.metadata(), m.quantized(), m.raw());
    assertEquals(FfzArchive.VERSION, FfzArchive.encode(plain, FfzArchive.Options.defaults()).bytes()[4]);
  }

  @Test
  void eightBitMeasurementsAreCodesTimesTheScale() {
    float[] y = {0.5f, -1.27f, 0.0f, 1.0f};
    byte[] p = SensedTensor.payload(y, 8);
    float s = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).getFloat();
    assertEquals(1.27f / 127f, s);
    assertEquals(-127, p[5]);
    assertEquals(50, p[4]);
  }

  private static String reject(Consumer<Map<String, Object>> edit) {
    byte[] bytes = BadArchiveTest.editHeader(FfzArchive.encode(model(), FfzArchive.Options.defaults()).bytes(), edit);
    BadInputException e = assertThrows(BadInputException.class, () -> FfzArchive.decode(bytes, "s.ffz"));
    assertTrue(!e.getMessage().contains("\n") && e.getMessage().startsWith("s.ffz: "), e.getMessage());
    return e.getMessage();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> first(Map<String, Object> h) {
    return (Map<String, Object>) ((List<Object>) h.get("sensed")).getFirst();
  }

  @Test
  void badSensedFieldsAreOneLineErrors() {
    assertEquals("s.ffz: header sensed[0].operator (bernoulli) must be gaussian or hadamard", reject(h -> first(h).put("operator", "bernoulli")));
    assertEquals("s.ffz: header sensed[0].rows (300) must be in 1..256", reject(h -> first(h).put("rows", 300L)));
    assertEquals("s.ffz: header sensed[0].sparsity (0) must be in 1..77", reject(h -> first(h).put("sparsity", 0L)));
    assertEquals("s.ffz: header sensed[0].measurements (180) must be in 181..181", reject(h -> first(h).put("measurements", 180L)));
    assertEquals("s.ffz: header sensed[0].lambda (0.0) must be in (0, 1]", reject(h -> first(h).put("lambda", 0.0)));
    assertEquals("s.ffz: header sensed[0].bits (16) must be 32 or 8", reject(h -> first(h).put("bits", 16L)));
    assertEquals("s.ffz: header sensed[0].basis (dct) needs a shape of rank >= 3, not [20, 30]", reject(h -> first(h).put("basis", "dct")));
    assertTrue(reject(h -> first(h).put("block", 50L)).contains("header sensed[0].rows (77) must be in 1..50"));
    assertTrue(reject(h -> first(h).put("name", "fc1.bias")).contains("header sensed[0].name (fc1.bias) is used twice"));
    // a version-3 file may not hold sensed tensors
    byte[] v3 = BadArchiveTest.editHeader(FfzArchive.encode(model(), FfzArchive.Options.defaults()).bytes(), h -> h.put("format", 3L));
    v3[4] = 3;
    ByteBuffer.wrap(v3).order(ByteOrder.LITTLE_ENDIAN).putInt(12, FfzArchive.crc(v3, 0, 12));
    assertEquals("s.ffz: header sensed needs format version 4, the preamble says 3",
        assertThrows(BadInputException.class, () -> FfzArchive.decode(v3, "s.ffz")).getMessage());
  }

  @Test
  void recipesAreValidated() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new SensedTensor.Recipe("gaussian", "identity", "omp", 1, 256, 10, 11, 1e-3, 1, 0))
        .getMessage().contains("sparsity (11) must be in 1..rows (10)"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new SensedTensor("w", new int[] {4, 4}, RECIPE, 32, new byte[3]))
        .getMessage().contains("payload (3 B)"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SensedTensor.payload(new float[] {Float.NaN}, 32)).getMessage().contains("not finite"));
  }
}
