package dev.fivefold.io.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The independent reader of event files: Debian's protoc compiles scripts/tensorboard/event.proto
 * and python3-protobuf parses the records that scripts/tensorboard/read_events.py unframes
 * (CRC32C checked in Python). Installed by scripts/install-test-deps.sh; missing tools fail the test.
 */
final class PythonEvents {
  static final Path DIR = Path.of("..", "scripts", "tensorboard").toAbsolutePath().normalize();

  private PythonEvents() {}

  /** One map per event, in file order. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> read(Path tmp, Path... files) throws IOException, InterruptedException {
    assertTrue(Files.isExecutable(Path.of("/usr/bin/protoc")) && Files.isExecutable(Path.of("/usr/bin/python3")),
        "needs protobuf-compiler and python3-protobuf: run scripts/install-test-deps.sh as root (./fivefold test does)");
    Path gen = Files.createDirectories(tmp.resolve("pb2"));
    run(List.of("/usr/bin/protoc", "-I" + DIR, "--python_out=" + gen, DIR.resolve("event.proto").toString()));
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", DIR.resolve("read_events.py").toString(), gen.toString()));
    for (Path f : files) cmd.add(f.toString());
    List<Map<String, Object>> out = new ArrayList<>();
    for (String line : run(cmd).split("\n")) if (!line.isBlank()) out.add((Map<String, Object>) Json.parse(line));
    return out;
  }

  private static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    return out;
  }
}
