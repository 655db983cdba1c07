package dev.fivefold.compress.code;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CodersTest {
  @Test
  void everyNameRoundTripsAndAliasesAgree() {
    int[] s = {0, 1, 1, 2, 2, 2, 3, 3, 3, 3, 0, 7};
    for (String n : Coders.NAMES) assertArrayEquals(s, Coders.byName(n).decode(Coders.byName(n).encode(s, 8)), n);
    assertEquals(Coders.byName("rans").name(), Coders.byName("ans").name());
    assertEquals(Coders.byName("arith").name(), Coders.byName("arith-static").name());
    assertEquals(Coders.byName("smallest").name(), Coders.byName("best").name());
    assertEquals(EntropyCoder.huffman().name(), Coders.byName("huffman").name());
  }

  @Test
  void unknownNameIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Coders.byName("lz4"));
    assertEquals("coder (lz4) must be one of huffman, rans, ans, arith, arith-adaptive, smallest", e.getMessage());
  }
}
