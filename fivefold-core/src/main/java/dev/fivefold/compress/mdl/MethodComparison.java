package dev.fivefold.compress.mdl;

import dev.fivefold.compress.DeepCompression;
import dev.fivefold.compress.QuantizedTensor;
import dev.fivefold.compress.archive.FfzArchive;
import dev.fivefold.compress.archive.FfzModel;
import dev.fivefold.data.Dataset;
import dev.fivefold.io.BadInputException;
import dev.fivefold.perception.ImageClassifier;
import dev.fivefold.perception.LoadedModel;
import dev.fivefold.train.ClassificationTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One table of compressed classifiers, whatever method made them: each {@code .ffz} archive is
 * decoded into a fresh model and scored on the test set exactly as {@code eval M.ffz} does
 * ({@link DeepCompression#loadArchive}, then {@link ClassificationTask#evaluate} in batches of 1000),
 * and measured:
 * <pre>
 *   ratio          = 4 · parameters / archive bytes          (against the float32 model)
 *   kept           = Σ over the quantized tensors of their kept (nonzero) positions
 *   bits per kept  = 8 · archive bytes / kept                (the whole file, header and biases included)
 *   L              = 8 · archive bytes + Σ −log₂ p(y|x)       (the two-part code, {@link DescriptionLength})
 * </pre>
 * plus the Pareto front in (bytes, accuracy): the archives no other archive beats in both, i.e.
 * none is at most as large and at least as accurate with one of the two strictly better. The
 * papers' MNIST figures come along as constant reference rows ({@link #PAPERS}); they are not
 * measured here and are on another dataset.
 */
public final class MethodComparison {
  private MethodComparison() {}

  /** Metadata key of an archive's training time in seconds (written by {@code compress}). */
  public static final String SECONDS = "seconds";

  /**
   * The archives to compare.
   *
   * @param archives the {@code .ffz} files, at least one, no file twice
   */
  public record Config(List<Path> archives) {
    /**
     * Copies the list and checks it.
     *
     * @throws IllegalArgumentException if the list is empty, a file is named twice or does not end in {@code .ffz}
     */
    public Config {
      archives = List.copyOf(archives);
      if (archives.isEmpty()) throw new IllegalArgumentException("archives: at least one .ffz file is needed");
      Set<Path> seen = new HashSet<>();
      for (Path p : archives) {
        if (!p.getFileName().toString().endsWith(".ffz")) throw new IllegalArgumentException(p + ": not an .ffz archive");
        if (!seen.add(p.toAbsolutePath().normalize())) throw new IllegalArgumentException(p + ": named twice");
      }
    }
  }

  /**
   * One archive, measured.
   *
   * @param file the archive
   * @param method the method from its metadata ({@link #method}), e.g. {@code deep}, {@code svd}, {@code sws}
   * @param family the model family, e.g. {@code mlp}, {@code lenet5}
   * @param spec the full model spec
   * @param bytes the archive's size in bytes
   * @param denseBytes 4 × the model's parameters: its size as float32
   * @param kept the kept (nonzero) weights of the quantized tensors
   * @param weights all weights of the quantized tensors
   * @param accuracy the decoded model's test accuracy, as {@code eval} prints it
   * @param code the two-part code length on the test set
   * @param seconds the training time the archive records, NaN if none
   */
  public record Row(Path file, String method, String family, String spec, long bytes, long denseBytes, long kept, long weights,
      double accuracy, DescriptionLength code, double seconds) {
    /**
     * denseBytes / bytes.
     *
     * @return the compression ratio against float32
     */
    public double ratio() {
      return (double) denseBytes / bytes;
    }

    /**
     * 8 · bytes / kept (infinite if nothing is kept).
     *
     * @return archive bits per kept weight
     */
    public double bitsPerKeptWeight() {
      return 8.0 * bytes / kept;
    }
  }

  /**
   * A published figure, quoted (not measured here).
   *
   * @param method the method and paper
   * @param model the network
   * @param ratio the reported compression ratio
   * @param note what the ratio counts and where it comes from
   */
  public record Reference(String method, String model, double ratio, String note) {}

  /** The papers' MNIST figures, as docs/mdl-compression.md and docs/sws.md quote them. */
  public static final List<Reference> PAPERS = List.of(
      new Reference("Deep Compression (Han et al. 2016)", "LeNet-300-100", 40, "paper, MNIST: storage"),
      new Reference("Deep Compression (Han et al. 2016)", "LeNet-5", 39, "paper, MNIST: storage"),
      new Reference("soft weight-sharing (Ullrich et al. 2017)", "LeNet-300-100", 64, "paper, MNIST: storage, 4.3% kept"),
      new Reference("soft weight-sharing (Ullrich et al. 2017)", "LeNet-5", 162, "paper, MNIST: storage, 0.5% kept"),
      new Reference("sparse VD (Molchanov et al. 2017)", "LeNet-300-100", 68, "paper, MNIST: fewer weights, not file size"),
      new Reference("sparse VD (Molchanov et al. 2017)", "LeNet-5", 280, "paper, MNIST: fewer weights, not file size"),
      new Reference("Bayesian compression (Louizos et al. 2017)", "LeNet-300-100", Double.NaN, "paper, MNIST: see its Table 1 (not copied unchecked)"),
      new Reference("Bayesian compression (Louizos et al. 2017)", "LeNet-5", Double.NaN, "paper, MNIST: see its Table 1 (not copied unchecked)"));

  /**
   * The measured rows, in the order given, and the Pareto front.
   *
   * @param rows one per archive
   * @param front the rows on the Pareto front, by increasing size
   * @param papers the reference rows ({@link #PAPERS})
   */
  public record Result(List<Row> rows, List<Row> front, List<Reference> papers) {
    /** Copies the lists. */
    public Result {
      rows = List.copyOf(rows);
      front = List.copyOf(front);
      papers = List.copyOf(papers);
    }
  }

  /**
   * Decodes, scores and measures every archive of {@code cfg} on {@code test}.
   *
   * @param cfg the archives
   * @param test the labelled test set (the one the archives' models were trained for)
   * @return the rows and the Pareto front
   * @throws IOException if a file cannot be read
   * @throws BadInputException if a file is missing, is not a valid archive, or holds no image classifier
   */
  public static Result run(Config cfg, Dataset test) throws IOException {
    List<Row> rows = new ArrayList<>();
    for (Path p : cfg.archives()) rows.add(measure(p, test));
    long[] bytes = new long[rows.size()];
    double[] acc = new double[rows.size()];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = rows.get(i).bytes();
      acc[i] = rows.get(i).accuracy();
    }
    List<Row> front = new ArrayList<>();
    for (int i : front(bytes, acc)) front.add(rows.get(i));
    return new Result(rows, front, PAPERS);
  }

  /** One archive: decoded as eval does, scored, measured. */
  private static Row measure(Path file, Dataset test) throws IOException {
    if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString());
    FfzModel m = FfzArchive.read(file).model();
    LoadedModel l = DeepCompression.loadArchive(file);
    if (!(l.model() instanceof ImageClassifier)) throw new BadInputException(file + ": model (" + l.spec() + ") is not an image classifier (mlp, lenet5)");
    long bytes = Files.size(file);
    long kept = 0, weights = 0;
    for (QuantizedTensor q : m.quantized()) {
      kept += q.positions().length;
      weights += q.size();
    }
    double accuracy = ClassificationTask.evaluate(l.model(), test, 1000).get("accuracy");
    DescriptionLength code = DescriptionLength.of(bytes, l.model(), test);
    return new Row(file, method(m.metadata()), l.spec().split(":", 2)[0], l.spec(), bytes, 4L * l.model().parameterCount(), kept, weights,
        accuracy, code, seconds(m.metadata()));
  }

  /**
   * The method that made an archive, from its metadata: {@code method} if present, else read off
   * {@code compress}'s {@code pipeline} line ({@code method=X ...} → X, {@code sws ...} → sws,
   * {@code prune=...} → deep), else {@code ffz}.
   *
   * @param meta the archive's metadata
   * @return the method's short name
   */
  public static String method(Map<String, String> meta) {
    String m = meta.get("method");
    if (m != null && !m.isBlank()) return m.strip();
    String p = meta.getOrDefault("pipeline", "").strip();
    if (p.startsWith("method=")) return p.substring("method=".length()).split("\\s+", 2)[0];
    if (p.startsWith("sws")) return "sws";
    if (p.startsWith("prune=")) return "deep";
    return "ffz";
  }

  /** The {@link #SECONDS} metadata as a number, NaN if absent or not a finite non-negative number. */
  private static double seconds(Map<String, String> meta) {
    try {
      double s = Double.parseDouble(meta.getOrDefault(SECONDS, "NaN"));
      return s >= 0 && Double.isFinite(s) ? s : Double.NaN;
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /**
   * The dataset an archive's model was trained on, as far as its metadata says: the {@code data}
   * name ({@code fashion-mnist} if absent) and the {@code data-dir}, if recorded. Two archives with
   * different keys are not compared on one test set.
   *
   * @param meta the archive's metadata
   * @return a key such as {@code fashion-mnist} or {@code fashion-mnist @ /data/idx}
   */
  public static String dataset(Map<String, String> meta) {
    String name = meta.getOrDefault("data", "fashion-mnist");
    String dir = meta.get("data-dir");
    return dir == null ? name : name + " @ " + Path.of(dir).toAbsolutePath().normalize();
  }

  /**
   * The Pareto front of points (bytes, accuracy): the indices of the points no other point
   * dominates (at most as large and at least as accurate, one of them strictly), sorted by size
   * (ties by index). Of identical points all are kept.
   *
   * @param bytes the sizes
   * @param accuracy the accuracies, same length
   * @return the indices on the front, by increasing size
   * @throws IllegalArgumentException if the lengths differ
   */
  public static List<Integer> front(long[] bytes, double[] accuracy) {
    if (bytes.length != accuracy.length) throw new IllegalArgumentException("bytes (" + bytes.length + ") and accuracy (" + accuracy.length + ") differ in length");
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < bytes.length; i++) {
      boolean dominated = false;
      for (int j = 0; j < bytes.length && !dominated; j++) {
        dominated = bytes[j] <= bytes[i] && accuracy[j] >= accuracy[i] && (bytes[j] < bytes[i] || accuracy[j] > accuracy[i]);
      }
      if (!dominated) out.add(i);
    }
    out.sort((a, b) -> bytes[a] != bytes[b] ? Long.compare(bytes[a], bytes[b]) : Integer.compare(a, b));
    return out;
  }
}
