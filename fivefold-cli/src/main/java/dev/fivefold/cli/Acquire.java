package dev.fivefold.cli;

import dev.fivefold.data.FashionMnist;
import dev.fivefold.data.Idx;
import dev.fivefold.data.TextCorpus;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.io.BadInputException;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Obtains the datasets the core only reads: Fashion-MNIST by a download into the cache or, as
 * root on Debian, {@code apt-get install -y dataset-fashion-mnist}; the King James text by running
 * Debian's {@code bible} program into {@link TextCorpus#kingJamesBibleCache}.
 *
 * <p>Fashion-MNIST's search order is then: --data-dir (only), {@code $FIVEFOLD_DATA}, {@value
 * FashionMnist#DEBIAN_DIR}, {@code ~/.cache/fivefold/fashion-mnist} ({@link FashionMnist.Locator}),
 * a download from {@value #BASE_URL} into the cache (atomic, 60 s timeout, each file checked as
 * IDX), {@code apt-get} as root. If all fail, a {@link BadInputException} says where it looked, why
 * the download failed and what to install or where to put the files.
 */
final class Acquire {
  private Acquire() {}

  /** The canonical download location of Fashion-MNIST; file names are appended. */
  static final String BASE_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

  /** Download progress: {@code bytes} of {@code total} (-1 if unknown) of {@code file} so far. */
  @FunctionalInterface
  interface Progress {
    void update(String file, long bytes, long total);
  }

  /** A last-resort installer; returns true if it ran and succeeded. */
  @FunctionalInterface
  interface Installer {
    boolean install() throws IOException, InterruptedException;
  }

  /**
   * How to obtain missing files.
   *
   * @param baseUrl download location (file names are appended), or null for no download
   * @param timeout connect and request timeout of a download
   * @param installer run when nothing else worked, or null; afterwards the search is repeated,
   *     including {@value FashionMnist#DEBIAN_DIR}
   * @param progress download progress callback, or null
   */
  record Source(URI baseUrl, Duration timeout, Installer installer, Progress progress) {
    Source {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout (" + timeout + ") must be > 0");
    }

    /** Download from {@value #BASE_URL} (60 s timeout), then apt-get as root; no progress. */
    static Source defaults() {
      return new Source(URI.create(BASE_URL), Duration.ofSeconds(60), Acquire::aptInstall, null);
    }

    Source withBaseUrl(URI url) {
      return new Source(url, timeout, installer, progress);
    }

    Source withTimeout(Duration t) {
      return new Source(baseUrl, t, installer, progress);
    }

    Source withInstaller(Installer i) {
      return new Source(baseUrl, timeout, i, progress);
    }

    Source withProgress(Progress p) {
      return new Source(baseUrl, timeout, installer, p);
    }
  }

  /** The files of {@code split} read as a dataset, found by {@code loc} or obtained from {@code src}. */
  static dev.fivefold.data.Dataset fashionMnist(FashionMnist.Split split, FashionMnist.Locator loc, Source src) throws IOException {
    return FashionMnist.read(locate(split, loc, src), split);
  }

  /** The directory holding both files of {@code split}: {@link FashionMnist#locate}, else a download, else the installer. */
  static Path locate(FashionMnist.Split split, FashionMnist.Locator loc, Source src) throws IOException {
    if (loc.directory() != null) return FashionMnist.locate(split, loc); // explicit: nothing else is tried
    try {
      return FashionMnist.locate(split, loc);
    } catch (BadInputException missing) {
      // obtain them below
    }
    List<Path> dirs = new ArrayList<>(loc.searchDirs());
    dirs.add(loc.cacheDir());
    String downloadFailure = "downloading is disabled";
    if (src.baseUrl() != null) {
      try {
        download(split, loc.cacheDir(), src);
        return loc.cacheDir();
      } catch (IOException | BadInputException e) {
        downloadFailure = "download from " + src.baseUrl() + " failed (" + oneLine(e) + ")";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while downloading Fashion-MNIST", e);
      }
    }
    String installFailure = "";
    if (src.installer() != null) {
      try {
        if (src.installer().install()) {
          List<Path> again = new ArrayList<>(dirs);
          again.add(Path.of(FashionMnist.DEBIAN_DIR));
          try {
            return FashionMnist.locate(split, loc.withSearchDirs(again));
          } catch (BadInputException stillMissing) {
            installFailure = "; the install step ran but the files are still missing";
          }
        }
      } catch (IOException e) {
        installFailure = "; the install step failed (" + oneLine(e) + ")";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while installing Fashion-MNIST", e);
      }
    }
    throw new BadInputException("Fashion-MNIST " + List.of(split.images, split.labels) + " not found in " + dirs + "; " + downloadFailure
        + installFailure + ". " + FashionMnist.INSTALL_HINT + loc.cacheDir() + " or in a directory named by the environment variable FIVEFOLD_DATA");
  }

  private static String oneLine(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replace('\n', ' ');
  }

  private static void download(FashionMnist.Split split, Path cacheDir, Source src) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder()
        .connectTimeout(src.timeout())
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
    for (String f : List.of(split.images, split.labels)) {
      Path target = cacheDir.resolve(f);
      if (Files.isRegularFile(target)) continue;
      URI uri = src.baseUrl().resolve(f);
      HttpRequest req = HttpRequest.newBuilder(uri).timeout(src.timeout()).GET().build();
      HttpResponse<InputStream> resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = resp.body()) {
        if (resp.statusCode() != 200) throw new IOException("HTTP " + resp.statusCode() + " for " + uri);
        long total = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
        AtomicFiles.write(target, out -> {
          byte[] buf = new byte[1 << 16];
          long done = 0;
          for (int r; (r = body.read(buf)) >= 0; ) {
            out.write(buf, 0, r);
            done += r;
            if (src.progress() != null) src.progress().update(f, done, total);
          }
          if (total >= 0 && done != total) throw new IOException(f + ": download ended after " + done + " of " + total + " bytes");
        });
      }
      try {
        Idx.read(target); // never leave a corrupt file in the cache
      } catch (BadInputException e) {
        Files.deleteIfExists(target);
        throw new BadInputException("downloaded " + e.getMessage(), e);
      }
    }
  }

  /** Runs {@code apt-get install -y dataset-fashion-mnist} if this is Debian and we are root. */
  static boolean aptInstall() throws IOException, InterruptedException {
    if (!Files.exists(Path.of("/etc/debian_version"))) return false;
    Object uid;
    try {
      uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (UnsupportedOperationException | IOException e) {
      return false;
    }
    if (!Integer.valueOf(0).equals(uid)) return false;
    Process p = new ProcessBuilder("apt-get", "install", "-y", "dataset-fashion-mnist")
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectErrorStream(true)
        .start();
    try (InputStream out = p.getInputStream()) {
      out.transferTo(System.err); // progress to stderr, keeping stdout clean
    }
    int rc = p.waitFor();
    if (rc != 0) throw new IOException("apt-get install -y dataset-fashion-mnist exited with status " + rc);
    return true;
  }

  /** The King James text ({@link TextCorpus#kingJamesBibleCache}), written by {@code bible -l79 gen1:1-rev22:21} on first use. */
  static Path kingJamesBible() throws IOException {
    return kingJamesBible(TextCorpus.kingJamesBibleCache(), List.of("bible", "-l79", "gen1:1-rev22:21"));
  }

  /** {@code cache} if it exists and is not empty; else runs {@code command} (stdin closed) and writes its output there atomically. */
  static Path kingJamesBible(Path cache, List<String> command) throws IOException {
    if (Files.isRegularFile(cache) && Files.size(cache) > 0) return cache;
    ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().remove("COLUMNS"); // the line width is set by -l, not by the terminal
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new BadInputException("the King James text needs the program '" + command.getFirst()
          + "', which could not be run (" + e.getMessage() + "): install the Debian package bible-kjv (sudo apt-get install bible-kjv)", e);
    }
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread drain = Thread.ofVirtual().start(() -> {
      try (InputStream in = p.getErrorStream()) {
        in.transferTo(err);
      } catch (IOException ignored) {
        // best effort: only for the error message
      }
    });
    byte[] text;
    try (InputStream in = p.getInputStream()) {
      text = in.readAllBytes();
    }
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish within 120 s");
      }
      drain.join();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + String.join(" ", command), e);
    }
    String stderr = err.toString(StandardCharsets.UTF_8).strip().replace('\n', ' ');
    if (p.exitValue() != 0) {
      throw new BadInputException(String.join(" ", command) + " exited with status " + p.exitValue() + (stderr.isEmpty() ? "" : ": " + stderr)
          + " (is the Debian package bible-kjv-text installed?)");
    }
    if (text.length == 0) throw new BadInputException(String.join(" ", command) + " printed nothing" + (stderr.isEmpty() ? "" : ": " + stderr));
    AtomicFiles.writeBytes(cache, text);
    return cache;
  }
}
