package dev.fivefold.io.tensorboard;

import dev.fivefold.nn.Parameter;
import dev.fivefold.train.TrainObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Logs a training run to TensorBoard: every step {@code train/loss} and {@code train/lr}; every
 * evaluation {@code eval/train_loss} and {@code eval/<metric>}; every rollback
 * {@code guard/rollbacks} and {@code guard/lr_scale}; every {@code histogramEvery} steps (and at
 * step 1) histograms {@code weights/<name>} of the parameters and {@code gradients/<name>} of the
 * gradients the optimizer received at that step.
 *
 * <p>The gradients are seen through {@link #gradientTap()}, a tap on the optimizer
 * ({@link dev.fivefold.optim.Optimizer#tap}), not a link of its chain: it reads the gradients
 * and changes nothing, so the run's numbers are bit-identical with and without it, and its
 * checkpoints are the same files (a checkpoint written with TensorBoard on resumes without it, and
 * the other way round). Without the tap only weights are logged.
 */
public final class TensorBoardObserver implements TrainObserver, AutoCloseable {
  private final EventWriter out;
  private final Map<String, Parameter> params;
  private final long histogramEvery;
  private long nextStep = 1;

  /**
   * An observer that logs the run's metrics, and every {@code histogramEvery} steps the weights' histograms,
   * to {@code out}.
   * @param out the event file (closed by {@link #close})
   * @param params the model's named parameters ({@link dev.fivefold.nn.Module#namedParameters()})
   * @param histogramEvery steps between histograms, ≥ 1
   * @throws IllegalArgumentException if {@code out} is null or {@code histogramEvery < 1}
   */
  public TensorBoardObserver(EventWriter out, Map<String, Parameter> params, long histogramEvery) {
    if (out == null) throw new IllegalArgumentException("out (null) must be given");
    if (histogramEvery < 1) throw new IllegalArgumentException("histogramEvery (" + histogramEvery + ") must be >= 1");
    this.out = out;
    this.params = new LinkedHashMap<>(params);
    this.histogramEvery = histogramEvery;
  }

  /**
   * The event writer.
   * @return the writer this observer logs to
   */
  public EventWriter writer() {
    return out;
  }

  /**
   * A gradient tap ({@link dev.fivefold.optim.Optimizer#tap}) that logs the gradients' histograms
   * on the steps that log histograms; the i-th array is the i-th parameter of the optimizer, which
   * must be built on the model's parameters in order ({@code model.parameters()}).
   * @return the tap, to pass to {@link dev.fivefold.optim.Optimizer#tap}
   */
  public Consumer<float[][]> gradientTap() {
    List<String> names = new ArrayList<>(params.keySet());
    return updates -> {
      if (due(nextStep)) {
        for (int i = 0; i < updates.length; i++) {
          String name = i < names.size() ? names.get(i) : "param" + i;
          float[] g = updates[i];
          io(() -> out.histogram("gradients/" + name, nextStep, g));
        }
      }
    };
  }

  private boolean due(long step) {
    return step == 1 || step % histogramEvery == 0;
  }

  @Override
  public void onStart(long totalSteps, long stepsPerEpoch) {
    if (nextStep == 1) {
      for (var e : params.entrySet()) io(() -> out.histogram("weights/" + e.getKey(), 0, e.getValue().value().data()));
    }
  }

  @Override
  public void onStep(Step s) {
    io(() -> {
      out.scalar("train/loss", s.step(), s.loss());
      out.scalar("train/lr", s.step(), s.lr());
      if (due(s.step())) {
        for (var e : params.entrySet()) out.histogram("weights/" + e.getKey(), s.step(), e.getValue().value().data());
      }
    });
    nextStep = s.step() + 1;
  }

  @Override
  public void onEval(Eval e) {
    io(() -> {
      out.scalar("eval/train_loss", e.step(), e.trainLoss());
      for (var m : e.metrics().entrySet()) out.scalar("eval/" + m.getKey(), e.step(), m.getValue());
      out.flush();
    });
  }

  @Override
  public void onRollback(Rollback r) {
    io(() -> {
      out.scalar("guard/rollbacks", r.atStep(), r.rollbacks());
      out.scalar("guard/lr_scale", r.atStep(), r.lrScale());
    });
    nextStep = r.toStep() + 1;
  }

  @Override
  public void onEnd() {
    io(out::flush);
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  private interface Io {
    void run() throws IOException;
  }

  private void io(Io body) {
    try {
      body.run();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write TensorBoard events to " + out.file() + ": " + e.getMessage(), e);
    }
  }
}
