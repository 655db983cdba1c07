package dev.fivefold.io.tensorboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.nn.Linear;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventWriterTest {
  @TempDir Path tmp;

  /** The CRC32C check value of "123456789" is 0xE3069283 (RFC 3720, B.4); masking as TensorFlow does. */
  @Test
  void maskedCrcOfKnownInput() {
    byte[] b = "123456789".getBytes();
    int crc = 0xE3069283;
    assertEquals(((crc >>> 15) | (crc << 17)) + 0xa282ead8, TfRecord.maskedCrc(b, 0, b.length));
  }

  @Test
  void recordFraming() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TfRecord.write(out, new byte[] {1, 2, 3});
    byte[] r = out.toByteArray();
    assertEquals(8 + 4 + 3 + 4, r.length);
    assertArrayEquals(new byte[] {3, 0, 0, 0, 0, 0, 0, 0}, java.util.Arrays.copyOf(r, 8));
  }

  /** The start of an RGB PNG: signature and IHDR chunk (all the writer reads), then an IEND chunk. */
  static byte[] png(int w, int h) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 25 + 12);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    b.putInt(13).put("IHDR".getBytes()).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(b.array(), 12, 17);
    b.putInt((int) crc.getValue());
    b.putInt(0).put("IEND".getBytes()).putInt(0xAE426082);
    return b.array();
  }

  @Test
  void anIndependentReaderSeesScalarsImagesHistograms() throws Exception {
    Path file;
    float[] values = {-1f, 0f, 0.5f, 1f, 2f, Float.NaN};
    try (EventWriter w = EventWriter.open(tmp.resolve("logs"))) {
      file = w.file();
      w.scalar("train/loss", 1, 2.5);
      w.scalar("train/loss", 2, 1.25);
      w.image("images/loss", 2, png(40, 30));
      w.histogram("weights/fc.weight", 2, values);
      w.histogram("weights/constant", 3, new float[] {0.25f, 0.25f});
    }
    assertTrue(file.getFileName().toString().startsWith("events.out.tfevents."));
    List<Map<String, Object>> ev = PythonEvents.read(tmp, file);
    assertEquals(6, ev.size());
    assertEquals("brain.Event:2", ev.get(0).get("file_version"));
    assertEquals("train/loss", ev.get(1).get("tag"));
    assertEquals(2.5, ((Number) ev.get(1).get("value")).doubleValue());
    assertEquals(2L, ((Number) ev.get(2).get("step")).longValue());
    assertEquals(1.25, ((Number) ev.get(2).get("value")).doubleValue());
    Map<?, ?> img = (Map<?, ?>) ev.get(3).get("image");
    assertEquals(40L, img.get("width"));
    assertEquals(30L, img.get("height"));
    assertEquals(3L, img.get("colorspace"));
    assertEquals(true, img.get("png"));
    Map<?, ?> h = (Map<?, ?>) ev.get(4).get("histo");
    assertEquals(-1.0, ((Number) h.get("min")).doubleValue());
    assertEquals(2.0, ((Number) h.get("max")).doubleValue());
    assertEquals(5.0, ((Number) h.get("num")).doubleValue(), "NaN is left out");
    assertEquals(2.5, ((Number) h.get("sum")).doubleValue());
    assertEquals(6.25, ((Number) h.get("sum_squares")).doubleValue());
    List<?> limits = (List<?>) h.get("bucket_limit"), counts = (List<?>) h.get("bucket");
    assertEquals(EventWriter.BUCKETS, limits.size());
    assertEquals(2.0, ((Number) limits.getLast()).doubleValue());
    assertEquals(5.0, counts.stream().mapToDouble(c -> ((Number) c).doubleValue()).sum());
    assertEquals(1.0, ((Number) counts.getFirst()).doubleValue(), "the minimum is in the first bucket");
    assertEquals(1.0, ((Number) counts.getLast()).doubleValue(), "the maximum is in the last bucket");
    Map<?, ?> c = (Map<?, ?>) ev.get(5).get("histo");
    assertEquals(1, ((List<?>) c.get("bucket")).size());
    assertEquals(2.0, ((Number) ((List<?>) c.get("bucket")).getFirst()).doubleValue());
  }

  @Test
  void badInput() throws Exception {
    try (EventWriter w = EventWriter.open(tmp)) {
      assertThrows(IllegalArgumentException.class, () -> w.image("x", 1, new byte[40]));
      assertThrows(IllegalArgumentException.class, () -> w.scalar(" ", 1, 1));
    }
  }

  /** The gradient tap changes nothing: a step with it gives bit-identical weights; it logs the gradients it saw. */
  @Test
  void gradientTapIsTheIdentity() throws Exception {
    Linear a = new Linear(3, 2, new dev.fivefold.tensor.Rng(1)), b = new Linear(3, 2, new dev.fivefold.tensor.Rng(1));
    var oa = Optimizers.byName("adam", a.parameters(), 0.1);
    var ob = Optimizers.byName("adam", b.parameters(), 0.1);
    Path file;
    try (EventWriter w = EventWriter.open(tmp.resolve("tap"))) {
      file = w.file();
      TensorBoardObserver tb = new TensorBoardObserver(w, b.namedParameters(), 1);
      ob.tap(tb.gradientTap());
      for (int s = 0; s < 3; s++) {
        for (var m : List.of(a, b)) {
          for (var p : m.parameters()) for (int i = 0; i < p.size(); i++) p.grad()[i] = (float) Math.sin(i + s);
        }
        oa.step();
        ob.step();
        tb.onStep(new dev.fivefold.train.TrainObserver.Step(s + 1, 3, 1, 1.0, 0.1, 0, 0));
      }
    }
    for (int k = 0; k < a.parameters().size(); k++) {
      assertArrayEquals(a.parameters().get(k).value().data(), b.parameters().get(k).value().data());
    }
    // a tap is not part of the optimizer's state: the checkpoints with and without it are the same
    Map<String, dev.fivefold.tensor.Tensor> sa = new java.util.TreeMap<>(), sb = new java.util.TreeMap<>();
    Map<String, String> ma = new java.util.TreeMap<>(), mb = new java.util.TreeMap<>();
    oa.saveState(sa, ma);
    ob.saveState(sb, mb);
    assertEquals(sa.keySet(), sb.keySet());
    assertEquals(ma, mb);
    for (String k : sa.keySet()) assertArrayEquals(sa.get(k).data(), sb.get(k).data(), k);
    List<Map<String, Object>> ev = PythonEvents.read(tmp, file);
    long grads = ev.stream().filter(e -> String.valueOf(e.get("tag")).startsWith("gradients/")).count();
    assertEquals(3L * a.parameters().size(), grads);
    assertTrue(Files.size(file) > 0);
  }
}
