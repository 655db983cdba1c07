package dev.fivefold.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.fivefold.io.BadInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
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
        .withSearchDirs(List.of(tmp.resolve("a"), tmp.resolve("b")))
        .withBaseUrl(null)
        .withInstaller(null);
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
    assertEquals(URI.create(FashionMnist.BASE_URL), l.baseUrl());
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
  void downloadsFromServerIntoCacheOnce() throws IOException {
    Path served = tmp.resolve("served");
    generate(served, FashionMnist.Split.TRAIN, 7, 7);
    AtomicInteger hits = new AtomicInteger();
    HttpServer server = serve(served, hits);
    try {
      List<String> progress = new ArrayList<>();
      AtomicLong last = new AtomicLong();
      FashionMnist.Locator loc = offline()
          .withBaseUrl(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/fm/"))
          .withTimeout(Duration.ofSeconds(10))
          .withProgress((f, bytes, total) -> {
            if (!progress.contains(f)) progress.add(f);
            assertTrue(bytes <= total);
            last.set(bytes);
          });
      Dataset d = FashionMnist.train(loc);
      assertEquals(7, d.size());
      assertEquals(2, hits.get());
      assertEquals(List.of(FashionMnist.Split.TRAIN.images, FashionMnist.Split.TRAIN.labels), progress);
      assertEquals(Files.size(served.resolve(FashionMnist.Split.TRAIN.labels)), last.get());
      assertArrayEquals(Files.readAllBytes(served.resolve(FashionMnist.Split.TRAIN.images)),
          Files.readAllBytes(loc.cacheDir().resolve(FashionMnist.Split.TRAIN.images)));
      assertEquals(d, FashionMnist.train(loc));
      assertEquals(2, hits.get()); // second time from the cache

      // test split is not served: 404, nothing left in the cache, clear message
      BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.test(loc));
      assertTrue(e.getMessage().contains("download from " + loc.baseUrl() + " failed (HTTP 404 for " + loc.baseUrl() + "t10k-images-idx3-ubyte.gz)"), e.getMessage());
      try (Stream<Path> s = Files.list(loc.cacheDir())) {
        assertEquals(2, s.count());
      }

      // a corrupt download is rejected and not cached
      Files.write(served.resolve(FashionMnist.Split.TEST.images), new byte[] {1, 2, 3, 4, 0, 0, 0, 0});
      Files.copy(served.resolve(FashionMnist.Split.TRAIN.labels), served.resolve(FashionMnist.Split.TEST.labels));
      e = assertThrows(BadInputException.class, () -> FashionMnist.test(loc));
      assertTrue(e.getMessage().contains("failed (downloaded t10k-images-idx3-ubyte.gz: magic (0x01020304) is not an IDX file"), e.getMessage());
      assertFalse(Files.exists(loc.cacheDir().resolve(FashionMnist.Split.TEST.images)));
    } finally {
      server.stop(0);
    }
  }

  @Test
  void installerRunsLastAndNothingFoundMessage() throws IOException {
    AtomicInteger runs = new AtomicInteger();
    FashionMnist.Locator loc = offline().withInstaller(() -> {
      runs.incrementAndGet();
      return false; // not Debian, or not root
    });
    BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.test(loc));
    assertEquals(1, runs.get());
    assertEquals("Fashion-MNIST [t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz] not found in ["
        + tmp.resolve("a") + ", " + tmp.resolve("b") + ", " + loc.cacheDir() + "]; downloading is disabled. "
        + "Install the Debian package dataset-fashion-mnist (sudo apt-get install dataset-fashion-mnist), or put the files in "
        + loc.cacheDir() + " or in a directory named by the environment variable FIVEFOLD_DATA", e.getMessage());

    FashionMnist.Locator installs = offline().withInstaller(() -> {
      generate(tmp.resolve("a"), FashionMnist.Split.TEST, 2, 2);
      return true;
    });
    assertEquals(2, FashionMnist.test(installs).size());
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

  private static HttpServer serve(Path dir, AtomicInteger hits) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/fm/", ex -> {
      Path f = dir.resolve(ex.getRequestURI().getPath().substring("/fm/".length()));
      if (!Files.isRegularFile(f)) {
        ex.sendResponseHeaders(404, -1);
        ex.close();
        return;
      }
      hits.incrementAndGet();
      byte[] body = Files.readAllBytes(f);
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    return server;
  }
}
