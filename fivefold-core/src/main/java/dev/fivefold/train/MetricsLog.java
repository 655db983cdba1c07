package dev.fivefold.train;

import dev.fivefold.io.AtomicFiles;
import dev.fivefold.io.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a run's numbers into a folder: {@code steps.csv} (step, epoch, loss, lr, seconds; every
 * {@code every} steps), {@code eval.csv} (one row per evaluation) and {@code metrics.json} (all
 * evaluations plus run metadata). Files are rewritten atomically at each evaluation and at the end,
 * so a crash never leaves a half-written file.
 *
 * <p>A resumed run continues its folder's logs: {@link #resumeAt} reads the rows already there and
 * keeps those up to the checkpoint's step, dropping any that a killed run wrote after it (they
 * will be written again). An evaluation at a step already logged replaces that row, so resuming a
 * finished run (which only evaluates) leaves its logs as they were.
 */
public final class MetricsLog implements TrainObserver {
  private final Path dir;
  private final int every;
  private final Map<String, Object> meta;
  private final StringBuilder steps = new StringBuilder("step,epoch,loss,lr,seconds\n");
  private final List<Eval> evals = new ArrayList<>();
  private final List<double[]> stepRows = new ArrayList<>();

  /**
   * A log writing into {@code dir} (created at the first write).
   *
   * @param dir the folder of the files
   * @param every the steps between rows of {@code steps.csv}; values below 1 mean 1
   * @param meta run metadata for {@code metrics.json} (copied)
   */
  public MetricsLog(Path dir, int every, Map<String, Object> meta) {
    this.dir = dir;
    this.every = Math.max(1, every);
    this.meta = new LinkedHashMap<>(meta);
  }

  @Override
  public void onStep(Step s) {
    if (s.step() % every == 0 || s.step() == 1) {
      steps.append(s.step()).append(',').append(s.epoch()).append(',').append((float) s.loss()).append(',')
          .append((float) s.lr()).append(',').append(String.format("%.3f", s.seconds())).append('\n');
      stepRows.add(new double[] {s.step(), s.loss()});
    }
  }

  @Override
  public void onEval(Eval e) {
    evals.removeIf(old -> old.step() == e.step());
    evals.add(e);
    flush();
  }

  /**
   * Continues the logs already in the folder from {@code step} (a resumed checkpoint's): rows of
   * {@code steps.csv} and {@code eval.csv} at steps ≤ {@code step} are kept, later ones dropped.
   * Missing files mean a fresh folder; rows that do not parse are skipped.
   *
   * @param step the step of the checkpoint resumed from
   */
  public void resumeAt(long step) {
    try {
      Path sf = dir.resolve("steps.csv");
      if (Files.isRegularFile(sf)) {
        List<String> lines = Files.readAllLines(sf);
        for (int i = 1; i < lines.size(); i++) {
          String[] f = lines.get(i).split(",");
          if (f.length < 3) continue;
          try {
            long k = Long.parseLong(f[0]);
            if (k > step) continue;
            double loss = Double.parseDouble(f[2]);
            steps.append(lines.get(i)).append('\n');
            stepRows.add(new double[] {k, loss});
          } catch (NumberFormatException e) {
            // not a row of ours
          }
        }
      }
      Path ef = dir.resolve("eval.csv");
      if (Files.isRegularFile(ef)) {
        List<String> lines = Files.readAllLines(ef);
        if (lines.isEmpty()) return;
        String[] head = lines.get(0).split(",");
        for (int i = 1; i < lines.size(); i++) {
          String[] f = lines.get(i).split(",");
          if (f.length != head.length || f.length < 4) continue;
          try {
            long k = Long.parseLong(f[0]);
            if (k > step) continue;
            Map<String, Double> m = new LinkedHashMap<>();
            for (int j = 4; j < f.length; j++) m.put(head[j], Double.parseDouble(f[j]));
            evals.add(new Eval(k, Integer.parseInt(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]), m));
          } catch (NumberFormatException e) {
            // not a row of ours
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the metrics of " + dir + " to resume them: " + e.getMessage(), e);
    }
  }

  @Override
  public void onEnd() {
    flush();
  }

  /**
   * Adds (or replaces) a top-level field of {@code metrics.json}, written at the next {@link #flush}.
   *
   * @param key the field's name
   * @param value the field's value (a number, string, list or map)
   */
  public void meta(String key, Object value) {
    meta.put(key, value);
  }

  /**
   * (step, loss) pairs logged so far.
   *
   * @return the pairs (the live list)
   */
  public List<double[]> stepLosses() {
    return stepRows;
  }

  /** {@return the evaluations logged so far (the live list)} */
  public List<Eval> evals() {
    return evals;
  }

  /** Writes all files now. */
  public void flush() {
    try {
      Files.createDirectories(dir);
      AtomicFiles.writeString(dir.resolve("steps.csv"), steps.toString());
      StringBuilder ev = new StringBuilder("step,epoch,seconds,train_loss");
      List<String> keys = evals.isEmpty() ? List.of() : new ArrayList<>(evals.get(0).metrics().keySet());
      for (String k : keys) ev.append(',').append(k);
      ev.append('\n');
      List<Object> evJson = new ArrayList<>();
      for (Eval e : evals) {
        ev.append(e.step()).append(',').append(e.epoch()).append(',').append(String.format("%.3f", e.seconds()))
            .append(',').append((float) e.trainLoss());
        for (String k : keys) ev.append(',').append(e.metrics().getOrDefault(k, Double.NaN));
        ev.append('\n');
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", e.step());
        m.put("epoch", e.epoch());
        m.put("seconds", e.seconds());
        m.put("train_loss", finite(e.trainLoss()));
        for (var kv : e.metrics().entrySet()) m.put(kv.getKey(), finite(kv.getValue()));
        evJson.add(m);
      }
      AtomicFiles.writeString(dir.resolve("eval.csv"), ev.toString());
      Map<String, Object> all = new LinkedHashMap<>(meta);
      all.put("evaluations", evJson);
      if (!evals.isEmpty()) {
        Map<String, Object> fin = new LinkedHashMap<>();
        for (var kv : evals.get(evals.size() - 1).metrics().entrySet()) fin.put(kv.getKey(), finite(kv.getValue()));
        all.put("final", fin);
      }
      AtomicFiles.writeString(dir.resolve("metrics.json"), Json.pretty(all));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write metrics to " + dir + ": " + e.getMessage(), e);
    }
  }

  private static Object finite(double v) {
    return Double.isFinite(v) ? (Object) v : null;
  }
}
