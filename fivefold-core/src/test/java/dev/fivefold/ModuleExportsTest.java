package dev.fivefold;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module descriptor exports every package of fivefold-core (each is public API, see
 * module-info): a package added without its {@code exports} line would compile here but be invisible
 * to programs that use fivefold as a module.
 */
class ModuleExportsTest {
  @Test
  void everyPackageIsExported() throws IOException {
    Path src = Path.of("src/main/java");
    Set<String> packages = new TreeSet<>();
    try (Stream<Path> files = Files.walk(src)) {
      files.filter(f -> f.toString().endsWith(".java") && !f.getFileName().toString().equals("module-info.java"))
          .forEach(f -> packages.add(src.relativize(f.getParent()).toString().replace('/', '.')));
    }
    Set<String> exported = new TreeSet<>();
    Matcher m = Pattern.compile("exports\\s+([a-z0-9_.]+)\\s*;").matcher(Files.readString(src.resolve("module-info.java")));
    while (m.find()) exported.add(m.group(1));
    assertEquals(packages, exported);
  }
}
