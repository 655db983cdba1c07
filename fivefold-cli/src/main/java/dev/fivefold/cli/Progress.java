package dev.fivefold.cli;

import dev.fivefold.train.TrainObserver;
import java.io.PrintStream;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a run's progress on stderr: a progress bar on a terminal, otherwise a line every ten
 * seconds and at each evaluation. Shows the epoch, the smoothed training loss (an exponential
 * moving average, α = 0.05, bias-corrected), the learning rate and the throughput of this run.
 */
final class Progress implements TrainObserver {
  private final PrintStream err;
  private final String unit;
  private final boolean interactive;
  private ProgressBar bar;
  private double ema;
  private long emaCount, firstUnits = -1, lastLine;
  private double firstSeconds;
  private Step last;

  Progress(PrintStream err, String unit, boolean interactive) {
    this.err = err;
    this.unit = unit;
    this.interactive = interactive;
  }

  /** True when stderr is a terminal (a bar makes sense). */
  static boolean terminal() {
    var c = System.console();
    return c != null && c.isTerminal() && System.getenv("TERM") != null && !"dumb".equals(System.getenv("TERM"));
  }

  @Override
  public void onStart(long totalSteps, long stepsPerEpoch) {
    lastLine = System.nanoTime();
    if (interactive) {
      bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(totalSteps).setStyle(ProgressBarStyle.ASCII)
          .setUpdateIntervalMillis(250).setConsumer(new ConsoleProgressBarConsumer(err, 150)).continuousUpdate().build();
    }
  }

  @Override
  public void onStep(Step s) {
    ema = 0.95 * ema + 0.05 * s.loss();
    emaCount++;
    if (firstUnits < 0) {
      firstUnits = s.units() - (s.units() / Math.max(1, s.step()));
      firstSeconds = s.seconds() - s.seconds() / Math.max(1, s.step());
    }
    last = s;
    if (bar != null) {
      bar.stepTo(s.step());
      bar.setExtraMessage(message(s));
    } else if (System.nanoTime() - lastLine > 10_000_000_000L) {
      lastLine = System.nanoTime();
      err.println("step " + s.step() + "/" + s.totalSteps() + "  " + message(s));
    }
  }

  @Override
  public void onEval(Eval e) {
    String m = "eval at step " + e.step() + ": " + format(e.metrics());
    if (bar != null) {
      bar.setExtraMessage(m);
    } else {
      err.println(m);
    }
  }

  @Override
  public void onEnd() {
    close();
  }

  void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }

  double smoothedLoss() {
    return ema / (1 - Math.pow(0.95, emaCount));
  }

  /** Units per second of training time in this run (not counting restored steps). */
  double throughput() {
    if (last == null) return Double.NaN;
    double dt = last.seconds() - firstSeconds;
    return dt > 0 ? (last.units() - firstUnits) / dt : Double.NaN;
  }

  private String message(Step s) {
    return String.format("epoch %d  loss %.4f  lr %.2g  %,.0f %s/s", s.epoch() + 1, smoothedLoss(), s.lr(), throughput(), unit);
  }

  static String format(Map<String, Double> m) {
    StringBuilder sb = new StringBuilder();
    for (var e : m.entrySet()) {
      if (e.getKey().equals("tokens")) continue;
      if (!sb.isEmpty()) sb.append("  ");
      sb.append(e.getKey()).append(' ').append(String.format("%.4f", e.getValue()));
    }
    return sb.toString();
  }
}
