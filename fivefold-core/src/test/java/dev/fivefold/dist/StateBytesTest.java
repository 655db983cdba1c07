package dev.fivefold.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.io.BadInputException;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.TrainState;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link StateBytes}: an exact round trip (NaN bits included), and malformed bytes refused before memory is taken. */
class StateBytesTest {
  @Test
  void roundTripsExactly() {
    Map<String, Tensor> t = new LinkedHashMap<>();
    t.put("a", Tensor.of(new float[] {1.5f, Float.intBitsToFloat(0x7fc00123), -0f}, 3));
    t.put("b", Tensor.of(new float[] {2f, 3f, 4f, 5f}, 2, 2));
    Map<String, String> m = Map.of("k", "v");
    TrainState s = StateBytes.decode(StateBytes.encode(t, m), "test");
    assertEquals(t.keySet(), s.tensors().keySet());
    for (String k : t.keySet()) {
      float[] x = t.get(k).data(), y = s.tensors().get(k).data();
      for (int i = 0; i < x.length; i++) assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]));
      assertArrayEquals(t.get(k).shape().dims(), s.tensors().get(k).shape().dims());
    }
    assertEquals(m, s.meta());
  }

  @Test
  void refusesMalformedBytesNamingTheSource() {
    byte[] good = StateBytes.encode(Map.of("w", Tensor.of(new float[] {1f, 2f}, 2)), Map.of());
    // a huge rank, a negative dimension, a dimension past the bytes left, a truncation, trailing bytes
    byte[] rank = ByteBuffer.allocate(20).putInt(1).putShort((short) 1).put((byte) 'w').putInt(Integer.MAX_VALUE).array();
    byte[] negative = ByteBuffer.allocate(20).putInt(1).putShort((short) 1).put((byte) 'w').putInt(1).putInt(-2).array();
    byte[] huge = ByteBuffer.allocate(20).putInt(1).putShort((short) 1).put((byte) 'w').putInt(2).putInt(1 << 30).putInt(1 << 30).array();
    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    for (byte[] bad : new byte[][] {rank, negative, huge, Arrays.copyOf(good, good.length - 3), trailing}) {
      BadInputException e = assertThrows(BadInputException.class, () -> StateBytes.decode(bad, "worker 3's state"));
      assertTrue(e.getMessage().startsWith("worker 3's state: "), e.getMessage());
    }
  }
}
