package dev.fivefold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public API's javadoc builds with every doclint check on and no warning (issue 19): the JDK's
 * own {@code javadoc} tool (of the JDK running the tests) over fivefold-core's module, exactly as
 * {@code scripts/javadoc.sh} runs it. A new public method without its comment, {@code @param} or
 * {@code @return} fails this test (checked by deleting one {@code @return}: the test names the file
 * and line).
 */
class JavadocTest {
  @Test
  void everyPublicElementIsDocumentedWithoutWarnings(@TempDir Path out) throws Exception {
    Path src = Path.of("../fivefold-core/src/main/java");
    assertTrue(Files.isRegularFile(src.resolve("module-info.java")), "fivefold-core sources not found: " + src.toAbsolutePath());
    Path javadoc = Path.of(System.getProperty("java.home"), "bin", "javadoc");
    assertTrue(Files.isExecutable(javadoc), "no javadoc tool in the JDK running the tests: " + javadoc);
    Path log = out.resolve("javadoc.log");
    Process p = new ProcessBuilder(javadoc.toString(), "-quiet", "-Xdoclint:all", "-Xmaxwarns", "100000", "-Xmaxerrs", "100000",
        "--add-modules", "jdk.incubator.vector", "-d", out.resolve("api").toString(),
        "--module-source-path", "dev.fivefold.core=" + src, "--module", "dev.fivefold.core")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "javadoc did not finish in 10 minutes");
    List<String> problems = new ArrayList<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      if ((line.contains(": warning:") || line.contains(": error:")) && !line.contains("incubat")) problems.add(line);
    }
    assertEquals(List.of(), problems.subList(0, Math.min(20, problems.size())),
        problems.size() + " javadoc warnings or errors (scripts/javadoc.sh lists them all)");
    assertEquals(0, p.exitValue(), "javadoc exit code; log: " + Files.readString(log));
    assertTrue(Files.isRegularFile(out.resolve("api/dev.fivefold.core/dev/fivefold/tensor/Tensor.html")), "no page for Tensor");
  }
}
