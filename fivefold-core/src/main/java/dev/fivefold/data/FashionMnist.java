package dev.fivefold.data;

import dev.fivefold.io.BadInputException;
import dev.fivefold.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@code ~/.cache/fivefold/fashion-mnist}. This class only reads files: if none of these holds
 * them, a {@link BadInputException} names every directory tried and what to install or where to
 * put the files. Obtaining them (a download into the cache, {@code apt-get}) is the launcher's
 * job ({@code fivefold}'s {@code Acquire}).
 *
 * <p>Bad files raise {@link BadInputException} naming the file: IDX errors (see {@link Idx}),
 * images not {@code [N, 28, 28]}, labels not {@code [N]}, image and label counts that differ, a
 * label outside 0–9.
 */
public final class FashionMnist {
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
    /** The 60,000 training images. */
    TRAIN("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    /** The 10,000 test images. */
    TEST("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");

    /** The gzipped IDX file of the images. */
    public final String images;
    /** The gzipped IDX file of the labels. */
    public final String labels;

    Split(String images, String labels) {
      this.images = images;
      this.labels = labels;
    }

    List<String> files() {
      return List.of(images, labels);
    }
  }

  /**
   * Where to look for the files.
   *
   * @param directory if not null, the only place looked at
   * @param searchDirs directories searched in order before the cache
   * @param cacheDir searched after {@code searchDirs} (where a launcher downloads to)
   */
  public record Locator(Path directory, List<Path> searchDirs, Path cacheDir) {
    /**
     * Copies the search directories.
     *
     * @throws IllegalArgumentException if {@code cacheDir} is null
     */
    public Locator {
      searchDirs = List.copyOf(searchDirs);
      if (cacheDir == null) throw new IllegalArgumentException("cacheDir must not be null");
    }

    /**
     * The default search described on {@link FashionMnist}.
     *
     * @return the default locator
     */
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
      return new Locator(null, dirs, home.resolve(".cache/fivefold/fashion-mnist"));
    }

    /**
     * Only {@code dir}, nothing else.
     *
     * @param dir the directory holding the files
     * @return the locator
     */
    public static Locator directory(Path dir) {
      return defaults().withDirectory(dir);
    }

    /**
     * {@return a copy that looks only in {@code dir} (null: search as usual)}
     *
     * @param dir the directory, or null
     */
    public Locator withDirectory(Path dir) {
      return new Locator(dir, searchDirs, cacheDir);
    }

    /**
     * {@return a copy with other search directories}
     *
     * @param dirs the directories, searched in order before the cache
     */
    public Locator withSearchDirs(List<Path> dirs) {
      return new Locator(directory, dirs, cacheDir);
    }

    /**
     * {@return a copy with another cache directory}
     *
     * @param dir the cache directory, not null
     */
    public Locator withCacheDir(Path dir) {
      return new Locator(directory, searchDirs, dir);
    }
  }

  /**
   * The 60,000 training images with the default {@link Locator}.
   *
   * @return the training set, x [60000, 1, 28, 28]
   * @throws IOException if a file cannot be read
   */
  public static Dataset train() throws IOException {
    return load(Split.TRAIN, Locator.defaults());
  }

  /**
   * The 10,000 test images with the default {@link Locator}.
   *
   * @return the test set, x [10000, 1, 28, 28]
   * @throws IOException if a file cannot be read
   */
  public static Dataset test() throws IOException {
    return load(Split.TEST, Locator.defaults());
  }

  /**
   * {@return the 60,000 training images, found by {@code locator}}
   *
   * @param locator where to look
   * @throws IOException if a file cannot be read
   */
  public static Dataset train(Locator locator) throws IOException {
    return load(Split.TRAIN, locator);
  }

  /**
   * {@return the 10,000 test images, found by {@code locator}}
   *
   * @param locator where to look
   * @throws IOException if a file cannot be read
   */
  public static Dataset test(Locator locator) throws IOException {
    return load(Split.TEST, locator);
  }

  /**
   * Finds the files of {@code split} and loads them.
   *
   * @param split which half
   * @param locator where to look
   * @return the images, [N, 1, 28, 28] in [0, 1], and labels 0 to 9
   * @throws IOException if a file cannot be read
   */
  public static Dataset load(Split split, Locator locator) throws IOException {
    return read(locate(split, locator), split);
  }

  /**
   * Reads the images and labels of {@code split} from {@code dir}.
   *
   * @param dir the directory holding the files
   * @param split which half
   * @return the images, [N, 1, 28, 28] in [0, 1], and labels 0 to 9
   * @throws IOException if a file cannot be read
   */
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

  /**
   * The directory holding both files of {@code split}: the explicit directory, else the first of
   * the search directories and the cache that has both.
   *
   * @param split which half
   * @param loc where to look
   * @return the directory
   * @throws BadInputException naming the missing file of an explicit directory, or every directory tried
   * @throws IOException if a directory cannot be read
   */
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
    throw new BadInputException("Fashion-MNIST " + split.files() + " not found in " + dirs + ". " + INSTALL_HINT + loc.cacheDir()
        + " or in a directory named by the environment variable FIVEFOLD_DATA");
  }

  /** How to get the files, followed by a directory in messages. */
  public static final String INSTALL_HINT = "Install the Debian package dataset-fashion-mnist (sudo apt-get install dataset-fashion-mnist), "
      + "or put the files in ";

  private static Path search(List<Path> dirs, Split split) {
    for (Path d : dirs) {
      if (split.files().stream().allMatch(f -> Files.isRegularFile(d.resolve(f)))) return d;
    }
    return null;
  }
}
