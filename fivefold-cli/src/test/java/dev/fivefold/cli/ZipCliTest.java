package dev.fivefold.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZipCliTest {
  @TempDir Path tmp;

  @Test
  void zipThenUnzipRestoresTheFileAndChartsTheCurve() throws IOException {
    Path in = tmp.resolve("verse.txt");
    byte[] text = "And God said, Let there be light: and there was light.\n".repeat(300).getBytes(StandardCharsets.UTF_8);
    Files.write(in, text);
    Path arc = tmp.resolve("v.ffx"), png = tmp.resolve("bpb.png");
    var z = CliTest.run("zip", in.toString(), "-o", arc.toString(), "--network", "--layers", "1", "--width", "16", "--heads", "2", "--window", "8",
        "--segments", "2", "--table-bits", "14", "--threads", "2", "--chart", png.toString());
    assertEquals(0, z.code(), z.err());
    assertTrue(z.out().contains("bits/byte") && z.out().contains("verse.txt"), z.out());
    assertTrue(Files.size(png) > 0);
    var u = CliTest.run("unzip", arc.toString(), "--threads", "1");
    assertEquals(0, u.code(), u.err());
    assertArrayEquals(text, Files.readAllBytes(tmp.resolve("v")));
    var again = CliTest.run("unzip", arc.toString());
    assertEquals(2, again.code());
    assertTrue(again.errLines().getFirst().contains("exists"), again.err());
  }

  @Test
  void theNetworkIsOffByDefaultAndNoNetworkIsAcceptedAsBefore() throws IOException {
    Path in = tmp.resolve("v.txt");
    byte[] text = "In the beginning God created the heaven and the earth.\n".repeat(100).getBytes(StandardCharsets.UTF_8);
    Files.write(in, text);
    var z = CliTest.run("zip", in.toString(), "--table-bits", "14");
    assertEquals(0, z.code(), z.err());
    assertTrue(z.err().contains("no network") && z.err().contains("1 segments"), z.err());
    var old = CliTest.run("zip", in.toString(), "-o", tmp.resolve("old.ffx").toString(), "--no-network", "--table-bits", "14");
    assertEquals(0, old.code(), old.err());
    assertArrayEquals(Files.readAllBytes(tmp.resolve("v.txt.ffx")), Files.readAllBytes(tmp.resolve("old.ffx")), "--no-network is the default");
    var both = CliTest.run("zip", in.toString(), "-o", tmp.resolve("both.ffx").toString(), "--network", "--no-network");
    assertEquals(2, both.code());
    assertTrue(both.errLines().getFirst().contains("--network and --no-network"), both.err());
    assertFalse(Files.exists(tmp.resolve("both.ffx")));
  }

  @Test
  void badArchiveIsOneLineExitTwoAndLeavesNothing() throws IOException {
    Path bad = tmp.resolve("bad.ffx");
    Files.writeString(bad, "not an archive at all, just text");
    var r = CliTest.run("unzip", bad.toString(), "-o", tmp.resolve("out").toString());
    assertEquals(2, r.code());
    assertTrue(r.errLines().getFirst().startsWith("fivefold: ") && r.errLines().getFirst().contains("bad.ffx"), r.err());
    assertFalse(Files.exists(tmp.resolve("out")));
    var m = CliTest.run("zip", tmp.resolve("missing.txt").toString());
    assertEquals(2, m.code());
    assertTrue(m.errLines().getFirst().contains("missing.txt"), m.err());
  }
}
