package dev.fivefold.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.fivefold.data.Dataset;
import dev.fivefold.data.FashionMnist;
import dev.fivefold.data.TextCorpus;
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

/** Obtaining the datasets: Fashion-MNIST downloads and the installer step, the King James text from the bible program. */
class AcquireTest {
  @TempDir Path tmp;

  private FashionMnist.Locator offline() {
    return new FashionMnist.Locator(null, List.of(tmp.resolve("a"), tmp.resolve("b")), tmp.resolve("home/.cache/fivefold/fashion-mnist"));
  }

  /** No download, no installer. */
  private static Acquire.Source none() {
    return Acquire.Source.defaults().withBaseUrl(null).withInstaller(null);
  }

  @Test
  void defaultsDownloadFromTheCanonicalLocation() {
    assertEquals(URI.create(Acquire.BASE_URL), Acquire.Source.defaults().baseUrl());
  }

  @Test
  void foundFilesNeedNoDownload() throws IOException {
    TinyFashion.write(tmp.resolve("b"), FashionMnist.Split.TRAIN, 3, 1);
    AtomicInteger runs = new AtomicInteger();
    Acquire.Source src = none().withInstaller(() -> runs.incrementAndGet() > 0);
    assertEquals(3, Acquire.fashionMnist(FashionMnist.Split.TRAIN, offline(), src).size());
    assertEquals(0, runs.get());
  }

  @Test
  void downloadsFromServerIntoCacheOnce() throws IOException {
    Path served = tmp.resolve("served");
    TinyFashion.write(served, FashionMnist.Split.TRAIN, 7, 1);
    AtomicInteger hits = new AtomicInteger();
    HttpServer server = serve(served, hits);
    try {
      List<String> progress = new ArrayList<>();
      AtomicLong last = new AtomicLong();
      FashionMnist.Locator loc = offline();
      Acquire.Source src = none()
          .withBaseUrl(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/fm/"))
          .withTimeout(Duration.ofSeconds(10))
          .withProgress((f, bytes, total) -> {
            if (!progress.contains(f)) progress.add(f);
            assertTrue(bytes <= total);
            last.set(bytes);
          });
      Dataset d = Acquire.fashionMnist(FashionMnist.Split.TRAIN, loc, src);
      assertEquals(7, d.size());
      assertEquals(2, hits.get());
      assertEquals(List.of(FashionMnist.Split.TRAIN.images, FashionMnist.Split.TRAIN.labels), progress);
      assertEquals(Files.size(served.resolve(FashionMnist.Split.TRAIN.labels)), last.get());
      assertArrayEquals(Files.readAllBytes(served.resolve(FashionMnist.Split.TRAIN.images)),
          Files.readAllBytes(loc.cacheDir().resolve(FashionMnist.Split.TRAIN.images)));
      assertEquals(d, Acquire.fashionMnist(FashionMnist.Split.TRAIN, loc, src));
      assertEquals(2, hits.get()); // second time from the cache

      // test split is not served: 404, nothing left in the cache, clear message
      BadInputException e = assertThrows(BadInputException.class, () -> Acquire.fashionMnist(FashionMnist.Split.TEST, loc, src));
      assertTrue(e.getMessage().contains("download from " + src.baseUrl() + " failed (HTTP 404 for " + src.baseUrl() + "t10k-images-idx3-ubyte.gz)"), e.getMessage());
      try (Stream<Path> s = Files.list(loc.cacheDir())) {
        assertEquals(2, s.count());
      }

      // a corrupt download is rejected and not cached
      Files.write(served.resolve(FashionMnist.Split.TEST.images), new byte[] {1, 2, 3, 4, 0, 0, 0, 0});
      Files.copy(served.resolve(FashionMnist.Split.TRAIN.labels), served.resolve(FashionMnist.Split.TEST.labels));
      e = assertThrows(BadInputException.class, () -> Acquire.fashionMnist(FashionMnist.Split.TEST, loc, src));
      assertTrue(e.getMessage().contains("failed (downloaded t10k-images-idx3-ubyte.gz: magic (0x01020304) is not an IDX file"), e.getMessage());
      assertFalse(Files.exists(loc.cacheDir().resolve(FashionMnist.Split.TEST.images)));
    } finally {
      server.stop(0);
    }
  }

  @Test
  void installerRunsLastAndNothingFoundMessage() throws IOException {
    AtomicInteger runs = new AtomicInteger();
    FashionMnist.Locator loc = offline();
    Acquire.Source src = none().withInstaller(() -> {
      runs.incrementAndGet();
      return false; // not Debian, or not root
    });
    BadInputException e = assertThrows(BadInputException.class, () -> Acquire.fashionMnist(FashionMnist.Split.TEST, loc, src));
    assertEquals(1, runs.get());
    assertEquals("Fashion-MNIST [t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz] not found in ["
        + tmp.resolve("a") + ", " + tmp.resolve("b") + ", " + loc.cacheDir() + "]; downloading is disabled. "
        + "Install the Debian package dataset-fashion-mnist (sudo apt-get install dataset-fashion-mnist), or put the files in "
        + loc.cacheDir() + " or in a directory named by the environment variable FIVEFOLD_DATA", e.getMessage());

    Acquire.Source installs = none().withInstaller(() -> {
      TinyFashion.write(tmp.resolve("a"), FashionMnist.Split.TEST, 2, 1);
      return true;
    });
    assertEquals(2, Acquire.fashionMnist(FashionMnist.Split.TEST, loc, installs).size());
  }

  @Test
  void missingBibleProgramSaysWhatToInstall() {
    BadInputException e = assertThrows(BadInputException.class,
        () -> Acquire.kingJamesBible(tmp.resolve("kjv.txt"), List.of("no-such-bible-program-xyz", "gen1:1")));
    assertTrue(e.getMessage().contains("install the Debian package bible-kjv"), e.getMessage());
    e = assertThrows(BadInputException.class, () -> Acquire.kingJamesBible(tmp.resolve("kjv.txt"), List.of("sh", "-c", "echo oops >&2; exit 3")));
    assertEquals("sh -c echo oops >&2; exit 3 exited with status 3: oops (is the Debian package bible-kjv-text installed?)", e.getMessage());
  }

  @Test
  void bibleIsCachedAtomically() throws IOException {
    Path cache = tmp.resolve("c/kjv.txt");
    assertEquals(cache, Acquire.kingJamesBible(cache, List.of("sh", "-c", "printf 'In the beginning\\n'")));
    assertEquals("In the beginning\n", Files.readString(cache));
    // second call does not run the program
    assertEquals(cache, Acquire.kingJamesBible(cache, List.of("false")));
  }

  @Test
  void realBibleWhenInstalled() throws IOException {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/bible")), "bible-kjv not installed");
    Path cache = tmp.resolve("kjv.txt");
    Acquire.kingJamesBible(cache, List.of("bible", "-l79", "gen1:1-rev22:21"));
    TextCorpus c = TextCorpus.fromFile(cache);
    assertEquals(4_298_239, c.size());
    assertEquals(73, c.vocabSize());
    String start = c.decode(c.tokens(0, 71));
    assertEquals("\nGenesis 1\n\n  1 In the beginning God created the heaven and the earth.\n", start);
    assertTrue(c.decode(c.tokens(c.size() - 60, c.size())).endsWith("Lord Jesus Christ be with you all. Amen.\n"));
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
