package dev.fivefold.data;

import dev.fivefold.io.AtomicFiles;
import dev.fivefold.io.BadInputException;
import dev.fivefold.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fashion-MNIST (H. Xiao, K. Rasul, R. Vollgraf, "Fashion-MNIST: a Novel Image Dataset for
 * Benchmarking Machine Learning Algorithms", arXiv:1708.07747): 60,000 training and 10,000 test
 * grayscale 28×28 images of 10 kinds of clothing, in the IDX format of MNIST ({@link Idx}).
 *
 * <p>{@link #train()} and {@link #test()} return x of shape {@code [N, 1, 28, 28]} with pixel
 * values scaled to [0, 1] ({@code byte / 255}) and labels 0–9, named by {@link #CLASSES}.
 *
 * <p>The files are found by a {@link Locator}, by default in this order: the explicit directory if
 * one is given (then nothing else is tried); {@code $FIVEFOLD_DATA/fashion-mnist} and {@code
 * $FIVEFOLD_DATA}; {@value #DEBIAN_DIR} (Debian package {@code dataset-fashion-mnist}); the cache
 * {@code ~/.cache/fivefold/fashion-mnist}; a download from {@value #BASE_URL} into the cache
 * (atomic, 60 s timeout); when running as root on Debian, {@code apt-get install -y
 * dataset-fashion-mnist}. If all fail, a {@link BadInputException} says where it looked, why the
 * download failed and what to install or where to put the files.
 *
 * <p>Bad files raise {@link BadInputException} naming the file: IDX errors (see {@link Idx}),
 * images not {@code [N, 28, 28]}, labels not {@code [N]}, image and label counts that differ, a
 * label outside 0–9.
 */
public final class FashionMnist {
  /** The canonical download location; file names are appended. */
  public static final String BASE_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

  /** Where the Debian package {@code dataset-fashion-mnist} installs the files. */
  public static final String DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";

  /** Class names by label. */
  public static final List<String> CLASSES = List.of(
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  /** Image side in pixels. */
  public static final int SIDE = 28;

  private FashionMnist() {}

  /** The two halves of the dataset and their files. */
  public enum Split {
    TRAIN("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    TEST("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");

    public final String images;
    public final String labels;

    Split(String images, String labels) {
      this.images = images;
      this.labels = labels;
    }

    List<String> files() {
      return List.of(images, labels);
    }
  }

  /** Download progress: {@code bytes} of {@code total} (-1 if unknown) of {@code file} so far. */
  @FunctionalInterface
  public interface Progress {
    void update(String file, long bytes, long total);
  }

  /** A last-resort installer; returns true if it ran and succeeded. */
  @FunctionalInterface
  public interface Installer {
    boolean install() throws IOException, InterruptedException;
  }

  /**
   * Where to look for the files and how to obtain them.
   *
   * @param directory if not null, the only place looked at
   * @param searchDirs directories searched in order before the cache
   * @param cacheDir searched after {@code searchDirs}; downloads go here
   * @param baseUrl download location (file names are appended), or null for no download
   * @param timeout connect and request timeout of a download
   * @param installer run when nothing else worked, or null; afterwards the search is repeated,
   *     including {@value #DEBIAN_DIR}
   * @param progress download progress callback, or null
   */
  public record Locator(Path directory, List<Path> searchDirs, Path cacheDir, URI baseUrl, Duration timeout,
      Installer installer, Progress progress) {
    public Locator {
      searchDirs = List.copyOf(searchDirs);
      if (cacheDir == null) throw new IllegalArgumentException("cacheDir must not be null");
      if (timeout == null || timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout (" + timeout + ") must be > 0");
    }

    /** The default search described on {@link FashionMnist}. */
    public static Locator defaults() {
      return defaults(System.getenv("FIVEFOLD_DATA"), Path.of(System.getProperty("user.home")));
    }

    static Locator defaults(String fivefoldData, Path home) {
      List<Path> dirs = new ArrayList<>();
      if (fivefoldData != null && !fivefoldData.isBlank()) {
        dirs.add(Path.of(fivefoldData, "fashion-mnist"));
        dirs.add(Path.of(fivefoldData));
      }
      dirs.add(Path.of(DEBIAN_DIR));
      return new Locator(null, dirs, home.resolve(".cache/fivefold/fashion-mnist"), URI.create(BASE_URL),
          Duration.ofSeconds(60), FashionMnist::aptInstall, null);
    }

    /** Only {@code dir}, nothing else. */
    public static Locator directory(Path dir) {
      return defaults().withDirectory(dir);
    }

    public Locator withDirectory(Path dir) {
      return new Locator(dir, searchDirs, cacheDir, baseUrl, timeout, installer, progress);
    }

    public Locator withSearchDirs(List<Path> dirs) {
      return new Locator(directory, dirs, cacheDir, baseUrl, timeout, installer, progress);
    }

    public Locator withCacheDir(Path dir) {
      return new Locator(directory, searchDirs, dir, baseUrl, timeout, installer, progress);
    }

    /** Download location; null disables downloading. */
    public Locator withBaseUrl(URI url) {
      return new Locator(directory, searchDirs, cacheDir, url, timeout, installer, progress);
    }

    public Locator withTimeout(Duration t) {
      return new Locator(directory, searchDirs, cacheDir, baseUrl, t, installer, progress);
    }

    /** Installer; null disables the install step. */
    public Locator withInstaller(Installer i) {
      return new Locator(directory, searchDirs, cacheDir, baseUrl, timeout, i, progress);
    }

    public Locator withProgress(Progress p) {
      return new Locator(directory, searchDirs, cacheDir, baseUrl, timeout, installer, p);
    }
  }

  /** The 60,000 training images with the default {@link Locator}. */
  public static Dataset train() throws IOException {
    return load(Split.TRAIN, Locator.defaults());
  }

  /** The 10,000 test images with the default {@link Locator}. */
  public static Dataset test() throws IOException {
    return load(Split.TEST, Locator.defaults());
  }

  public static Dataset train(Locator locator) throws IOException {
    return load(Split.TRAIN, locator);
  }

  public static Dataset test(Locator locator) throws IOException {
    return load(Split.TEST, locator);
  }

  /** Finds (or obtains) the files of {@code split} and loads them. */
  public static Dataset load(Split split, Locator locator) throws IOException {
    return read(locate(split, locator), split);
  }

  /** Reads the images and labels of {@code split} from {@code dir}. */
  public static Dataset read(Path dir, Split split) throws IOException {
    Idx images = Idx.read(dir.resolve(split.images));
    Idx labels = Idx.read(dir.resolve(split.labels));
    int[] d = images.dims();
    if (d.length != 3 || d[1] != SIDE || d[2] != SIDE) {
      throw new BadInputException(split.images + ": dimensions " + Arrays.toString(d) + " are not [N, 28, 28]");
    }
    if (labels.dims().length != 1) throw new BadInputException(split.labels + ": dimensions " + Arrays.toString(labels.dims()) + " are not [N]");
    if (images.count() != labels.count()) {
      throw new BadInputException(split.images + ": image count (" + images.count() + ") does not match label count (" + labels.count() + ") of " + split.labels);
    }
    int n = images.count();
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = labels.unsigned(i);
      if (y[i] >= CLASSES.size()) throw new BadInputException(split.labels + ": label " + i + " (" + y[i] + ") is not in [0, 10)");
    }
    byte[] px = images.data();
    dev.fivefold.io.Heap.require(4L * px.length, split.images + ": " + n + " images as float32");
    float[] x = new float[px.length];
    for (int i = 0; i < px.length; i++) x[i] = (px[i] & 0xFF) / 255f;
    return new Dataset(Tensor.of(x, n, 1, SIDE, SIDE), y, CLASSES.size());
  }

  /** The directory holding both files of {@code split}, downloading or installing them if needed. */
  public static Path locate(Split split, Locator loc) throws IOException {
    if (loc.directory() != null) {
      for (String f : split.files()) {
        if (!Files.isRegularFile(loc.directory().resolve(f))) {
          throw new BadInputException(loc.directory() + ": Fashion-MNIST file " + f + " is missing (expected " + split.files() + " there)");
        }
      }
      return loc.directory();
    }
    List<Path> dirs = new ArrayList<>(loc.searchDirs());
    dirs.add(loc.cacheDir());
    Path found = search(dirs, split);
    if (found != null) return found;
    String downloadFailure = "downloading is disabled";
    if (loc.baseUrl() != null) {
      try {
        download(split, loc);
        return loc.cacheDir();
      } catch (IOException | BadInputException e) {
        downloadFailure = "download from " + loc.baseUrl() + " failed (" + oneLine(e) + ")";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while downloading Fashion-MNIST", e);
      }
    }
    String installFailure = "";
    if (loc.installer() != null) {
      try {
        if (loc.installer().install()) {
          dirs.add(Path.of(DEBIAN_DIR));
          found = search(dirs, split);
          if (found != null) return found;
          installFailure = "; the install step ran but the files are still missing";
        }
      } catch (IOException e) {
        installFailure = "; the install step failed (" + oneLine(e) + ")";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while installing Fashion-MNIST", e);
      }
    }
    throw new BadInputException("Fashion-MNIST " + split.files() + " not found in " + dirs + "; " + downloadFailure + installFailure
        + ". Install the Debian package dataset-fashion-mnist (sudo apt-get install dataset-fashion-mnist), or put the files in "
        + loc.cacheDir() + " or in a directory named by the environment variable FIVEFOLD_DATA");
  }

  private static Path search(List<Path> dirs, Split split) {
    for (Path d : dirs) {
      if (split.files().stream().allMatch(f -> Files.isRegularFile(d.resolve(f)))) return d;
    }
    return null;
  }

  private static String oneLine(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replace('\n', ' ');
  }

  private static void download(Split split, Locator loc) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder()
        .connectTimeout(loc.timeout())
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
    for (String f : split.files()) {
      Path target = loc.cacheDir().resolve(f);
      if (Files.isRegularFile(target)) continue;
      URI uri = loc.baseUrl().resolve(f);
      HttpRequest req = HttpRequest.newBuilder(uri).timeout(loc.timeout()).GET().build();
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
            if (loc.progress() != null) loc.progress().update(f, done, total);
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
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectErrorStream(true)
        .start();
    try (InputStream out = p.getInputStream()) {
      out.transferTo(System.err); // progress to stderr, keeping stdout clean
    }
    int rc = p.waitFor();
    if (rc != 0) throw new IOException("apt-get install -y dataset-fashion-mnist exited with status " + rc);
    return true;
  }
}
