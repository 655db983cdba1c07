package dev.fivefold.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void parsesAllValueKinds() {
    Object v = Json.parse(" {\"a\": [1, -2.5, 3e2, true, false, null], \"b\": {\"c\": \"x\\n\\u00e9\\\"\"}, \"big\": 123456789012345678901} ");
    Map<?, ?> m = (Map<?, ?>) v;
    assertEquals(List.of("a", "b", "big"), List.copyOf(m.keySet()));
    List<?> a = (List<?>) m.get("a");
    assertEquals(1L, a.get(0));
    assertEquals(-2.5, a.get(1));
    assertEquals(300.0, a.get(2));
    assertEquals(true, a.get(3));
    assertEquals(false, a.get(4));
    assertNull(a.get(5));
    assertEquals("x\né\"", ((Map<?, ?>) m.get("b")).get("c"));
    assertEquals(1.2345678901234568e20, m.get("big"));
  }

  @Test
  void roundTripsCompactAndPretty() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", "tab\there \u0001");
    m.put("shape", new int[] {2, 3});
    m.put("lr", 0.001);
    m.put("f", 1.5f);
    m.put("nested", List.of(Map.of("k", 1L), List.of()));
    m.put("empty", Map.of());
    m.put("none", null);
    String compact = Json.write(m);
    assertEquals("{\"name\":\"tab\\there \\u0001\",\"shape\":[2,3],\"lr\":0.001,\"f\":1.5,\"nested\":[{\"k\":1},[]],\"empty\":{},\"none\":null}", compact);
    Object back = Json.parse(compact);
    assertEquals(Json.write(back), compact);
    String pretty = Json.pretty(m);
    assertTrue(pretty.contains("\n  \"shape\": [2, 3],\n"), pretty);
    assertEquals(compact, Json.write(Json.parse(pretty)));
  }

  @Test
  void rejectsMalformedWithPosition() {
    assertMessage("{\"a\" 1}", "cfg.json at position 5: expected ':' but found '1'");
    assertMessage("[1, 2", "cfg.json at position 5: expected ',' or ']' but found end of input");
    assertMessage("{\"a\":1,\"a\":2}", "cfg.json at position 7: duplicate key \"a\"");
    assertMessage("01", "cfg.json at position 1: leading zero in number");
    assertMessage("\"abc", "cfg.json at position 4: unterminated string");
    assertMessage("[1] x", "cfg.json at position 4: unexpected 'x' after the value");
    assertMessage("tru", "cfg.json at position 0: expected 'true' but found 't'");
    assertMessage("", "cfg.json at position 0: expected a value but found end of input");
    assertMessage("\"\\q\"", "cfg.json at position 2: bad escape \\q");
    assertMessage("[1.]", "cfg.json at position 3: expected a digit after '.' but found ']'");
    assertMessage("[" .repeat(600), "cfg.json at position 513: nesting deeper than 512");
  }

  @Test
  void rejectsNonFiniteOnWrite() {
    assertThrows(IllegalArgumentException.class, () -> Json.write(List.of(Double.NaN)));
    assertThrows(IllegalArgumentException.class, () -> Json.write(Float.POSITIVE_INFINITY));
  }

  private static void assertMessage(String text, String message) {
    BadInputException e = assertThrows(BadInputException.class, () -> Json.parse(text, "cfg.json"));
    assertEquals(message, e.getMessage());
  }
}
