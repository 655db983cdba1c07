package dev.fivefold.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.io.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
  @TempDir Path tmp;

  /** Writes n fake images (pixel = (i + p) mod 256) and labels i mod 10 for {@code split} into dir. */
  static void generate(Path dir, FashionMnist.Split split, int n, int labelCount) throws IOException {
    byte[] px = new byte[n * 28 * 28];
    for (int i = 0; i < px.length; i++) px[i] = (byte) (i / 784 + i % 784);
    byte[] labels = new byte[labelCount];
    for (int i = 0; i < labelCount; i++) labels[i] = (byte) (i % 10);
    new Idx(new int[] {n, 28, 28}, px).write(dir.resolve(split.images), true);
    new Idx(new int[] {labelCount}, labels).write(dir.resolve(split.labels), true);
  }

  private FashionMnist.Locator offline() {
    return FashionMnist.Locator.defaults(null, tmp.resolve("home"))
        .withSearchDirs(List.of(tmp.resolve("a"), tmp.resolve("b")));
  }

  @Test
  void loadsFromExplicitDirectory() throws IOException {
    Path dir = tmp.resolve("explicit");
    generate(dir, FashionMnist.Split.TEST, 12, 12);
    Dataset d = FashionMnist.test(offline().withDirectory(dir));
    assertArrayEquals(new int[] {12, 1, 28, 28}, d.x().shape().dims());
    assertEquals(10, d.classes());
    assertEquals(3, d.y()[13 % 12 + 2]);
    assertEquals(5 / 255f, d.x().get(2, 0, 0, 3));
    assertEquals(1f, d.x().get(0, 0, 9, 3)); // 255
    BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.train(offline().withDirectory(dir)));
    assertEquals(dir + ": Fashion-MNIST file train-images-idx3-ubyte.gz is missing (expected [train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz] there)", e.getMessage());
  }

  @Test
  void searchesInOrderThenCache() throws IOException {
    generate(tmp.resolve("b"), FashionMnist.Split.TRAIN, 3, 3);
    generate(offline().cacheDir(), FashionMnist.Split.TRAIN, 5, 5);
    assertEquals(tmp.resolve("b"), FashionMnist.locate(FashionMnist.Split.TRAIN, offline()));
    assertEquals(3, FashionMnist.train(offline()).size());
    generate(offline().cacheDir(), FashionMnist.Split.TEST, 4, 4);
    assertEquals(4, FashionMnist.test(offline()).size());
  }

  @Test
  void defaultsOrder() {
    FashionMnist.Locator l = FashionMnist.Locator.defaults("/data", Path.of("/home/u"));
    assertEquals(List.of(Path.of("/data/fashion-mnist"), Path.of("/data"), Path.of(FashionMnist.DEBIAN_DIR)), l.searchDirs());
    assertEquals(Path.of("/home/u/.cache/fivefold/fashion-mnist"), l.cacheDir());
    assertEquals(List.of(Path.of(FashionMnist.DEBIAN_DIR)), FashionMnist.Locator.defaults(null, Path.of("/h")).searchDirs());
  }

  @Test
  void countMismatchAndBadLabels() throws IOException {
    Path dir = tmp.resolve("bad");
    generate(dir, FashionMnist.Split.TEST, 9, 10);
    BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.read(dir, FashionMnist.Split.TEST));
    assertEquals("t10k-images-idx3-ubyte.gz: image count (9) does not match label count (10) of t10k-labels-idx1-ubyte.gz", e.getMessage());
    new Idx(new int[] {9}, new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 10}).write(dir.resolve(FashionMnist.Split.TEST.labels), true);
    e = assertThrows(BadInputException.class, () -> FashionMnist.read(dir, FashionMnist.Split.TEST));
    assertEquals("t10k-labels-idx1-ubyte.gz: label 8 (10) is not in [0, 10)", e.getMessage());
    new Idx(new int[] {2, 28, 27}, new byte[2 * 28 * 27]).write(dir.resolve(FashionMnist.Split.TEST.images), false);
    e = assertThrows(BadInputException.class, () -> FashionMnist.read(dir, FashionMnist.Split.TEST));
    assertEquals("t10k-images-idx3-ubyte.gz: dimensions [2, 28, 27] are not [N, 28, 28]", e.getMessage());
  }

  @Test
  void missingFilesNameEveryDirectoryTried() {
    FashionMnist.Locator loc = offline();
    BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.test(loc));
    assertEquals("Fashion-MNIST [t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz] not found in ["
        + tmp.resolve("a") + ", " + tmp.resolve("b") + ", " + loc.cacheDir() + "]. "
        + "Install the Debian package dataset-fashion-mnist (sudo apt-get install dataset-fashion-mnist), or put the files in "
        + loc.cacheDir() + " or in a directory named by the environment variable FIVEFOLD_DATA", e.getMessage());
  }

  /** The real files, when the Debian package is installed. */
  @Test
  void realTestSetWhenInstalled() throws IOException {
    Path dir = Path.of(FashionMnist.DEBIAN_DIR);
    Assumptions.assumeTrue(Files.isRegularFile(dir.resolve(FashionMnist.Split.TEST.images)), "dataset-fashion-mnist not installed");
    Dataset d = FashionMnist.test(FashionMnist.Locator.directory(dir));
    assertArrayEquals(new int[] {10000, 1, 28, 28}, d.x().shape().dims());
    int[] counts = new int[10];
    for (int y : d.y()) counts[y]++;
    for (int c : counts) assertEquals(1000, c);
    assertEquals(9, d.y()[0]); // the first test image is an ankle boot
  }
}
