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
 */
public final class MetricsLog implements TrainObserver {
  private final Path dir;
  private final int every;
  private final Map<String, Object> meta;
  private final StringBuilder steps = new StringBuilder("step,epoch,loss,lr,seconds\n");
  private final List<Eval> evals = new ArrayList<>();
  private final List<double[]> stepRows = new ArrayList<>();

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
    evals.add(e);
    flush();
  }

  @Override
  public void onEnd() {
    flush();
  }

  /** (step, loss) pairs logged so far. */
  public List<double[]> stepLosses() {
    return stepRows;
  }

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
