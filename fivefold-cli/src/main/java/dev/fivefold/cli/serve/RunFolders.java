package dev.fivefold.cli.serve;

import dev.fivefold.io.Json;
import dev.fivefold.io.RunLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads run folders under a root: which folders are runs, their status and numbers, as plain maps
 * for JSON. A folder is a run if it holds a {@code metrics.json}, a CSV file or a run lock. Status:
 * <ul>
 *   <li>{@code running}: the run lock {@code .fivefold.lock} names a live process, or (no lock) a
 *       file changed in the last {@value #RECENT_SECONDS} s;
 *   <li>{@code failed}: a lock left by a dead process (the run was killed), or a {@code steps.csv}
 *       without the {@code metrics.json} every finished training writes;
 *   <li>{@code finished}: otherwise.
 * </ul>
 * Nothing here writes. A file that cannot be read gives an {@code error} entry, never an exception.
 */
public final class RunFolders {
  /** Files changed this recently mark a run without a lock as running. */
  public static final int RECENT_SECONDS = 30;

  private final Path root;

  public RunFolders(Path root) {
    this.root = root;
  }

  /** The root itself (if it is a run) and its subfolders that are runs, by name. */
  public List<String> runs() throws IOException {
    List<String> out = new ArrayList<>();
    if (isRun(root)) out.add(".");
    try (Stream<Path> s = Files.list(root)) {
      s.filter(Files::isDirectory).filter(RunFolders::isRun).map(p -> p.getFileName().toString()).sorted().forEach(out::add);
    }
    return out;
  }

  /** {@code .ffz} archives in the root and in its runs, as paths relative to the root. */
  public List<String> archives() throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root, 2)) {
      s.filter(p -> p.getFileName().toString().endsWith(".ffz") && Files.isRegularFile(p))
          .map(p -> root.relativize(p).toString()).sorted().forEach(out::add);
    }
    return out;
  }

  static boolean isRun(Path dir) {
    if (Files.isRegularFile(dir.resolve("metrics.json")) || Files.exists(dir.resolve(RunLock.FILE))) return true;
    try (Stream<Path> s = Files.list(dir)) {
      return s.anyMatch(p -> p.getFileName().toString().endsWith(".csv"));
    } catch (IOException e) {
      return false;
    }
  }

  /** One run's summary: name, model, command, status, step, seconds, best and final metrics, modified time. */
  public Map<String, Object> summary(String name, Path dir) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    Map<String, Object> meta = metadata(dir, m);
    m.put("model", meta.getOrDefault("model", name.replaceFirst("-\\d{8}-\\d{6}$", "")));
    m.put("command", meta.getOrDefault("command", guessCommand(dir)));
    m.put("status", status(dir, meta));
    long modified = 0;
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) modified = Math.max(modified, modifiedMillis(p));
    } catch (IOException e) {
      m.put("error", "cannot list " + dir + ": " + e.getMessage());
    }
    m.put("modified", modified);
    Csv steps = csv(dir.resolve("steps.csv"), m);
    if (steps != null && !steps.rows().isEmpty()) {
      Double[] last = steps.rows().getLast();
      int si = steps.columns().indexOf("step"), ti = steps.columns().indexOf("seconds");
      if (si >= 0) m.put("step", last[si]);
      if (ti >= 0) m.put("seconds", last[ti]);
    }
    Map<String, Object> best = new LinkedHashMap<>(), fin = new LinkedHashMap<>();
    Csv eval = csv(dir.resolve("eval.csv"), m);
    if (eval != null && !eval.rows().isEmpty()) {
      for (int j = 0; j < eval.columns().size(); j++) {
        String c = eval.columns().get(j);
        if (List.of("step", "epoch", "seconds").contains(c)) continue;
        boolean higher = c.contains("acc");
        Double b = null;
        for (Double[] r : eval.rows()) if (r[j] != null && (b == null || (higher ? r[j] > b : r[j] < b))) b = r[j];
        if (b != null) best.put(c, b);
        fin.put(c, eval.rows().getLast()[j]);
      }
      if (!m.containsKey("step")) m.put("step", eval.rows().getLast()[0]);
    }
    if (meta.get("final") instanceof Map<?, ?> f) f.forEach((k, v) -> fin.put(k.toString(), v));
    m.put("best", best);
    m.put("final", fin);
    return m;
  }

  /** The run's {@code metrics.json} without its evaluations (an empty map if absent; errors go to {@code into}). */
  static Map<String, Object> metadata(Path dir, Map<String, Object> into) {
    Path f = dir.resolve("metrics.json");
    if (!Files.isRegularFile(f)) return Map.of();
    try {
      if (Json.parse(Files.readString(f, StandardCharsets.UTF_8), f.toString()) instanceof Map<?, ?> j) {
        Map<String, Object> out = new LinkedHashMap<>();
        j.forEach((k, v) -> {
          if (!k.equals("evaluations")) out.put(k.toString(), v);
        });
        return out;
      }
      into.put("error", f + ": not a JSON object");
    } catch (IOException | RuntimeException e) {
      into.put("error", f + ": " + e.getMessage());
    }
    return Map.of();
  }

  static Csv csv(Path f, Map<String, Object> errors) {
    if (!Files.isRegularFile(f)) return null;
    try {
      return Csv.parse(Files.readAllBytes(f));
    } catch (IOException e) {
      errors.put("error", "cannot read " + f + ": " + e.getMessage());
      return null;
    }
  }

  static String status(Path dir, Map<String, Object> meta) {
    Path lock = dir.resolve(RunLock.FILE);
    if (Files.exists(lock)) {
      try {
        String s = Files.readString(lock, StandardCharsets.US_ASCII).strip();
        if (s.isEmpty()) return "running"; // being created
        long pid = Long.parseLong(s);
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) ? "running" : "failed";
      } catch (IOException | NumberFormatException e) {
        return "running";
      }
    }
    long now = System.currentTimeMillis();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (now - modifiedMillis(p) < RECENT_SECONDS * 1000L && !meta.containsKey("final")) return "running";
      }
    } catch (IOException e) {
      return "unknown";
    }
    if (Files.isRegularFile(dir.resolve("steps.csv")) && !Files.isRegularFile(dir.resolve("metrics.json"))) return "failed";
    return "finished";
  }

  /** The file's modification time, 0 if it vanished (a temporary file moved into place). */
  static long modifiedMillis(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  private static String guessCommand(Path dir) {
    String n = dir.toAbsolutePath().normalize().getFileName() == null ? "" : dir.toAbsolutePath().normalize().getFileName().toString();
    return n.replaceFirst("-\\d{8}-\\d{6}$", "").replaceFirst("[-_].*", "");
  }

  /**
   * One run in full: its summary, metadata, every CSV file's numeric series, its pictures and other
   * files (names relative to the run folder).
   */
  public Map<String, Object> detail(String name, Path dir) throws IOException {
    Map<String, Object> m = summary(name, dir);
    m.put("metadata", metadata(dir, m));
    Map<String, Object> series = new LinkedHashMap<>();
    List<String> images = new ArrayList<>(), files = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s.sorted()::iterator) {
        String f = p.getFileName().toString();
        if (f.startsWith(".") || !Files.isRegularFile(p)) continue;
        files.add(f);
        if (f.endsWith(".png")) images.add(f);
        if (!f.endsWith(".csv")) continue;
        Csv c = csv(p, m);
        if (c == null || c.columns().isEmpty()) continue;
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("columns", c.columns());
        one.put("x", c.xColumn() < 0 ? null : c.columns().get(c.xColumn()));
        one.put("rows", c.rows());
        one.put("skipped", c.skipped());
        series.put(f, one);
      }
    }
    m.put("series", series);
    m.put("images", images);
    m.put("files", files);
    return m;
  }

  /** A fingerprint of the folder's files (names, sizes, times): it changes when the run writes. */
  public static String fingerprint(Path dir) {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s.sorted()::iterator) {
        if (p.getFileName().toString().startsWith(".")) continue; // temporary files of atomic writes, the lock
        try {
          sb.append(p.getFileName()).append(':').append(Files.size(p)).append(':').append(Files.getLastModifiedTime(p).toMillis()).append(';');
        } catch (IOException e) {
          // moved away between list and stat
        }
      }
    } catch (IOException e) {
      sb.append("error:").append(e.getMessage());
    }
    return sb.toString();
  }
}
