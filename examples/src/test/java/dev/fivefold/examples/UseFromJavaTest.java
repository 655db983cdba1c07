package dev.fivefold.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the README's "Use it from Java" program, so that it can never rot. */
class UseFromJavaTest {
  @TempDir Path tmp;

  @Test
  void theExampleRunsToTheEnd() throws Exception {
    PrintStream old = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      UseFromJava.main(new String[] {tmp.toString()});
    } finally {
      System.setOut(old);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    old.print(text);
    assertTrue(Files.isRegularFile(tmp.resolve("model.safetensors")) && Files.isRegularFile(tmp.resolve("model.ffz")), text);
    Matcher m = Pattern.compile("compressed to [\\d,]+ bytes \\(([\\d.]+)x smaller than float32\\): test accuracy ([\\d.]+)").matcher(text);
    assertTrue(m.find(), text);
    assertTrue(Double.parseDouble(m.group(1)) > 3, "compression ratio " + m.group(1));
    assertTrue(Double.parseDouble(m.group(2)) > 0.8, "accuracy after compression " + m.group(2));
  }
}
