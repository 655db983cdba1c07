package dev.fivefold.cli;

import dev.fivefold.compress.grad.Compressors;
import dev.fivefold.compress.grad.Layout;
import dev.fivefold.perception.Models;
import dev.fivefold.data.Dataset;
import dev.fivefold.data.TextCorpus;
import dev.fivefold.dist.DistributedExperiment;
import dev.fivefold.dist.Network;
import dev.fivefold.dist.Simulator;
import dev.fivefold.dist.TrainingData;
import dev.fivefold.perception.GptConfig;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.train.Checkpoint;
import dev.fivefold.train.TrainState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fivefold distributed}: data-parallel training of an image classifier, or of the GPT on
 * the King James Bible (or a text file), with compressed gradients ({@link DistributedExperiment} on the in-process {@link Simulator}; this command parses
 * flags, prints the rounds and the tables). {@code --compare} runs the table (dense, 1-bit
 * EF, top-k, DGC, PowerSGD, local SGD) and the DGC ablation with the same seed.
 */
@Command(name = "distributed", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Data-parallel training of LeNet-300-100 (or LeNet-5) on Fashion-MNIST, or of a character-level GPT on the King James Bible "
        + "(--model gpt; scored in held-out bits per character), by N simulated workers, each with its shard, "
        + "its batches and its compressor state: synchronous SGD with an all-reduce of compressed gradients (--local-steps 1), or local SGD "
        + "averaging compressed model deltas every --local-steps steps. Deterministic: the same seed gives the same numbers on any thread count.",
        "Per round: loss, payload bytes sent per worker (real bytes: entropy-coded where shorter), compression ratio over dense float32, "
            + "and time split into measured compute and simulated communication (α–β ring all-reduce or all-gather: --latency-us, --bandwidth-gbit).",
        "Compressors: dense, onebit (Seide et al. 2014, error feedback, --scaling column|tensor; the workers keep the --momentum "
            + "inside the error-feedback loop, as DGC does; spec onebit:scaling=column for the optimizer's momentum instead), signsgd (EF-signSGD, Karimireddy et al. 2019), "
            + "topk (error feedback, --ratio), dgc (Lin et al. 2018: momentum correction, local clipping at --clip/sqrt(N), momentum factor masking, "
            + "sparsity warm-up over --warmup steps; --masking, --selection, --values, --residual), sharedk (ScaleCom's cyclic local top-k: a leader per step "
            + "picks the indices, every worker sends its values there, with DGC's momentum correction and clipping), randomk (unbiased, --ratio), qsgd (--levels), powersgd (--rank, error feedback, warm start); "
            + "or a full spec such as dgc:ratio=0.001,masking=off.",
        "Writes rounds.csv (or compare.csv) and, for a single run, checkpoint.safetensors to --out; --resume continues a run bit-identically.", "",
        "Examples:",
        "  ./fivefold distributed --workers 4 --compressor dgc --ratio 0.001 --steps 300",
        "  ./fivefold distributed --workers 4 --compressor powersgd --rank 2",
        "  ./fivefold distributed --workers 8 --compressor dense --local-steps 8",
        "  ./fivefold distributed --workers 8 --compressor sharedk --ratio 0.0025 --clip 5 --selection global --schedule cosine --steps 4690",
        "  ./fivefold distributed --compare --workers 4 --steps 2000",
        "  ./fivefold distributed --model gpt --workers 4 --batch 32 --compressor dgc --steps 300",
        "  ./fivefold distributed --model gpt --engine spark --workers 2 --batch 16 --compressor powersgd --rank 2 --steps 50   the GPT on Spark local[2]", ""})
final class DistributedCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Option(names = "--engine", defaultValue = "sim",
      description = "Where the workers run: sim (in-process simulator) or spark (one Spark barrier stage: task w is worker w, the same worker code, "
          + "gradients exchanged every step over a TCP ring; the same numbers as sim, bit for bit; image models and the GPT) (default: ${DEFAULT-VALUE}).")
  String engine;

  @Option(names = "--master", description = "Spark master for --engine spark: local[N], spark://host:port, ... (default: local[N] for N workers).")
  String master;

  @Option(names = "--standalone", paramLabel = "N", defaultValue = "0",
      description = "For --engine spark: start a standalone cluster of N one-core Workers on localhost for this run, and stop it after (default: off).")
  int standalone;

  @Option(names = "--connect-timeout", defaultValue = "10", description = "Seconds to reach a spark:// master (default: ${DEFAULT-VALUE}).")
  double connectTimeout;

  @Option(names = "--executor-timeout", defaultValue = "120", description = "Seconds to wait for the executors' task slots (default: ${DEFAULT-VALUE}).")
  double executorTimeout;

  @Option(names = "--model", defaultValue = "mlp", split = ",",
      description = "mlp (LeNet-300-100), lenet5, gpt (shaped by --layers, --heads, --width, --context), or a model spec such as "
          + "gpt:layers=1,heads=2,width=32,context=32; with --compare a list, e.g. mlp,lenet5 (default: ${DEFAULT-VALUE}).")
  List<String> models;

  @Option(names = "--workers", defaultValue = "4", split = ",", description = "Workers N; with --compare a list, e.g. 4,8 (default: ${DEFAULT-VALUE}).")
  List<Integer> workerCounts;

  String model;
  int workers;

  @Option(names = "--compressor", defaultValue = "dense", description = "dense, onebit, signsgd, topk, dgc, sharedk, randomk, qsgd, powersgd, or a spec (default: ${DEFAULT-VALUE}).")
  String compressor;

  @Option(names = "--ratio", defaultValue = "0.001", description = "Density of topk, dgc and randomk, in (0, 1] (default: ${DEFAULT-VALUE}).")
  double ratio;

  @Option(names = "--values", defaultValue = "fp32", description = "Form of the values topk, dgc and sharedk send: fp32, fp16, or sign (a sign bit each and the "
      + "tensor's mean magnitude); the rounding error stays in the residual (default: ${DEFAULT-VALUE}).")
  String values;

  @Option(names = "--selection", defaultValue = "layer", description = "How topk, dgc and sharedk pick what they send: layer (the largest ratio·n of each "
      + "tensor, as DGC does) or global (the same total, the largest of the whole model) (default: ${DEFAULT-VALUE}).")
  String selection;

  @Option(names = "--masking", defaultValue = "on", description = "DGC's momentum factor masking, on or off (default: ${DEFAULT-VALUE}).")
  String masking;

  @Option(names = "--residual", defaultValue = "grad", description = "What the error-feedback residual of topk and dgc accumulates: grad (the "
      + "gradients, as DGC does) or step (rate-weighted steps: each gradient times lr_t/lr_0, the update applied at the base rate, so a value "
      + "sent late keeps the rate of the step that computed it; differs only with --schedule cosine) (default: ${DEFAULT-VALUE}).")
  String residual;

  @Option(names = "--nesterov", description = "Nesterov momentum instead of heavy-ball, in the optimizer and in dgc's momentum correction "
      + "(not for onebit and sharedk, whose momentum stays heavy-ball inside their loop, nor with --compare) (default: heavy-ball).")
  boolean nesterov;

  @Option(names = "--rank", defaultValue = "2", description = "Rank of powersgd (default: ${DEFAULT-VALUE}).")
  int rank;

  @Option(names = "--levels", defaultValue = "16", description = "Levels s of qsgd (default: ${DEFAULT-VALUE}).")
  int levels;

  @Option(names = "--scaling", description = "Reconstruction values of onebit: column (Seide) or tensor (default: column; --compare: tensor).")
  String scaling;

  @Option(names = "--clip", defaultValue = "0", description = "DGC's global gradient-norm threshold; each worker clips at clip/sqrt(N); 0 for none (default: ${DEFAULT-VALUE}).")
  double clip;

  @Option(names = "--warmup", paramLabel = "STEPS", description = "DGC's sparsity warm-up in steps (default: --steps / 50).")
  Long warmup;

  @Option(names = "--local-steps", defaultValue = "1", description = "H: 1 for synchronous SGD, > 1 for local SGD averaging every H steps (default: ${DEFAULT-VALUE}).")
  int localSteps;

  @Option(names = "--batch", defaultValue = "128", description = "Total batch per step over all workers and micro-batches (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--accumulation", defaultValue = "1", description = "Micro-batches each worker accumulates per step (default: ${DEFAULT-VALUE}).")
  int accumulation;

  @Option(names = "--steps", defaultValue = "500", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
  long steps;

  @Option(names = "--lr", defaultValue = "0.05", description = "SGD learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--schedule", paramLabel = "NAME", defaultValue = "constant",
      description = "Learning rate over the steps: constant, or cosine (from --lr down to 0 at the last step) (default: ${DEFAULT-VALUE}).")
  String schedule;

  @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (DGC's momentum correction carries it instead) (default: ${DEFAULT-VALUE}).")
  double momentum;

  @Option(names = "--latency-us", defaultValue = "50", description = "Simulated latency per message, µs (default: ${DEFAULT-VALUE}).")
  double latencyUs;

  @Option(names = "--bandwidth-gbit", defaultValue = "10", description = "Simulated bandwidth per link, Gbit/s (default: ${DEFAULT-VALUE}).")
  double bandwidthGbit;

  @Option(names = "--eval-every", defaultValue = "0", description = "Evaluate on the test set every this many rounds, 0 for only at the end (default: ${DEFAULT-VALUE}).")
  int evalEvery;

  @Option(names = "--print-every", defaultValue = "0", description = "Print every this many rounds (default: about 20 lines).")
  int printEvery;

  @Option(names = "--compare", description = "Run the comparison table (dense, 1-bit EF, top-k, DGC, PowerSGD, local SGD with --local-steps, 8 if 1) and the DGC ablation.")
  boolean compare;

  @Option(names = "--resume", paramLabel = "CKPT", description = "Continue a run from its checkpoint (same flags).")
  Path resume;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the four Fashion-MNIST IDX files (.gz).")
  Path dataDir;

  @Option(names = "--data", paramLabel = "NAME", description = "gpt: kjv (the King James Bible, default) or a text file.")
  String data;

  @Option(names = "--layers", defaultValue = "2", description = "gpt: Transformer blocks (default: ${DEFAULT-VALUE}).")
  int layers;

  @Option(names = "--heads", defaultValue = "4", description = "gpt: attention heads (default: ${DEFAULT-VALUE}).")
  int heads;

  @Option(names = "--width", defaultValue = "64", description = "gpt: embedding width (default: ${DEFAULT-VALUE}).")
  int width;

  @Option(names = "--context", defaultValue = "64", description = "gpt: context length in characters, the length of every training window (default: ${DEFAULT-VALUE}).")
  int context;

  @Option(names = "--eval-tokens", paramLabel = "N", defaultValue = "65536",
      description = "gpt: held-out characters scored per evaluation, 0 for all (default: ${DEFAULT-VALUE}).")
  long evalTokens;

  /** gpt: the text (null for images). */
  private TextCorpus corpus;
  /** images: train and test sets (null for gpt; for --engine spark, read by {@link SparkRun} once the cluster is up). */
  Dataset[] images;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/distributed-<time>).")
  Path out;

  @Override
  public Integer call() throws Exception {
    common.apply();
    if (!engine.equals("sim") && !engine.equals("spark")) throw common.bad("--engine (" + engine + ") must be sim or spark");
    for (int w : workerCounts) common.atLeast("--workers", w, 1);
    if (!compare && workerCounts.size() > 1) throw common.bad("--workers (" + workerCounts + ") takes a list only with --compare");
    if (!compare && models.size() > 1) throw common.bad("--model (" + String.join(",", models) + ") takes a list only with --compare");
    if (engine.equals("sim") && (master != null || standalone != 0)) throw common.bad("--master and --standalone need --engine spark");
    if (engine.equals("spark") && compare) throw common.bad("--compare runs on the simulator (--engine sim): it trains 11 variants per row");
    if (engine.equals("spark") && resume != null) throw common.bad("--resume continues a simulator run; a Spark run restarts from step 0 (deterministic)");
    common.atLeast("--standalone", standalone, 0);
    if (standalone > 0 && master != null) throw common.bad("--standalone (" + standalone + ") and --master (" + master + ") exclude each other");
    common.positive("--connect-timeout", connectTimeout);
    common.positive("--executor-timeout", executorTimeout);
    if (scaling == null) scaling = compare ? "tensor" : "column";
    workers = workerCounts.getFirst();
    boolean lm = models.stream().anyMatch(DistributedCommand::isGpt);
    if (lm && !models.stream().allMatch(DistributedCommand::isGpt)) throw common.bad("--model (" + String.join(",", models) + ") mixes gpt with image models");
    if (!lm && data != null) throw common.bad("--data (" + data + ") is for gpt; image models read Fashion-MNIST from --data-dir");
    if (lm) {
      common.atLeast("--layers", layers, 1);
      common.atLeast("--heads", heads, 1);
      common.atLeast("--width", width, 1);
      common.atLeast("--context", context, 1);
      common.atLeast("--eval-tokens", evalTokens, 0);
      if (width % heads != 0) throw common.bad("--width (" + width + ") must be a multiple of --heads (" + heads + ")");
      corpus = Inputs.corpus(data); // a missing or empty text fails here, before anything is written
      models = models.stream().map(m -> gptSpec(m, corpus.vocabSize())).toList();
    }
    model = models.getFirst();
    if (!(ratio > 0 && ratio <= 1)) throw common.bad("--ratio (" + ratio + ") must be in (0, 1]");
    common.atLeast("--rank", rank, 1);
    common.atLeast("--levels", levels, 1);
    common.atLeast("--local-steps", localSteps, 1);
    common.atLeast("--accumulation", accumulation, 1);
    common.atLeast("--steps", steps, 1);
    common.atLeast("--eval-every", evalEvery, 0);
    common.atLeast("--print-every", printEvery, 0);
    common.positive("--lr", lr);
    common.nonNegative("--clip", clip);
    if (!List.of("fp32", "fp16", "sign").contains(values.toLowerCase(Locale.ROOT))) {
      throw common.bad("--values (" + values + ") must be fp32, fp16 or sign");
    }
    if (!List.of("layer", "global").contains(selection.toLowerCase(Locale.ROOT))) throw common.bad("--selection (" + selection + ") must be layer or global");
    if (!List.of("on", "off").contains(masking.toLowerCase(Locale.ROOT))) throw common.bad("--masking (" + masking + ") must be on or off");
    if (!List.of("grad", "step").contains(residual.toLowerCase(Locale.ROOT))) throw common.bad("--residual (" + residual + ") must be grad or step");
    common.nonNegative("--latency-us", latencyUs);
    common.positive("--bandwidth-gbit", bandwidthGbit);
    if (!(momentum >= 0 && momentum < 1)) throw common.bad("--momentum (" + momentum + ") must be in [0, 1)");
    if (!Simulator.SCHEDULES.contains(schedule)) throw common.bad("--schedule (" + schedule + ") must be one of " + String.join(", ", Simulator.SCHEDULES));
    if (warmup != null) common.atLeast("--warmup", warmup, 0);
    if (!scaling.equals("column") && !scaling.equals("tensor")) throw common.bad("--scaling (" + scaling + ") must be column or tensor");
    for (int w : workerCounts) {
      long per = (long) w * accumulation;
      if (batch % per != 0 || batch < per) throw common.bad("--batch (" + batch + ") must be a multiple of --workers × --accumulation (" + per + ")");
    }
    long per = (long) workers * accumulation;
    if (compare && resume != null) throw common.bad("--resume continues one run; it cannot be used with --compare");
    if (compare && nesterov) throw common.bad("--nesterov is for one run; --compare runs its table with heavy-ball momentum");
    if (nesterov && momentum == 0) throw common.bad("--nesterov needs --momentum > 0 (momentum " + momentum + ")");
    long dgcWarmup = warmup != null ? warmup : steps / 50;
    double localClip = clip / Math.sqrt(workers);
    String spec = spec(compressor, localClip, dgcWarmup);
    Network net = Network.ofGbit(latencyUs * 1e-6, bandwidthGbit);
    Simulator.Config sim = new Simulator.Config(model, workers, (int) (batch / per), accumulation, spec, localSteps, lr, momentum, common.seed, net,
        schedule, steps, nesterov);
    DistributedExperiment.Config cfg = new DistributedExperiment.Config(sim, steps, evalEvery);
    // the compressor on the model's layout: a rank larger than a layer fails here, before data is read or a cluster started
    Compressors.parse(spec).init(Layout.of(Models.create(model, common.seed).namedParameters()), common.seed, 0);
    if (engine.equals("spark")) {
      SparkTrainCommand.requireSparkClasses();
      if (master == null && standalone == 0) master = "local[" + workers + "]";
      return SparkRun.distributed(this, cfg);
    }
    TrainState resumed = resume != null ? Checkpoint.read(resume) : null; // a bad file fails before anything is loaded or written
    if (!lm) images = Inputs.images(null, dataDir, stderr);
    return compare ? compare(cfg, Common.runFolder(out, "distributed"), localClip, dgcWarmup) : single(cfg, resumed);
  }

  static boolean isGpt(String spec) {
    return spec.equals("gpt") || spec.startsWith("gpt:");
  }

  /** The bare "gpt" gets the shape flags; a "gpt:..." spec gets vocab= if it lacks one (as {@code train}'s). */
  private String gptSpec(String spec, int vocab) {
    if (spec.equals("gpt")) return new GptConfig(vocab, context, layers, heads, width, 0f).toString();
    return spec.contains("vocab=") ? spec : spec + ",vocab=" + vocab;
  }

  boolean lm() {
    return corpus != null;
  }

  /** The training data of a run of {@code modelSpec}: image samples, or the text in windows of the GPT's context. */
  TrainingData train(String modelSpec) {
    return lm() ? new TrainingData.Text(corpus, context(modelSpec)) : new TrainingData.Images(images[0]);
  }

  /** The score of a run of {@code modelSpec}: test accuracy, or held-out bits per character. */
  DistributedExperiment.Evaluator test(String modelSpec) {
    return lm() ? DistributedExperiment.Evaluator.bitsPerChar(corpus, context(modelSpec), evalTokens) : DistributedExperiment.Evaluator.accuracy(images[1]);
  }

  private static int context(String gptSpec) {
    return ((GptConfig) Models.parse(gptSpec)).context();
  }

  /** The compressor spec from the flags (a full spec passes through, validated). */
  private String spec(String name, double localClip, long dgcWarmup) {
    if (name.contains(":")) return Compressors.parse(name).toString();
    return switch (name) {
      case "dense" -> "dense";
      case "onebit" -> DistributedExperiment.onebit(scaling, localSteps > 1 ? 0 : momentum);
      case "signsgd" -> "signsgd";
      case "topk" -> "topk:ratio=" + ratio + form();
      case "dgc" -> DistributedExperiment.dgc(ratio, momentum, true, localClip, masking.equalsIgnoreCase("on"), dgcWarmup) + form()
          + (nesterov ? ",nesterov=on" : "");
      case "sharedk" -> String.format(Locale.ROOT, "sharedk:ratio=%s,momentum=%s,clip=%s,values=%s,selection=%s", ratio, momentum, localClip,
          values.toLowerCase(Locale.ROOT), selection.toLowerCase(Locale.ROOT));
      case "randomk" -> "randomk:ratio=" + ratio;
      case "qsgd" -> "qsgd:levels=" + levels;
      case "powersgd" -> "powersgd:rank=" + rank;
      default -> throw common.bad("--compressor (" + name + ") must be one of " + String.join(", ", Compressors.KINDS) + ", or a spec such as topk:ratio=0.01");
    };
  }

  /** The {@code ,values=...}, {@code ,selection=...} and {@code ,residual=...} keys of a topk or dgc spec, empty for the defaults. */
  private String form() {
    return (values.equalsIgnoreCase("fp32") ? "" : ",values=" + values.toLowerCase(Locale.ROOT))
        + (selection.equalsIgnoreCase("layer") ? "" : ",selection=" + selection.toLowerCase(Locale.ROOT))
        + (residual.equalsIgnoreCase("grad") ? "" : ",residual=" + residual.toLowerCase(Locale.ROOT));
  }

  private int single(DistributedExperiment.Config cfg, TrainState resumed) throws IOException {
    Simulator sim = new Simulator(cfg.sim(), train(cfg.sim().model()));
    if (resumed != null) {
      sim.load(resumed, resume.toString()); // a checkpoint of another run fails before the run folder is made
      stderr.printf("resumed %s at step %d%n", resume, sim.step());
    }
    Path dir = Common.runFolder(out, "distributed");
    stderr.printf("%d workers, %s, %s, batch %d (%d per worker × %d), %d steps, H %d -> %s%n", cfg.sim().workers(), cfg.sim().model(),
        sim.compressor(), batch, cfg.sim().batch(), cfg.sim().accumulation(), cfg.steps(), cfg.sim().localSteps(), dir);
    long every = printEvery > 0 ? printEvery : Math.max(1, cfg.rounds() / 20);
    Table rounds = new Table("step", "loss", "bytes_per_worker", "ratio", "compute_ms", "comm_ms");
    DistributedExperiment.Result r = DistributedExperiment.run(cfg, sim, test(cfg.sim().model()), null, x -> {
      rounds.add(x.step(), f("%.5f", x.loss()), f("%.0f", x.bytesPerWorker()), f("%.1f", x.ratio()), f("%.3f", x.computeSeconds() * 1e3),
          f("%.3f", x.commSeconds() * 1e3));
      if (x.step() % (every * cfg.sim().localSteps()) == 0 || x.step() >= cfg.steps()) {
        stdout.printf(Locale.ROOT, "step %6d  loss %.4f  sent %10s/worker  ratio %7.1fx  compute %8.2f ms  comm %8.3f ms%n", x.step(), x.loss(),
            size(x.bytesPerWorker()), x.ratio(), x.computeSeconds() * 1e3, x.commSeconds() * 1e3);
      }
    });
    AtomicFiles.writeString(dir.resolve("rounds.csv"), rounds.csv());
    Map<String, String> meta = new java.util.LinkedHashMap<>();
    if (lm()) {
      meta.put("data", data == null || data.equals("kjv") ? "kjv" : Path.of(data).toAbsolutePath().toString());
      meta.put("vocab", corpus.vocab().toMetadata());
    } else {
      meta.put("data", "fashion-mnist");
    }
    Checkpoint.write(dir.resolve("checkpoint.safetensors"), sim.state(), meta);
    Table t = resultTable(lm());
    add(t, r, Double.NaN, lm());
    stdout.println();
    stdout.print(t.pretty());
    stdout.println("wrote " + dir.resolve("rounds.csv") + ", checkpoint.safetensors");
    return 0;
  }

  private int compare(DistributedExperiment.Config cfg, Path dir, double localClip, long dgcWarmup) throws IOException {
    int h = localSteps > 1 ? localSteps : 8;
    boolean lm = lm();
    String score = lm ? "bpc" : "accuracy", delta = lm ? "delta_bpc" : "delta_points";
    Table csv = new Table("model", "workers", "run", score, delta, lm ? "held_out_loss" : "test_loss", "sent_per_worker", "ratio", "compute_s", "comm_s");
    Table summary = new Table("model", "workers", "run", score, delta, "sent_per_worker", "ratio");
    int runs = models.size() * workerCounts.size() * 11;
    stderr.printf("comparing %d runs of %d steps (%s × %s workers), batch %d%n", runs, cfg.steps(), String.join(",", models), workerCounts, batch);
    for (String m : models) {
      for (int w : workerCounts) {
        double clipW = clip / Math.sqrt(w);
        Simulator.Config s = cfg.sim();
        Simulator.Config c = s.with(m, w, (int) (batch / ((long) w * accumulation)), accumulation, s.compressor(), 1);
        DistributedExperiment.Config base = new DistributedExperiment.Config(c, cfg.steps(), cfg.evalEvery());
        List<DistributedExperiment.Variant> table = DistributedExperiment.table(ratio, rank, h, momentum, clipW, dgcWarmup, scaling);
        List<DistributedExperiment.Variant> ablation = DistributedExperiment.dgcAblation(ratio, momentum, clipW, dgcWarmup);
        TrainingData train = train(m);
        DistributedExperiment.Evaluator test = test(m);
        List<DistributedExperiment.Result> main = DistributedExperiment.compare(base, table, train, test,
            r -> stderr.println("  done: " + m + ", " + w + " workers: " + r.label()));
        List<DistributedExperiment.Variant> rest = new ArrayList<>(ablation.subList(1, ablation.size())); // DGC (all four) is in the table
        List<DistributedExperiment.Result> abl = new ArrayList<>();
        abl.add(main.get(3));
        abl.addAll(DistributedExperiment.compare(base, rest, train, test, r -> stderr.println("  done: " + m + ", " + w + " workers: " + r.label())));
        double dense = score(main.getFirst().last(), lm);
        Table t = resultTable(lm), a = resultTable(lm);
        for (DistributedExperiment.Result r : main) add(t, r, dense, lm);
        for (DistributedExperiment.Result r : abl) add(a, r, dense, lm);
        stdout.printf("%d workers, %s, batch %d, %d steps (Δ %s against dense)%n", w, m, batch, cfg.steps(), lm ? "bits per character" : "accuracy");
        stdout.print(t.pretty());
        stdout.println();
        stdout.println("DGC ablation (each technique removed)");
        stdout.print(a.pretty());
        stdout.println();
        List<DistributedExperiment.Result> all = new ArrayList<>(main);
        all.addAll(abl.subList(1, abl.size()));
        for (DistributedExperiment.Result r : all) {
          DistributedExperiment.Eval e = r.last();
          csv.add(m, w, r.label(), f("%.4f", score(e, lm)), delta(score(e, lm), dense, lm), f("%.4f", e.loss()), f("%.0f", r.bytesPerWorker()),
              f("%.1f", r.ratio()), f("%.1f", r.computeSeconds()), f("%.2f", r.commSeconds()));
        }
        for (DistributedExperiment.Result r : main) {
          summary.add(m, w, r.label(), f("%.4f", score(r.last(), lm)), delta(score(r.last(), lm), dense, lm), size(r.bytesPerWorker()),
              f("%.1f", r.ratio()));
        }
      }
    }
    if (models.size() * workerCounts.size() > 1) {
      stdout.println("All runs (Δ " + (lm ? "bits per character" : "accuracy") + " against dense of the same model and workers)");
      stdout.print(summary.pretty());
    }
    AtomicFiles.writeString(dir.resolve("compare.csv"), csv.csv());
    stdout.println("wrote " + dir.resolve("compare.csv"));
    return 0;
  }

  private static Simulator.Config withLocal(Simulator.Config s, int h) {
    return s.with(s.model(), s.workers(), s.batch(), s.accumulation(), s.compressor(), h);
  }

  static Table resultTable() {
    return resultTable(false);
  }

  /** The result table of image runs (accuracy, Δ in points) or GPT runs (held-out bits per character, Δ in bits). */
  static Table resultTable(boolean lm) {
    return lm ? new Table("run", "bpc", "delta_bpc", "held_out_loss", "sent_per_worker", "ratio", "compute_s", "comm_s")
        : new Table("run", "accuracy", "delta_points", "test_loss", "sent_per_worker", "ratio", "compute_s", "comm_s");
  }

  /** One run as a row; {@code dense} the dense run's accuracy for the Δ column (NaN: none). */
  static void add(Table t, DistributedExperiment.Result r, double dense) {
    add(t, r, dense, false);
  }

  /** One run as a row; {@code dense} the dense run's score (accuracy, or bits per character) for the Δ column (NaN: none). */
  static void add(Table t, DistributedExperiment.Result r, double dense, boolean lm) {
    DistributedExperiment.Eval e = r.last();
    t.add(r.label(), f("%.4f", score(e, lm)), delta(score(e, lm), dense, lm), f("%.4f", e.loss()),
        size(r.bytesPerWorker()), f("%.1f", r.ratio()), f("%.1f", r.computeSeconds()), f("%.2f", r.commSeconds()));
  }

  /** Accuracy for images, held-out bits per character for the GPT. */
  static double score(DistributedExperiment.Eval e, boolean lm) {
    return lm ? e.bitsPerChar() : e.accuracy();
  }

  /** A score's difference from dense's: in points of accuracy, or in bits per character; "-" if there is no dense run. */
  static String delta(double score, double dense, boolean lm) {
    if (Double.isNaN(dense)) return "-";
    return lm ? f("%+.4f", score - dense) : f("%+.2f", 100 * (score - dense));
  }

  static String f(String fmt, double v) {
    return String.format(Locale.ROOT, fmt, v);
  }

  /** Bytes as B, kB, MB or GB (powers of 1000). */
  static String size(double bytes) {
    if (bytes < 1e3) return f("%.0f B", bytes);
    if (bytes < 1e6) return f("%.1f kB", bytes / 1e3);
    if (bytes < 1e9) return f("%.2f MB", bytes / 1e6);
    return f("%.2f GB", bytes / 1e9);
  }
}
