package dev.fivefold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.cli.CliTest.Result;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** explain end to end on tiny trained models: the files and their sizes, the tables; bad input is one line, exit 2, nothing written. */
class ExplainCliTest {
  @TempDir static Path tmp;
  static Path idx, lenet, vit;

  @BeforeAll
  static void tinyModels() throws IOException {
    idx = TinyFashion.standard(tmp);
    lenet = train("lenet5:2-3-8", "lenet");
    vit = train("vit:patch=7,width=8,layers=2,heads=2,mlp=12", "vit");
  }

  static Path train(String spec, String name) {
    Path run = tmp.resolve(name);
    Result r = CliTest.run("train", "--model", spec, "--data-dir", idx.toString(), "--epochs", "1", "--batch", "32", "--out", run.toString(), "--threads", "1");
    assertEquals(0, r.code(), r.err());
    return run.resolve("checkpoint.safetensors");
  }

  static Result explain(Path ckpt, Path out, String... extra) {
    String[] base = {"explain", ckpt.toString(), "--data-dir", idx.toString(), "--images", "0,3", "--samples", "2", "--deletion-images", "8", "--steps", "4",
        "--sanity-images", "3", "--threads", "1", "--out", out.toString()};
    String[] all = Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return CliTest.run(all);
  }

  static void assertPng(Path file, int width, int height) throws IOException {
    assertTrue(Files.isRegularFile(file), file + " missing");
    BufferedImage img = ImageIO.read(file.toFile());
    assertEquals(width, img.getWidth(), file.toString());
    assertEquals(height, img.getHeight(), file.toString());
  }

  @Test
  void cnnPicturesAndEvidence() throws IOException {
    Path out = tmp.resolve("ex-lenet");
    Result r = explain(lenet, out);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("deletion curves") && r.out().contains("random") && r.out().contains("auc_accuracy"), r.out());
    assertTrue(r.out().contains("sanity check") && r.out().contains("down to fc2") && r.out().contains("down to conv1"), r.out());
    // image + gradient, gradxinput, smoothgrad, gradcam, occlusion; two images
    assertPng(out.resolve("maps.png"), ImageGrid.width(6, ExplainCommand.CELL), ImageGrid.height(2, ExplainCommand.CELL));
    assertPng(out.resolve("filters.png"), ImageGrid.width(8, 56), ImageGrid.height(1, 56));
    assertPng(out.resolve("features-conv1.png"), ImageGrid.width(3, 56), ImageGrid.height(2, 56));
    assertPng(out.resolve("features-conv2.png"), ImageGrid.width(4, 56), ImageGrid.height(2, 56));
    assertPng(out.resolve("deletion.png"), 800, 500);
    assertPng(out.resolve("sanity.png"), 800, 500);
    assertFalse(Files.exists(out.resolve("attention.png")));
    assertEquals(1 + 6 * 5, Files.readAllLines(out.resolve("deletion.csv")).size());
    assertEquals(1 + 4, Files.readAllLines(out.resolve("sanity.csv")).size());
    // a run folder is accepted for its checkpoint; one method, one layer
    Result one = explain(lenet.getParent(), tmp.resolve("ex-lenet-one"), "--methods", "gradcam", "--layer", "conv2", "--layers", "relu1", "--sanity", "all");
    assertEquals(0, one.code(), one.err());
    assertPng(tmp.resolve("ex-lenet-one").resolve("maps.png"), ImageGrid.width(2, ExplainCommand.CELL), ImageGrid.height(2, ExplainCommand.CELL));
    assertTrue(Files.exists(tmp.resolve("ex-lenet-one").resolve("features-relu1.png")));
    assertEquals(1 + 1, Files.readAllLines(tmp.resolve("ex-lenet-one").resolve("sanity.csv")).size());
  }

  @Test
  void vitAttentionAndRollout() throws IOException {
    Path out = tmp.resolve("ex-vit");
    Result r = explain(vit, out, "--methods", "rollout,gradient,occlusion", "--patch", "7", "--stride", "7");
    assertEquals(0, r.code(), r.err());
    assertPng(out.resolve("maps.png"), ImageGrid.width(4, ExplainCommand.CELL), ImageGrid.height(2, ExplainCommand.CELL));
    // image, 2 layers × 2 heads, rollout
    assertPng(out.resolve("attention.png"), ImageGrid.width(6, ExplainCommand.CELL), ImageGrid.height(2, ExplainCommand.CELL));
    assertTrue(Files.exists(out.resolve("filters.png")) && Files.exists(out.resolve("deletion.png")) && Files.exists(out.resolve("sanity.png")));
    assertTrue(r.out().contains("down to head") && r.out().contains("rollout"), r.out());
  }

  @Test
  void badInputIsOneLineExit2AndWritesNothing() {
    String[][] cases = { // the flags, then the message
        {"--images", "64", "--images (64) must be < 64 (the test set's size)"},
        {"--images", "-1", "--images (-1) must be >= 0"},
        {"--methods", "lime", "--methods (lime) must be one of gradient, gradxinput, smoothgrad, gradcam, occlusion, rollout"},
        {"--methods", "rollout", "--methods (rollout) needs a vit checkpoint (attention)"},
        {"--methods", "gradient,gradient", "--methods (gradient) is given twice"},
        {"--attention", "--attention needs a vit checkpoint"},
        {"--patch", "0", "--patch (0) must be >= 1"},
        {"--stride", "-2", "--stride (-2) must be >= 1"},
        {"--patch", "29", "--patch (29) must be <= 28"},
        {"--sigma", "-0.5", "--sigma (-0.5) must be >= 0"},
        {"--baseline", "NaN", "--baseline (NaN) must be finite"},
        {"--layer", "fc1", "--layer (fc1) must be a convolutional layer of lenet5:2-3-8: one of conv1, relu1, pool1, conv2, relu2, pool2"},
        {"--layer", "relu2", "--methods", "gradient", "--layer (relu2) is Grad-CAM's layer, but --methods (gradient) has no gradcam"},
        {"--layers", "conv1,fc2", "--layers (fc2) must be a convolutional layer of lenet5:2-3-8"},
        {"--sanity", "half", "--sanity (half) must be cascading, independent or all"},
    };
    int k = 0;
    for (String[] c : cases) {
      Path out = tmp.resolve("bad-" + k++);
      String expected = c[c.length - 1];
      Result r = explain(lenet, out, Arrays.copyOf(c, c.length - 1));
      assertEquals(2, r.code(), c[0] + ": " + r.err());
      assertTrue(r.errLines().getFirst().startsWith("fivefold: ") && r.errLines().getFirst().contains(expected), c[0] + ": " + r.err());
      assertTrue(r.errLines().size() <= 2, r.err());
      assertFalse(Files.exists(out), c[0] + ": " + out + " was created");
    }
    Path out = tmp.resolve("bad-vit");
    Result r = explain(vit, out, "--methods", "gradcam");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.errLines().getFirst().contains("--methods (gradcam) needs a cnn checkpoint"), r.err());
    assertFalse(Files.exists(out));
  }
}
