package dev.fivefold.cli;

import dev.fivefold.data.Dataset;
import dev.fivefold.data.TextCorpus;
import dev.fivefold.data.augment.Augmentation;
import dev.fivefold.data.augment.TestTimeAugmentation;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.io.BadInputException;
import dev.fivefold.io.SafeTensors;
import dev.fivefold.io.tensorboard.EventWriter;
import dev.fivefold.io.tensorboard.RunFolderExport;
import dev.fivefold.io.tensorboard.TensorBoardObserver;
import dev.fivefold.nn.Module;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.GptConfig;
import dev.fivefold.perception.Models;
import dev.fivefold.perception.RecurrentLm;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.LanguageModelTask;
import dev.fivefold.train.MetricsLog;
import dev.fivefold.train.RecurrentLanguageModelTask;
import dev.fivefold.train.Task;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.TrainObserver;
import dev.fivefold.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fivefold train}: trains a model and writes a run folder. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train a model and write a run folder: metrics (steps.csv, eval.csv, metrics.json), "
        + "loss.png, accuracy.png (bpc.png for gpt) and checkpoint.safetensors.",
        "Ctrl-C writes a checkpoint of the last completed step; continue with --resume.", "",
        "Examples:",
        "  ./fivefold train --model mlp --epochs 5                     LeNet-300-100 on Fashion-MNIST",
        "  ./fivefold train --model lenet5 --epochs 2 --batch 64",
        "  ./fivefold train --model lenet5 --augment crop:4,flip,erase:0.5   augmented training images",
        "  ./fivefold train --model mlp:784-512-10:tanh --optimizer sgd --lr 0.1",
        "  ./fivefold train --model gpt --max-minutes 10                char-level GPT on the King James Bible",
        "  ./fivefold train --model gpt --data my.txt --layers 2 --width 64 --context 64",
        "  ./fivefold train --model lstm --max-minutes 10               2-layer LSTM (width 256), truncated BPTT, state carried",
        "  ./fivefold train --model gru:layers=1,width=128,context=64",
        "  ./fivefold train --resume runs/mlp-20250101-120000/checkpoint.safetensors --epochs 10", ""})
final class TrainCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Option(names = "--model", paramLabel = "SPEC", description = "mlp (LeNet-300-100), lenet5, gpt, vit (a Vision Transformer), lstm, gru (recurrent LMs), or a spec like "
      + "mlp:784-512-10:tanh, gpt:layers=2,heads=2,width=64,context=64, vit:patch=7,width=32,layers=2,heads=2,mlp=64 (default: mlp; with --resume: the checkpoint's).")
  String model;

  @Option(names = "--data", paramLabel = "NAME", description = "fashion-mnist (default for mlp/lenet5), kjv (default for gpt) "
      + "or a text file for gpt.")
  String data;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the four Fashion-MNIST IDX files (.gz).")
  Path dataDir;

  @Option(names = "--augment", paramLabel = "SPEC", description = "Augment the training images (images only; evaluation never is): "
      + "comma-separated " + Augmentation.NAMES + ", e.g. crop:4,flip,erase:0.5; none (default; with --resume: the checkpoint's).")
  String augment;

  @Option(names = "--epochs", defaultValue = "5", description = "Passes over the training data (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch", paramLabel = "N", description = "Batch size (default: 128 for images, 32 for gpt).")
  Integer batch;

  @Option(names = "--lr", paramLabel = "RATE", description = "Peak learning rate (default: 1e-3 for images, 2e-3 for gpt).")
  Double lrOption;
  double lr;

  @Option(names = "--schedule", paramLabel = "NAME", defaultValue = "cosine",
      description = "Learning-rate schedule: cosine (linear warm-up, then cosine decay to 0 for images, to 0.1·lr for gpt, "
          + "over the planned steps or --max-minutes) or constant (default: ${DEFAULT-VALUE}).")
  String schedule;

  @Option(names = "--warmup", paramLabel = "STEPS", defaultValue = "100", description = "Warm-up steps of the cosine schedule (default: ${DEFAULT-VALUE}).")
  long warmup;

  @Option(names = "--optimizer", paramLabel = "NAME", description = "sgd, momentum, nesterov, adagrad, rmsprop, "
      + "rmsprop_centered, adadelta, adam, amsgrad, adamw, adamax, nadam, lamb, lars, swats (default: adam for images, adamw for gpt).")
  String optimizer;

  @Option(names = "--label-smoothing", paramLabel = "EPS", defaultValue = "0",
      description = "Image models: train against (1-EPS)·one-hot + EPS/classes, in [0, 1) (default: ${DEFAULT-VALUE}).")
  double labelSmoothing;

  @Option(names = "--tta", paramLabel = "MODE", defaultValue = "none",
      description = "Image models: also evaluate with test-time augmentation, the mean of the softmax over views of each "
          + "test image, printed beside the plain accuracy: flip (the image and its mirror), shift:S (the image and its four "
          + "corner crops after zero-padding by S), flip,shift:S (those five and their mirrors: AlexNet's ten crops); the "
          + "evaluation takes V times as long; none (default: ${DEFAULT-VALUE}).")
  String tta;

  private TestTimeAugmentation views; // --tta, read by validate()

  @Option(names = "--profile", description = "Time every op of every step, forward and backward; print the table (op, ms, share) at the end "
      + "and write it to profile.txt in the run folder. Timers only: the results are unchanged.")
  boolean profile;

  @Option(names = "--weight-decay", paramLabel = "LAMBDA", description = "Weight decay λ: decoupled for adamw and lamb, "
      + "added to the gradient for the others (default: 0.01 for adamw and lamb, 1e-4 for lars, 0 otherwise; with --resume: "
      + "the checkpoint's).")
  Double weightDecay;

  @Option(names = "--max-steps", paramLabel = "N", defaultValue = "0", description = "Stop after N steps (0 = no limit).")
  long maxSteps;

  @Option(names = "--max-minutes", paramLabel = "M", defaultValue = "0", description = "Stop after M minutes of training (0 = no limit).")
  double maxMinutes;

  @Option(names = "--eval-every", paramLabel = "N", defaultValue = "0", description = "Evaluate every N steps (0 = each epoch and at the end).")
  long evalEvery;

  @Option(names = "--eval-tokens", paramLabel = "N", defaultValue = "65536",
      description = "gpt: held-out tokens per evaluation (0 = all; default: ${DEFAULT-VALUE}).")
  long evalTokens;

  @Option(names = "--layers", defaultValue = "4", description = "gpt: Transformer blocks (default: ${DEFAULT-VALUE}).")
  int layers;

  @Option(names = "--heads", defaultValue = "4", description = "gpt: attention heads (default: ${DEFAULT-VALUE}).")
  int heads;

  @Option(names = "--width", defaultValue = "128", description = "gpt: embedding width (default: ${DEFAULT-VALUE}).")
  int width;

  @Option(names = "--context", defaultValue = "128", description = "gpt: context length in characters (default: ${DEFAULT-VALUE}).")
  int context;

  @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/<model>-<yyyyMMdd-HHmmss>).")
  Path out;

  @Option(names = "--resume", paramLabel = "CKPT", description = "Continue from a checkpoint (same model and optimizer).")
  Path resume;

  @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "0",
      description = "Also write the checkpoint every N steps (0 = only at the end and on Ctrl-C).")
  long checkpointEvery;

  /** Set by demo: text printed after the summary. */
  String nextHint;
  /** Set by demo: a download progress callback on stderr. */
  boolean showDownloads;

  private void validate() {
    common.apply();
    if (lrOption != null) common.positive("--lr", lrOption);
    if (warmup < 0) throw new IllegalArgumentException("--warmup (" + warmup + ") must be >= 0");
    dev.fivefold.control.Schedules.byName(schedule, 1, 0, 0); // validates the name
    common.atLeast("--epochs", epochs, 1);
    if (batch != null) common.atLeast("--batch", batch, 1);
    common.atLeast("--max-steps", maxSteps, 0);
    common.nonNegative("--max-minutes", maxMinutes);
    common.atLeast("--eval-every", evalEvery, 0);
    common.atLeast("--eval-tokens", evalTokens, 0);
    common.atLeast("--checkpoint-every", checkpointEvery, 0);
    common.atLeast("--layers", layers, 1);
    common.atLeast("--heads", heads, 1);
    common.atLeast("--width", width, 1);
    common.atLeast("--context", context, 1);
    if (weightDecay != null && !(weightDecay >= 0 && weightDecay < 1e3)) throw common.bad("--weight-decay (" + weightDecay + ") must be in [0, 1000)");
    if (!(labelSmoothing >= 0 && labelSmoothing < 1)) throw common.bad("--label-smoothing (" + labelSmoothing + ") must be in [0, 1)");
    views = Inputs.tta(tta);
    if (width % heads != 0) throw common.bad("--heads (" + heads + ") must divide --width (" + width + ")");
    if (batch != null && (long) batch * context > dev.fivefold.io.Heap.MAX_ARRAY && (model == null || model.startsWith("gpt") || Inputs.isRecurrent(model))) {
      throw common.bad("--batch (" + batch + ") × --context (" + context + ") must be < 2^31 tokens");
    }
    if (batch != null && (long) batch * 784 > dev.fivefold.io.Heap.MAX_ARRAY && (model == null || !(model.startsWith("gpt") || Inputs.isRecurrent(model)))) {
      throw common.bad("--batch (" + batch + ") × 784 pixels must be < 2^31 (at most " + dev.fivefold.io.Heap.MAX_ARRAY / 784 + ")");
    }
  }

  @Override
  public Integer call() throws IOException {
    long t0 = System.nanoTime();
    validate();
    Thread chartsReady = Charts.warmUp();
    Map<String, String> resumed = Map.of();
    if (resume != null) {
      resumed = SafeTensors.read(resume).metadata();
      String spec = resumed.get("model");
      if (spec == null) throw new BadInputException(resume + ": metadata has no 'model' spec; is it a fivefold checkpoint?");
      if (model != null && !Inputs.sameFamily(model, spec)) {
        throw new BadInputException("--model (" + model + ") does not match the checkpoint's model (" + spec + ")");
      }
      model = spec;
      if (data == null && dataDir == null) {
        if (resumed.containsKey("data-dir")) dataDir = Path.of(resumed.get("data-dir"));
        else data = resumed.get("data");
      }
      if (optimizer == null) optimizer = resumed.get("optimizer");
      if (weightDecay == null && resumed.containsKey("weight-decay")) weightDecay = Double.parseDouble(resumed.get("weight-decay"));
      if (augment == null) augment = resumed.get("task.augment");
    }
    if (model == null) model = "mlp";
    boolean recurrent = Inputs.isRecurrent(model);
    boolean lm = model.equals("gpt") || model.startsWith("gpt:") || recurrent;
    Augmentation augmentation = augmentation(augment);
    if (lm && !augmentation.isNone()) throw common.bad("--augment (" + augment + ") applies to image models, not " + model);
    if (lm && views.active()) throw common.bad("--tta (" + tta + ") applies to image models, not " + model);

    Map<String, String> ckptMeta = new LinkedHashMap<>();
    Task task;
    Module net;
    String unit;
    if (lm) {
      Lifecycle.activity("loading " + (data == null ? "kjv" : data));
      TextCorpus corpus = Inputs.corpus(data);
      String spec = recurrent ? Inputs.withVocab(model, corpus.vocabSize()) : gptSpec(model, corpus.vocabSize());
      int bb = batch == null ? 32 : batch;
      Models.requireFits(Models.parse(spec), bb, "--model " + spec);
      Lifecycle.activity("building " + spec);
      net = Models.create(spec, common.seed);
      if (resumed.containsKey("vocab") && !resumed.get("vocab").equals(corpus.vocab().toMetadata())) {
        throw new BadInputException(resume + ": the checkpoint's vocabulary differs from that of " + corpus.name());
      }
      int b = batch == null ? 32 : batch;
      task = net instanceof RecurrentLm r ? new RecurrentLanguageModelTask(r, corpus, b, r.context(), evalTokens)
          : new LanguageModelTask((Gpt) net, corpus, b, ((Gpt) net).config().context(), common.seed, evalTokens);
      ckptMeta.put("vocab", corpus.vocab().toMetadata());
      ckptMeta.put("data", data == null || data.equals("kjv") ? "kjv" : Path.of(data).toAbsolutePath().toString());
      ckptMeta.put("batch", Integer.toString(b));
      unit = "tokens";
    } else {
      Models.requireFits(Models.parse(model), batch == null ? 128 : batch, "--model " + model);
      Lifecycle.activity("building " + model);
      net = Models.create(model, common.seed);
      Lifecycle.activity("loading " + (dataDir != null ? dataDir.toString() : data == null ? "fashion-mnist" : data));
      Dataset[] d = Inputs.images(data, dataDir, showDownloads ? stderr : null);
      int b = batch == null ? 128 : batch;
      try {
        task = new ClassificationTask(net, d[0], d[1], b, common.seed, augmentation, labelSmoothing).tta(views);
      } catch (IllegalArgumentException e) {
        throw common.bad("--augment (" + augment + "): " + e.getMessage());
      }
      if (dataDir != null) ckptMeta.put("data-dir", dataDir.toAbsolutePath().toString());
      ckptMeta.put("data", "fashion-mnist");
      ckptMeta.put("batch", Integer.toString(b));
      unit = "samples";
    }
    String spec = Models.specOf(net);
    ckptMeta.put("model", spec);
    lr = lrOption != null ? lrOption : lm ? 2e-3 : 1e-3;
    String opt = optimizer == null ? (lm ? "adamw" : "adam") : optimizer;
    double wd = weightDecay != null ? weightDecay : Optimizers.NAMES.contains(opt) ? Optimizers.defaultWeightDecay(opt) : 0;
    Optimizer o = Optimizers.byName(opt, net.parameters(), lr, wd);
    ckptMeta.put("weight-decay", Double.toString(wd));

    Path dir = Common.runFolder(out, model.split(":")[0]);
    Path ckpt = dir.resolve("checkpoint.safetensors");

    RunGuard guard = new RunGuard(ckpt, ckptMeta, checkpointEvery);
    TrainConfig cfg = new TrainConfig(epochs, maxSteps, maxMinutes * 60, evalEvery);
    Trainer trainer = new Trainer(task, o, cfg);
    dev.fivefold.autodiff.OpProfile ops = profile ? new dev.fivefold.autodiff.OpProfile() : null;
    if (ops != null) trainer.profile(ops);
    guard.bind(trainer);
    trainer.controller(dev.fivefold.control.Controller.open(dev.fivefold.control.Schedules.byName(schedule, lr, warmup, lm ? 0.1 : 0.0)));
    if (resume != null) dev.fivefold.train.Checkpoint.restore(resume, trainer);
    long planned = Math.min(task.stepsPerEpoch() * epochs, maxSteps > 0 ? maxSteps : Long.MAX_VALUE);
    TensorBoardObserver tb = null;
    if (common.tensorboard) { // live: the gradient tap reads the gradients and changes nothing (bit-identical runs)
      tb = new TensorBoardObserver(EventWriter.open(dir), net.namedParameters(), Math.max(1, planned / 20));
      o.tap(tb.gradientTap());
    }

    long total = Math.min(task.stepsPerEpoch() * epochs, maxSteps > 0 ? maxSteps : Long.MAX_VALUE);
    if (resume != null && trainer.step() >= total) {
      stderr.println("note: the checkpoint is at step " + trainer.step() + ", the run ends at step " + total
          + " (--epochs " + epochs + (maxSteps > 0 ? ", --max-steps " + maxSteps : "") + "): only evaluating");
    }
    Map<String, Object> runMeta = new LinkedHashMap<>();
    runMeta.put("command", "train");
    runMeta.put("model", spec);
    runMeta.put("parameters", net.parameterCount());
    runMeta.put("data", ckptMeta.get("data"));
    runMeta.put("optimizer", opt);
    runMeta.put("lr", lr);
    runMeta.put("weight_decay", wd);
    runMeta.put("schedule", schedule);
    if (!lm) runMeta.put("augment", augmentation.toString());
    runMeta.put("batch", Integer.parseInt(ckptMeta.get("batch")));
    runMeta.put("epochs", epochs);
    runMeta.put("seed", common.seed);
    runMeta.put("threads", common.threads());
    if (resume != null) runMeta.put("resumed_from", resume.toAbsolutePath().toString());
    MetricsLog metrics = new MetricsLog(dir, (int) Math.max(1, total / 2000), runMeta);
    if (resume != null) metrics.resumeAt(trainer.step()); // keep the run folder's rows up to the checkpoint
    Progress progress = new Progress(stderr, unit, Progress.terminal());
    trainer.observe(progress).observe(metrics).observe(guard);
    if (tb != null) trainer.observe(tb);

    stderr.printf("training %s (%,d parameters) on %s%s with %s lr %s, batch %s, %d thread%s -> %s%n", spec, net.parameterCount(),
        ckptMeta.get("data"), augmentation.isNone() ? "" : " augmented " + augmentation, opt, lr, ckptMeta.get("batch"), common.threads(),
        common.threads() == 1 ? "" : "s", dir);
    Charts.join(chartsReady);
    Lifecycle.activity(null); // from here the guard's hook reports an interruption (and writes the checkpoint)
    guard.installHook(stderr, () -> {
      progress.close();
      writeReports(dir, metrics, lm);
    });
    dev.fivefold.tensor.kernel.Gemm.blocking(); // the SGEMM tile's start-up timing, before the training clock runs
    Map<String, Double> result;
    try {
      result = trainer.fit();
      progress.close();
      timeBreakdown(trainer, metrics);
      if (ops != null) {
        String table = ops.table();
        stderr.print("time per op over the run's steps:\n" + table);
        AtomicFiles.writeString(dir.resolve("profile.txt"), table);
      }
      guard.finish(() -> writeReports(dir, metrics, lm));
    } catch (RuntimeException | OutOfMemoryError e) {
      progress.close();
      guard.rescue(e);
      guard.release();
      throw e;
    } finally {
      guard.removeHook();
      if (tb != null) {
        try (TensorBoardObserver t = tb) {
          RunFolderExport.images(dir, t.writer(), trainer.step());
        } catch (IOException | RuntimeException e) {
          stderr.println("fivefold: could not write TensorBoard images: " + Main.oneLine(String.valueOf(e.getMessage())));
        }
      }
    }

    double wall = (System.nanoTime() - t0) / 1e9;
    String score = lm
        ? String.format("held-out bpc %.4f (loss %.4f nats, %,.0f tokens)", result.get("bpc"), result.get("loss"), result.get("tokens"))
        : String.format("test accuracy %.4f (loss %.4f)", result.get("accuracy"), result.get("loss"))
            + (result.containsKey("tta_accuracy") ? String.format(", with TTA (%s) %.4f", tta, result.get("tta_accuracy")) : "");
    double rate = progress.throughput();
    stdout.printf("%s | %s %s/s | %d steps | wall %.1f s | run folder %s%n", score, Double.isNaN(rate) ? "-" : String.format("%,.0f", rate), unit, trainer.step(), wall, dir);
    stdout.println(nextHint != null ? nextHint.replace("CKPT", ckpt.toString())
        : lm ? "next: ./fivefold sample " + ckpt + " --prompt \"In the beginning\"" : "next: ./fivefold eval " + ckpt);
    return 0;
  }

  /**
   * Where the run's time went ({@link Trainer#timeBreakdown}, seconds per phase, to the millisecond) into
   * metrics.json as "time_breakdown", and with --verbose on stderr.
   */
  private void timeBreakdown(Trainer trainer, MetricsLog metrics) {
    Map<String, Object> tb = new LinkedHashMap<>();
    StringBuilder line = new StringBuilder("time breakdown (s):");
    for (var e : trainer.timeBreakdown().entrySet()) {
      tb.put(e.getKey(), Math.round(e.getValue() * 1000) / 1000.0);
      line.append(String.format(" %s %.3f", e.getKey(), e.getValue()));
    }
    metrics.meta("time_breakdown", tb);
    if (common.verbose) stderr.println(line);
  }

  /** The --augment spec parsed; a bad one is a one-line error naming the flag and the value. */
  private Augmentation augmentation(String spec) {
    try {
      return Augmentation.parse("--augment", spec);
    } catch (IllegalArgumentException e) {
      throw common.bad(e.getMessage());
    }
  }

  /** Writes the charts; failures to draw are reported, not fatal (the numbers are in the CSVs). */
  private void writeReports(Path dir, MetricsLog metrics, boolean lm) {
    try {
      metrics.flush();
      List<double[]> test = new ArrayList<>(), score = new ArrayList<>();
      for (TrainObserver.Eval e : metrics.evals()) {
        Double l = e.metrics().get("loss");
        Double s = e.metrics().get(lm ? "bpc" : "accuracy");
        if (l != null) test.add(new double[] {e.step(), l});
        if (s != null) score.add(new double[] {e.step(), s});
      }
      Charts.write(dir.resolve("loss.png"), "loss", "step", "cross-entropy (nats)",
          List.of(new Charts.Series("train", metrics.stepLosses(), false), new Charts.Series(lm ? "held-out" : "test", test, true)));
      Charts.write(dir.resolve(lm ? "bpc.png" : "accuracy.png"), lm ? "bits per character (held-out)" : "test accuracy", "step",
          lm ? "bpc" : "accuracy", List.of(new Charts.Series(lm ? "held-out" : "test", score, true)));
    } catch (IOException | RuntimeException | LinkageError e) {
      stderr.println("fivefold: could not write charts: " + Main.oneLine(String.valueOf(e.getMessage())));
    }
  }

  /** The bare "gpt" gets the shape flags; a "gpt:..." spec gets vocab= if it lacks one. */
  String gptSpec(String spec, int vocab) {
    if (spec.equals("gpt")) {
      return new GptConfig(vocab, context, layers, heads, width, 0f).toString();
    }
    return spec.contains("vocab=") ? spec : spec + ",vocab=" + vocab;
  }
}
