package dev.fivefold.io.tensorboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Turns a run folder's files into TensorBoard events: every numeric column of every {@code *.csv}
 * becomes a scalar series {@code <file>/<column>} against the file's {@code step} column (else its
 * {@code epoch}, {@code round} or {@code iteration} column, else the row number), and every
 * {@code *.png} an image {@code images/<file>} at the last step seen. Rows that do not parse (a
 * partial last line of a file being written, a text cell) are skipped cell by cell.
 */
public final class RunFolderExport {
  private static final List<String> STEP_COLUMNS = List.of("step", "epoch", "round", "iteration", "iter");

  private RunFolderExport() {}

  /**
   * What was written: scalar points and images.
   * @param scalars the number of scalar points written
   * @param images the number of images written
   */
  public record Counts(long scalars, int images) {}

  /**
   * Writes the events of {@code runDir}'s CSV and PNG files (not its subfolders) to {@code out}.
   * @param runDir the run folder
   * @param out the event writer, flushed at the end
   * @return what was written
   * @throws dev.fivefold.io.BadInputException if {@code runDir} is not a directory
   * @throws IOException if a file cannot be read or the events cannot be written
   */
  public static Counts export(Path runDir, EventWriter out) throws IOException {
    if (!Files.isDirectory(runDir)) throw new dev.fivefold.io.BadInputException("run folder " + runDir + " is not a directory");
    List<Path> csv = new ArrayList<>(), png = new ArrayList<>();
    try (Stream<Path> s = Files.list(runDir)) {
      s.sorted().forEach(p -> {
        String n = p.getFileName().toString();
        if (!Files.isRegularFile(p) || n.startsWith(".")) return;
        if (n.endsWith(".csv")) csv.add(p);
        else if (n.endsWith(".png")) png.add(p);
      });
    }
    long scalars = 0, lastStep = 0;
    for (Path p : csv) {
      List<String> lines = Files.readAllLines(p);
      if (lines.isEmpty()) continue;
      String[] head = lines.get(0).split(",", -1);
      int x = -1;
      for (String c : STEP_COLUMNS) {
        for (int j = 0; j < head.length && x < 0; j++) if (head[j].strip().equalsIgnoreCase(c)) x = j;
        if (x >= 0) break;
      }
      String base = p.getFileName().toString().replaceFirst("\\.csv$", "");
      boolean complete = lines.size() > 1 && Files.size(p) > 0 && endsWithNewline(p);
      for (int i = 1; i < lines.size(); i++) {
        if (i == lines.size() - 1 && !complete) break; // a partial last line of a file being written
        String[] f = lines.get(i).split(",", -1);
        if (f.length != head.length) continue;
        long step = i;
        if (x >= 0) {
          Double s = number(f[x]);
          if (s == null) continue;
          step = (long) (double) s;
        }
        lastStep = Math.max(lastStep, step);
        for (int j = 0; j < f.length; j++) {
          if (j == x) continue;
          Double v = number(f[j]);
          if (v == null) continue;
          out.scalar(base + "/" + head[j].strip(), step, v);
          scalars++;
        }
      }
    }
    int images = images(runDir, out, lastStep);
    out.flush();
    return new Counts(scalars, images);
  }

  /**
   * Writes every {@code *.png} of {@code dir} as an image {@code images/<file>} at {@code step}; returns how
   * many.
   * Files that turn out not to be PNG are skipped.
   * @param dir the folder
   * @param out the event writer, flushed at the end
   * @param step the step the images are logged at
   * @return the number of images written
   * @throws IOException if the folder or a file cannot be read, or the events cannot be written
   */
  public static int images(Path dir, EventWriter out, long step) throws IOException {
    List<Path> png;
    try (Stream<Path> s = Files.list(dir)) {
      png = s.filter(p -> p.getFileName().toString().endsWith(".png") && Files.isRegularFile(p)).sorted().toList();
    }
    int n = 0;
    for (Path p : png) {
      try {
        out.image("images/" + p.getFileName().toString().replaceFirst("\\.png$", ""), step, Files.readAllBytes(p));
        n++;
      } catch (IllegalArgumentException e) {
        // not a PNG after all: skipped
      }
    }
    out.flush();
    return n;
  }

  /**
   * Whether {@code dir} already holds an event file written by this process (a live log).
   * @param dir the log folder
   * @return true if an event file name there carries this process's id
   * @throws IOException if the folder cannot be listed
   */
  public static boolean hasOwnEvents(Path dir) throws IOException {
    String mark = "." + ProcessHandle.current().pid() + ".";
    try (Stream<Path> s = Files.list(dir)) {
      return s.anyMatch(p -> p.getFileName().toString().startsWith("events.out.tfevents.") && p.getFileName().toString().contains(mark));
    }
  }

  private static boolean endsWithNewline(Path p) throws IOException {
    try (var ch = java.nio.channels.FileChannel.open(p)) {
      long n = ch.size();
      if (n == 0) return false;
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
      ch.read(b, n - 1);
      return b.get(0) == '\n';
    }
  }

  private static Double number(String s) {
    try {
      double v = Double.parseDouble(s.strip());
      return Double.isFinite(v) ? v : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
