package dev.fivefold.cli;

import static dev.fivefold.cli.CliTest.assertOneLineExit2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.cli.CliTest.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** distill end to end on tiny generated data: the table, the per-epoch CSV, the teacher checkpoint, reuse of it; bad flags are one line, exit 2. */
class DistillCliTest {
  @TempDir static Path tmp;
  static Path idx;

  @BeforeAll
  static void tinyIdx() throws IOException {
    idx = TinyFashion.standard(tmp);
  }

  @Test
  void trainsTheTeacherReportsEveryStudentAndReusesTheCheckpoint() throws IOException {
    Path run = tmp.resolve("run");
    Result r = CliTest.run("distill", "--teacher-model", "mlp:784-64-10", "--teacher-members", "2", "--teacher-epochs", "1", "--teacher-jitter", "1",
        "--student", "mlp:784-8-10", "--epochs", "1", "--temperature", "2,8", "--student-jitter", "1", "--batch", "32",
        "--data-dir", idx.toString(), "--threads", "1", "--out", run.toString());
    assertEquals(0, r.code(), r.err());
    for (String row : new String[] {"teacher 1", "teacher 2", "ensemble of 2", "student alone ", "student alone + jitter", "distilled T=2.00", "distilled T=8.00", "gap closed"}) {
      assertTrue(r.out().contains(row), row + " missing in\n" + r.out());
    }
    List<String> csv = Files.readAllLines(run.resolve("distill.csv"));
    assertEquals("model,epoch,test_error_percent", csv.getFirst());
    assertEquals(1 + 6, csv.size(), String.join("\n", csv)); // two teachers and four students, one epoch each
    assertTrue(csv.stream().anyMatch(l -> l.startsWith("distilled T=8.00,1,")), String.join("\n", csv));
    Path t1 = run.resolve("teacher-1.safetensors"), t2 = run.resolve("teacher-2.safetensors");
    assertTrue(Files.size(t1) > 4 * (784 * 64 + 64 * 10), "teacher checkpoint holds the weights");

    // the saved ensemble is reused: same test error, and the distilled student is bit-identical to the first run's
    Result again = CliTest.run("distill", "--teacher", t1 + "," + t2, "--students", "distilled", "--student", "mlp:784-8-10",
        "--epochs", "1", "--temperature", "8", "--student-jitter", "1", "--batch", "32", "--data-dir", idx.toString(), "--threads", "1",
        "--out", tmp.resolve("again").toString());
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("ensemble of 2"), again.out());
    assertEquals(errorOf(r.out(), "teacher "), errorOf(again.out(), "teacher "));
    assertEquals(errorOf(r.out(), "distilled T=8.00"), errorOf(again.out(), "distilled T=8.00"));
  }

  /** The test-error column of the table row starting with {@code name}. */
  private static String errorOf(String out, String name) {
    String line = out.lines().filter(l -> l.startsWith(name.strip() + "  ")).findFirst().orElseThrow(() -> new AssertionError(name + " not in\n" + out));
    return line.split("\\s{2,}")[3];
  }

  /** --mixup: the student alone on the same mixed images is run too, and the gap is reported against both baselines. */
  @Test
  void mixupAddsTheSameInputsBaselineAndItsGapColumn() {
    Result r = CliTest.run("distill", "--teacher-model", "mlp:784-32-10", "--teacher-epochs", "1", "--student", "mlp:784-8-10",
        "--epochs", "1", "--mixup", "1", "--alpha", "0.8", "--match", "logits", "--batch", "32", "--data-dir", idx.toString(), "--threads", "1",
        "--out", tmp.resolve("mix").toString());
    assertEquals(0, r.code(), r.err());
    for (String row : new String[] {"student alone ", "student alone + mixup", "mixup 1.0", "distilled logits", "gap_closed_vs_same_inputs"}) {
      assertTrue(r.out().contains(row), row + " missing in\n" + r.out());
    }
  }

  /** --labelled: teacher and student alone see the first N labels; the distilled student all 256 transfer images. */
  @Test
  void labelledDistillsOnTheWholeTransferSet() throws IOException {
    Path run = tmp.resolve("labelled");
    Result r = CliTest.run("distill", "--labelled", "64", "--teacher-model", "mlp:784-32-10", "--teacher-epochs", "1", "--student", "mlp:784-8-10",
        "--epochs", "2", "--batch", "32", "--data-dir", idx.toString(), "--threads", "1", "--out", run.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("2 student epochs on 64 labelled images; distilled on a transfer set of 256 images, the labels of the first 64 only"), r.out());
    assertTrue(r.out().contains("transfer 256"), r.out());
    // the student alone saw 64 images (2 steps of 32 per epoch), the distilled one 256 (8 steps): both curves have 2 epochs
    List<String> csv = Files.readAllLines(run.resolve("distill.csv"));
    assertEquals(2, csv.stream().filter(l -> l.startsWith("student alone,")).count(), String.join("\n", csv));
    assertEquals(2, csv.stream().filter(l -> l.startsWith("distilled T=4.00,")).count(), String.join("\n", csv));
  }

  @Test
  void badFlagsAreOneLine() {
    assertOneLineExit2(CliTest.run("distill", "--alpha", "1.5"), "--alpha (1.5) must be in [0, 1]");
    assertOneLineExit2(CliTest.run("distill", "--temperature", "4,0"), "--temperature (0.0) must be > 0");
    assertOneLineExit2(CliTest.run("distill", "--teacher-dropout", "1"), "--teacher-dropout (1.0) must be in [0, 1)");
    assertOneLineExit2(CliTest.run("distill", "--teacher-input-dropout", "-0.1"), "--teacher-input-dropout (-0.1) must be in [0, 1)");
    assertOneLineExit2(CliTest.run("distill", "--student-jitter", "-1"), "--student-jitter");
    assertOneLineExit2(CliTest.run("distill", "--teacher-jitter", "30"), "--teacher-jitter (30) must be at most 27 pixels");
    assertOneLineExit2(CliTest.run("distill", "--students", "alone,teacher"), "--students (teacher) must be alone, alone-jitter, alone-mixup or distilled");
    assertOneLineExit2(CliTest.run("distill", "--match", "kl"), "--match (kl) must be soft or logits");
    assertOneLineExit2(CliTest.run("distill", "--mixup", "-1"), "--mixup (-1.0) must be >= 0 and finite");
    assertOneLineExit2(CliTest.run("distill", "--students", "alone-mixup"), "--students alone-mixup needs --mixup > 0");
    assertOneLineExit2(CliTest.run("distill", "--students", "alone-jitter"), "--students alone-jitter needs --student-jitter > 0");
    assertOneLineExit2(CliTest.run("distill", "--labelled", "5000", "--train-samples", "1000"), "--labelled (5000) must be at most --train-samples (1000)");
    assertOneLineExit2(CliTest.run("distill", "--labelled", "5000", "--student-jitter", "1"), "--labelled works with plain transfer images");
    assertOneLineExit2(CliTest.run("distill", "--labelled", "-1"), "--labelled");
    assertOneLineExit2(CliTest.run("distill", "--labelled", "1000", "--data-dir", idx.toString()), "--labelled (1000) must be at most the 256 training images");
    assertOneLineExit2(CliTest.run("distill", "--teacher-dropout", "0.5"), "need an mlp teacher, not lenet5 (--teacher-jitter works for any)");
  }
}
