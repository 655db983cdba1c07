package dev.fivefold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.cli.CliTest.Result;
import dev.fivefold.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rnnvsgpt end to end on a tiny text: the run folder (table, curve, chart, metadata) and a bad flag. */
class RnnVsGptCliTest {
  @TempDir Path tmp;

  @Test
  void writesItsRunFolder() throws IOException {
    Path text = tmp.resolve("t.txt");
    Files.writeString(text, "in the beginning god created the heaven and the earth. ".repeat(60));
    Path out = tmp.resolve("run");
    Result r = CliTest.run("rnnvsgpt", "--data", text.toString(), "--minutes", "1", "--max-steps", "3", "--batch", "2", "--context", "8",
        "--layers", "1", "--heads", "2", "--width", "16", "--eval-tokens", "64", "--curve-points", "3", "--threads", "1", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("model 1/3: gpt") && r.err().contains("model 3 done: gru"), r.err());
    List<String> table = Files.readAllLines(out.resolve("rnnvsgpt.csv"));
    assertEquals(4, table.size(), String.join("\n", table));
    assertTrue(table.get(1).startsWith("gpt,") && table.get(2).startsWith("lstm,") && table.get(3).startsWith("gru,"), String.join("\n", table));
    List<String> curve = Files.readAllLines(out.resolve("curve.csv"));
    assertEquals("model,step,seconds,bpc", curve.getFirst());
    // per model: before training, at 1/3 and 2/3 of the 3 steps, and at the end
    for (String m : List.of("gpt", "lstm", "gru")) {
      List<String> rows = curve.stream().filter(l -> l.startsWith(m + ",")).toList();
      assertEquals(List.of("0", "1", "2", "3"), rows.stream().map(l -> l.split(",")[1]).toList(), m + ": " + rows);
    }
    assertTrue(Files.size(out.resolve("rnnvsgpt.png")) > 1000);
    Map<?, ?> meta = (Map<?, ?>) Json.parse(Files.readString(out.resolve("metrics.json")));
    assertEquals("rnnvsgpt", meta.get("command"));
    assertTrue(((Map<?, ?>) meta.get("final")).containsKey("lstm_bpc"));
  }

  @Test
  void curvePointsBelowOneIsOneLineExit2() {
    Result r = CliTest.run("rnnvsgpt", "--curve-points", "0");
    assertEquals(2, r.code());
    assertEquals("fivefold: --curve-points (0) must be >= 1", r.errLines().getFirst());
  }
}
