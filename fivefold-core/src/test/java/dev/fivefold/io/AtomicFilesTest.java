package dev.fivefold.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void writesAndReplaces() throws IOException {
    Path p = dir.resolve("sub/a.txt");
    AtomicFiles.writeString(p, "one");
    assertEquals("one", Files.readString(p));
    AtomicFiles.write(p, out -> {
      out.write("two".getBytes());
      out.close(); // allowed, no effect
    });
    assertEquals("two", Files.readString(p));
    assertEquals(List.of(p), list(p.getParent()));
  }

  @Test
  void failureLeavesOldFileAndNoTemp() throws IOException {
    Path p = dir.resolve("b.bin");
    AtomicFiles.writeString(p, "old");
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(p, out -> {
      out.write(new byte[100_000]);
      throw new IOException("disk on fire");
    }));
    assertEquals("disk on fire", e.getMessage());
    assertThrows(IllegalStateException.class, () -> AtomicFiles.write(p, out -> {
      throw new IllegalStateException("bug");
    }));
    assertEquals("old", Files.readString(p));
    assertEquals(List.of(p), list(dir));
  }

  @Test
  void failureWithoutOldFileLeavesNothing() throws IOException {
    Path p = dir.resolve("c.bin");
    assertThrows(IOException.class, () -> AtomicFiles.write(p, out -> {
      throw new IOException("x");
    }));
    assertEquals(List.of(), list(dir));
  }

  private static List<Path> list(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.toList();
    }
  }
}
