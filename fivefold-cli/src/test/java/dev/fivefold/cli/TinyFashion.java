package dev.fivefold.cli;

import dev.fivefold.data.FashionMnist;
import dev.fivefold.data.Idx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** A tiny Fashion-MNIST-format directory for CLI tests: images whose class is a bright band of rows. */
final class TinyFashion {
  private TinyFashion() {}

  /** The tests' standard set, 256 training and 64 test images, in {@code tmp}/idx; also sets headless AWT for the charts. */
  static Path standard(Path tmp) throws IOException {
    System.setProperty("java.awt.headless", "true");
    return write(tmp.resolve("idx"), 256, 64);
  }

  /** Writes the four gzipped IDX files into {@code dir} and returns it. */
  static Path write(Path dir, int train, int test) throws IOException {
    Files.createDirectories(dir);
    write(dir, FashionMnist.Split.TRAIN, train, 1);
    write(dir, FashionMnist.Split.TEST, test, 2);
    return dir;
  }

  /** Writes the two gzipped IDX files of {@code split}, {@code n} images drawn with {@code seed}, into {@code dir}. */
  static void write(Path dir, FashionMnist.Split split, int n, long seed) throws IOException {
    Files.createDirectories(dir);
    Random r = new Random(seed);
    byte[] px = new byte[n * 784], y = new byte[n];
    for (int i = 0; i < n; i++) {
      int c = r.nextInt(10);
      y[i] = (byte) c;
      for (int p = 0; p < 784; p++) px[i * 784 + p] = (byte) (p / 28 / 3 == c ? 200 + r.nextInt(50) : r.nextInt(40));
    }
    new Idx(new int[] {n, 28, 28}, px).write(dir.resolve(split.images), true);
    new Idx(new int[] {n}, y).write(dir.resolve(split.labels), true);
  }
}
