package dev.fivefold.cli;

import static dev.fivefold.cli.CliTest.concat;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --tensorboard}: event files read by an independent reader (protoc-compiled event.proto and
 * python3-protobuf, installed by scripts/install-test-deps.sh; missing tools fail the test).
 */
class TensorBoardCliTest {
  static final Path DIR = Path.of("..", "scripts", "tensorboard").toAbsolutePath().normalize();
  @TempDir Path tmp;

  @Test
  void trainWritesScalarsHistogramsImagesAndTrainsBitIdentically() throws Exception {
    Path idx = TinyFashion.standard(tmp);
    String[] common = {"train", "--model", "mlp:784-16-10", "--data-dir", idx.toString(), "--epochs", "3", "--eval-every", "2", "--threads", "1"};
    CliTest.Result plain = CliTest.run(concat(common, "--out", tmp.resolve("plain").toString()));
    assertEquals(0, plain.code(), plain.err());
    CliTest.Result tb = CliTest.run(concat(common, "--out", tmp.resolve("tb").toString(), "--tensorboard"));
    assertEquals(0, tb.code(), tb.err());
    assertEquals(Files.readString(tmp.resolve("plain/eval.csv")).replaceAll("(?m)^([^,]*,[^,]*),[^,]*,", "$1,_,"),
        Files.readString(tmp.resolve("tb/eval.csv")).replaceAll("(?m)^([^,]*,[^,]*),[^,]*,", "$1,_,"), "bit-identical metrics (seconds aside)");
    assertEquals(column(tmp.resolve("plain/steps.csv"), 2), column(tmp.resolve("tb/steps.csv"), 2), "bit-identical losses");

    List<Map<String, Object>> ev = read(events(tmp.resolve("tb")));
    long steps = ev.stream().filter(e -> "train/loss".equals(e.get("tag"))).count();
    assertEquals(6, steps, "one loss per step (2 steps per epoch, 3 epochs)");
    assertTrue(ev.stream().anyMatch(e -> "eval/accuracy".equals(e.get("tag"))));
    assertTrue(ev.stream().anyMatch(e -> "weights/fc1.weight".equals(e.get("tag")) || String.valueOf(e.get("tag")).startsWith("weights/")));
    assertTrue(ev.stream().anyMatch(e -> String.valueOf(e.get("tag")).startsWith("gradients/") && e.get("histo") != null));
    assertTrue(ev.stream().anyMatch(e -> "images/loss".equals(e.get("tag")) && Boolean.TRUE.equals(((Map<?, ?>) e.get("image")).get("png"))));
    assertTrue(events(tmp.resolve("plain")).isEmpty(), "no events without --tensorboard");
  }

  @Test
  void experimentCommandsExportTheirRunFolder() throws Exception {
    Path dir = tmp.resolve("traj");
    CliTest.Result r = CliTest.run("trajectories", "--steps", "40", "--only", "sgd,adam", "--out", dir.toString(), "--tensorboard");
    assertEquals(0, r.code(), r.err());
    List<Map<String, Object>> ev = read(events(dir));
    assertTrue(ev.stream().filter(e -> "simple_value".equals(e.get("kind"))).count() >= 40, "the CSV series");
    assertTrue(ev.stream().anyMatch(e -> "image".equals(e.get("kind"))), "the PNG pictures");
  }

  static List<String> column(Path csv, int j) throws IOException {
    return Files.readAllLines(csv).stream().map(l -> l.split(",")[j]).toList();
  }

  static List<Path> events(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).toList();
    }
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> read(List<Path> files) throws Exception {
    assertEquals(1, files.size(), "one event file: " + files);
    assertTrue(Files.isExecutable(Path.of("/usr/bin/protoc")), "needs protobuf-compiler: run scripts/install-test-deps.sh as root");
    Path gen = Files.createTempDirectory("pb2");
    exec(List.of("/usr/bin/protoc", "-I" + DIR, "--python_out=" + gen, DIR.resolve("event.proto").toString()));
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", DIR.resolve("read_events.py").toString(), gen.toString()));
    for (Path f : files) cmd.add(f.toString());
    List<Map<String, Object>> out = new ArrayList<>();
    for (String line : exec(cmd).split("\n")) if (!line.isBlank()) out.add((Map<String, Object>) Json.parse(line));
    return out;
  }

  static String exec(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    return out;
  }
}
