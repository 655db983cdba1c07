package dev.fivefold.cli;

import dev.fivefold.compress.DeepCompression;
import dev.fivefold.compress.SharedWeights;
import dev.fivefold.compress.mdl.BayesianCompression;
import dev.fivefold.compress.mdl.DescriptionLength;
import dev.fivefold.compress.mdl.MethodComparison;
import dev.fivefold.compress.mdl.MixturePrior;
import dev.fivefold.compress.mdl.Recovery;
import dev.fivefold.compress.mdl.SoftWeightSharing;
import dev.fivefold.compress.mdl.SparseVariationalDropout;
import dev.fivefold.compress.mdl.VariationalNet;
import dev.fivefold.compress.mdl.VariationalTraining;
import dev.fivefold.compress.archive.ArchiveReport;
import dev.fivefold.compress.archive.Ecc;
import dev.fivefold.compress.archive.FfzArchive;
import dev.fivefold.compress.archive.FfzModel;
import dev.fivefold.compress.code.Coders;
import dev.fivefold.compress.code.EntropyCoder;
import dev.fivefold.data.Dataset;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.io.BadInputException;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.ImageClassifier;
import dev.fivefold.perception.LoadedModel;
import dev.fivefold.perception.Models;
import dev.fivefold.train.ClassificationTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fivefold compress}: Deep Compression of a trained classifier into an {@code .ffz} archive. */
@Command(name = "compress", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Deep Compression (Han et al. 2016) of a trained checkpoint on Fashion-MNIST: prune (per-layer quality x std, "
        + "or a sparsity per layer), retrain with the masks held, k-means weight sharing per layer, fine-tune the centroids, "
        + "then write an .ffz archive (codes and relative indices entropy-coded, biases raw). Prints the per-layer table, "
        + "the compression ratio against float32 and the test accuracy before and after; the accuracy after is that of "
        + "the decoded archive, which `fivefold eval M.ffz` reproduces exactly.", "",
        "--method sws: soft weight-sharing (Ullrich, Meeds & Welling 2017) instead: retrain with a learned Gaussian-mixture prior "
        + "over all weights (a zero component for pruning), merge close components, quantise every weight to its most probable "
        + "component's mean; the same archive and report, plus the two-part code length and M-prior.png, M-movement.png.", "",
        "Examples:",
        "  ./fivefold compress runs/mlp-c/checkpoint.safetensors --prune sparsity --sparsity 0.92,0.91,0.74 --bits 5 --codec rans --out mlp.ffz",
        "  ./fivefold compress runs/lenet5-c/checkpoint.safetensors --prune q --quality 1.0 --bits 5 --conv-bits 8 --ecc rs --out lenet5.ffz",
        "  ./fivefold compress --from mlp.ffz --codec rans --out mlp-rans.ffz    re-encode an archive (no training)",
        "  ./fivefold compress runs/mlp-c/checkpoint.safetensors --method svd --epochs 10 --lr 0.001 --bits 4 --out mlp-svd.ffz",
        "  ./fivefold compress runs/lenet5-c/checkpoint.safetensors --method bc --epochs 10 --lr 0.001 --out lenet5-bc.ffz",
        "  ./fivefold compress runs/mlp-c/checkpoint.safetensors --method sws --tau 0.005 --epochs 30 --out mlp-sws.ffz",
        "  ./fivefold compress --compare mlp-deep.ffz mlp-svd.ffz mlp-sws.ffz --chart pareto.png --csv methods.csv   one table of every method",
        "Every method prints the two-part description length: model bits (8 x archive bytes) + data bits (the test labels' cross-entropy).", ""})
final class CompressCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Parameters(paramLabel = "MODEL", arity = "0..1", description = "A trained checkpoint.safetensors (model spec from its metadata); not with --from.")
  Path file;

  @Option(names = "--method", paramLabel = "deep|svd|bc|sws", defaultValue = "deep",
      description = "deep: Deep Compression (prune by magnitude, k-means, fine-tune); svd: sparse variational dropout (Molchanov et al. 2017: "
          + "train log-alpha per weight, prune log-alpha > --log-alpha, k-means with --bits/--conv-bits); bc: Bayesian compression (Louizos et al. "
          + "2017: structured posterior, whole neurons/filters pruned, per-layer bits from the posterior's standard deviations); sws: soft weight-sharing (Ullrich et al. 2017, the sws flags) (default: ${DEFAULT-VALUE}).")
  String method;

  @Option(names = "--compare", paramLabel = "M.ffz", arity = "1..*",
      description = "Compare archives of any method instead of compressing: per archive the ratio, kept weights, bits per kept weight, accuracy "
          + "(as eval prints it), the two-part code length and the training time, the Pareto front, and the papers' MNIST figures.")
  List<Path> compare;

  @Option(names = "--chart", paramLabel = "PNG", description = "With --compare: write accuracy against archive size (log x) with the Pareto front.")
  Path chart;

  @Option(names = "--csv", paramLabel = "FILE", description = "With --compare: write the table as CSV.")
  Path csv;

  @Option(names = "--from", paramLabel = "M.ffz",
      description = "Re-encode this archive with --codec and --ecc instead of compressing a checkpoint: same weights (checked bit for bit), no data needed.")
  Path from;

  @Option(names = "--prune", paramLabel = "q|sparsity", defaultValue = "sparsity",
      description = "Pruning criterion: q (|w| <= quality x std per layer) or sparsity (default: ${DEFAULT-VALUE}).")
  String prune;

  @Option(names = "--quality", defaultValue = "1.0", description = "Quality factor for --prune q (default: ${DEFAULT-VALUE}).")
  double quality;

  @Option(names = "--sparsity", split = ",", defaultValue = "0.92,0.91,0.74",
      description = "Sparsity per pruned layer in [0, 1), in parameter order; the last repeats (default: ${DEFAULT-VALUE}, Han's LeNet-300-100).")
  double[] sparsity;

  @Option(names = "--prune-steps", defaultValue = "1", description = "Stages of a cubic sparsity ramp, retraining after each (default: ${DEFAULT-VALUE}).")
  int pruneSteps;

  @Option(names = "--retrain", defaultValue = "3",
      description = "Epochs of retraining with the masks held (deep; svd: after pruning by log-alpha, before weight sharing; sws, bc: after the "
          + "method's quantisation, then k-means with the method's codebook sizes; 0 with --finetune 0 skips that recovery) (default: ${DEFAULT-VALUE}).")
  double retrain;

  @Option(names = "--bits", defaultValue = "5", description = "Code bits per weight of fully connected layers, 1-16 (default: ${DEFAULT-VALUE}).")
  int bits;

  @Option(names = "--conv-bits", defaultValue = "8", description = "Code bits per weight of conv layers, 1-16 (default: ${DEFAULT-VALUE}).")
  int convBits;

  @Option(names = "--finetune", defaultValue = "1", description = "Epochs of centroid fine-tuning (default: ${DEFAULT-VALUE}).")
  double finetune;

  // --- soft weight-sharing (--method sws): compressSws() ---

  @Option(names = "--components", defaultValue = "17",
      description = "sws: mixture components J, 2-256, the zero component included (default: ${DEFAULT-VALUE}, the paper's 16 + 1).")
  int components;

  @Option(names = "--tau", defaultValue = "0.005",
      description = "sws: weight tau of the prior's code length; the loss is CE + (tau/N)(-log p(w)) (default: ${DEFAULT-VALUE}).")
  double tau;

  @Option(names = "--prior-lr", defaultValue = "0.003",
      description = "sws: Adam learning rate of the log-precisions and mixing proportions; the means get prior-lr/30; "
          + "the network gets --lr (default: ${DEFAULT-VALUE}).")
  double priorLr;

  @Option(names = "--zero-mix", defaultValue = "0.999", description = "sws: fixed mixing proportion of the zero component, in (0, 1) (default: ${DEFAULT-VALUE}).")
  double zeroMix;

  @Option(names = "--merge", defaultValue = "0.005", description = "sws: components whose means are closer than this are merged (default: ${DEFAULT-VALUE}).")
  double merge;

  @Option(names = "--epochs", defaultValue = "10", description = "svd, bc: epochs of variational training; sws: epochs of retraining with the prior (default: ${DEFAULT-VALUE}).")
  double epochs;

  @Option(names = "--kl-weight", defaultValue = "1", description = "svd, bc: final weight of the KL term, in (0, 100]; 1 = the ELBO (default: ${DEFAULT-VALUE}).")
  double klWeight;

  @Option(names = "--kl-warmup", defaultValue = "2", description = "svd, bc: epochs of linear KL warm-up from 0, >= 0 (default: ${DEFAULT-VALUE}).")
  double klWarmup;

  @Option(names = "--log-alpha", defaultValue = "3", description = "svd, bc: prune weights (groups) with log-alpha above this, in [-10, 10] (default: ${DEFAULT-VALUE}).")
  double logAlpha;

  @Option(names = "--structured", negatable = true,
      description = "svd, bc: one log-alpha per output neuron / filter, pruning whole rows and filters (default: off for svd, on for bc).")
  Boolean structured;

  @Option(names = "--step", paramLabel = "mean|min", defaultValue = "mean",
      description = "bc: grid step of a layer = the mean or the smallest posterior standard deviation of its kept weights (default: ${DEFAULT-VALUE}).")
  String step;

  @Option(names = "--max-bits", defaultValue = "8", description = "bc: the widest code a layer may get, 1-16 (default: ${DEFAULT-VALUE}).")
  int maxBits;

  @Option(names = "--codec", defaultValue = "smallest",
      description = "Entropy coder: huffman, rans (ans), arith, arith-adaptive, or smallest (per stream the shortest of them) (default: ${DEFAULT-VALUE}).")
  String codec;

  @Option(names = "--order0",
      description = "Order-0 streams only (relative indices and codes by --codec, as format 2 had them); by default each tensor's keep-mask "
          + "and codes are context-coded where that is shorter.")
  boolean order0;

  @Option(names = "--ecc", defaultValue = "none", description = "Channel code: none, hamming, rs (default: ${DEFAULT-VALUE}).")
  String ecc;

  @Option(names = "--json-header",
      description = "Write the archive's header as plain JSON (format 3) instead of DEFLATE-compressed (format 5, about half the bytes).")
  boolean jsonHeader;

  @Option(names = "--raw-bits", paramLabel = "16|32", defaultValue = "32",
      description = "Width of the parameters that are not weight-shared (biases): 32 = float32, 16 = float16, rounded before the archive "
          + "is scored (format 5) (default: ${DEFAULT-VALUE}).")
  int rawBits;

  @Option(names = "--lr", defaultValue = "0.0005", description = "Adam learning rate of retraining; centroids get lr/10 (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--batch", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the Fashion-MNIST IDX files (default: the checkpoint's).")
  Path dataDir;

  @Option(names = "--out", paramLabel = "M.ffz", description = "The archive to write (default: MODEL with .ffz).")
  Path out;

  /** When the current method's work began (System.nanoTime), for the archive's training time. */
  private long started = System.nanoTime();

  @Override
  public Integer call() throws IOException {
    common.apply();
    if (compare != null) return compare();
    if (chart != null || csv != null) throw common.bad("--chart and --csv go with --compare");
    if (from != null) return reencode();
    if (file == null) throw common.bad("MODEL (a checkpoint) or --from (an archive) is required");
    if (rawBits != 16 && rawBits != 32) throw common.bad("--raw-bits (" + rawBits + ") must be 16 or 32");
    if (method.equals("sws")) return compressSws();
    if (!method.equals("deep")) return variational();
    DeepCompression.Prune mode = switch (prune) {
      case "q", "quality" -> DeepCompression.Prune.QUALITY;
      case "sparsity", "s" -> DeepCompression.Prune.SPARSITY;
      default -> throw common.bad("--prune (" + prune + ") must be q or sparsity");
    };
    if (bits < 1 || bits > 16) throw common.bad("--bits (" + bits + ") must be in 1..16");
    if (convBits < 1 || convBits > 16) throw common.bad("--conv-bits (" + convBits + ") must be in 1..16");
    for (double s : sparsity) if (!(s >= 0 && s < 1)) throw common.bad("--sparsity (" + s + ") must be in [0, 1)");
    common.nonNegative("--quality", quality);
    common.atLeast("--prune-steps", pruneSteps, 1);
    common.nonNegative("--retrain", retrain);
    common.nonNegative("--finetune", finetune);
    common.positive("--lr", lr);
    common.atLeast("--batch", batch, 1);
    EntropyCoder coder = coder(codec);
    Ecc channel = Ecc.parse(ecc);
    Path target = target();

    LoadedModel l = trainedClassifier("compress");
    Path dir = dataDir(l);
    Dataset[] data = Inputs.images(null, dir, stderr);
    long t0 = System.nanoTime();
    started = t0;
    Module model = l.model();
    long dense = 4L * model.parameterCount();
    double before = printBaseline(l, ClassificationTask.evaluate(model, data[1], 1000));
    DeepCompression.Config cfg = new DeepCompression.Config(mode, quality, sparsity, pruneSteps, retrain, bits, convBits, finetune, lr, batch, common.seed);
    DeepCompression.Result res = DeepCompression.run(model, data[0], data[1], cfg, stderr::println);

    Map<String, String> meta = meta(l, dir, String.format(Locale.ROOT, "prune=%s quality=%s sparsity=%s steps=%d retrain=%s bits=%d conv-bits=%d finetune=%s",
        prune, quality, java.util.Arrays.toString(sparsity), pruneSteps, retrain, bits, convBits, finetune));
    FfzModel ffz = DeepCompression.archive(model, l.spec(), meta, res.shared(), rawBits);
    FfzArchive.Encoded enc = DeepCompression.smallest(ffz, options(coder, channel));

    // the accuracy after is that of the decoded bytes, loaded into a fresh model
    Module fresh = decoded(enc, target);
    double after = ClassificationTask.evaluate(fresh, data[1], 1000).get("accuracy");
    double inMemory = ClassificationTask.evaluate(model, data[1], 1000).get("accuracy");
    if (after != inMemory) throw new IllegalStateException("decoded archive scores " + after + ", in-memory model " + inMemory);
    AtomicFiles.writeBytes(target, enc.bytes());

    ArchiveReport r = enc.report();
    stdout.print(r.format());
    stdout.printf(Locale.ROOT, "%s: %,d B (%.2f KB) vs float32 %,d B (%.1f KB): %.1fx; weights kept %.2f%%%n", target, r.fileBytes(),
        r.fileBytes() / 1000.0, dense, dense / 1000.0, (double) dense / r.fileBytes(), 100 * (1 - res.masks().sparsity()));
    stdout.printf(Locale.ROOT, "test accuracy: before %.4f | pruned+retrained %.4f | shared %.4f | fine-tuned %.4f | decoded archive %.4f (%+.2f points) | %.1f s%n",
        before, res.accuracyPruned(), res.accuracyShared(), res.accuracyFinetuned(), after, 100 * (after - before), (System.nanoTime() - t0) / 1e9);
    printDescriptionLength(DescriptionLength.of(r.fileBytes(), fresh, data[1]));
    return 0;
  }

  // ---- svd and bc: the variational methods (compress.mdl) --------------------------------------------

  /** {@code --method svd|bc}: variational training, pruning by log-alpha, sharing or the posterior grid, then the same archive as deep. */
  private int variational() throws IOException {
    if (!method.equals("svd") && !method.equals("bc")) throw common.bad("--method (" + method + ") must be one of deep, svd, bc, sws");
    boolean bc = method.equals("bc");
    boolean structuredPosterior = structured != null ? structured : bc;
    if (!(epochs > 0) || Double.isInfinite(epochs)) throw common.bad("--epochs (" + epochs + ") must be > 0");
    if (!(klWeight > 0 && klWeight <= 100)) throw common.bad("--kl-weight (" + klWeight + ") must be in (0, 100]");
    common.nonNegative("--kl-warmup", klWarmup);
    if (!(logAlpha >= -10 && logAlpha <= 10)) throw common.bad("--log-alpha (" + logAlpha + ") must be in [-10, 10]");
    if (bits < 1 || bits > 16) throw common.bad("--bits (" + bits + ") must be in 1..16");
    if (convBits < 1 || convBits > 16) throw common.bad("--conv-bits (" + convBits + ") must be in 1..16");
    if (maxBits < 1 || maxBits > 16) throw common.bad("--max-bits (" + maxBits + ") must be in 1..16");
    BayesianCompression.Step rule = switch (step) {
      case "mean" -> BayesianCompression.Step.MEAN;
      case "min" -> BayesianCompression.Step.MIN;
      default -> throw common.bad("--step (" + step + ") must be mean or min");
    };
    common.nonNegative("--finetune", finetune);
    common.nonNegative("--retrain", retrain);
    common.positive("--lr", lr);
    common.atLeast("--batch", batch, 1);
    EntropyCoder coder = coder(codec);
    Ecc channel = Ecc.parse(ecc);
    Path target = target();

    LoadedModel l = trainedClassifier("--method " + method);
    VariationalNet.of(l.model(), structuredPosterior); // refuses lenet5 with norm before the data are read
    Path dir = dataDir(l);
    Dataset[] data = Inputs.images(null, dir, stderr);
    Thread charts = Charts.warmUp();
    long t0 = System.nanoTime();
    started = t0;
    Module model = l.model();
    long dense = 4L * model.parameterCount();
    double before = printBaseline(l, ClassificationTask.evaluate(model, data[1], 1000));
    var training = new VariationalTraining.Config(epochs, lr, batch, klWeight, klWarmup, structuredPosterior, common.seed);
    List<SharedWeights> shared;
    Map<String, double[]> logAlphas;
    String stages;
    if (bc) {
      BayesianCompression.Result res = BayesianCompression.run(model, data[0], data[1], new BayesianCompression.Config(training, logAlpha, rule, maxBits), stderr::println);
      shared = res.shared();
      logAlphas = res.logAlpha();
      stages = String.format(Locale.ROOT, "means %.4f | pruned %.4f | on the posterior grids %.4f", res.accuracyMeans(), res.accuracyPruned(), res.accuracyQuantised());
      Recovery.Result rr = recover(model, data, shared);
      if (rr != null) {
        shared = rr.shared();
        stages += recovered(rr);
      }
    } else {
      var cfg = new SparseVariationalDropout.Config(training, logAlpha, bits, convBits, finetune, retrain);
      SparseVariationalDropout.Result res = SparseVariationalDropout.run(model, data[0], data[1], cfg, stderr::println);
      shared = res.shared();
      logAlphas = res.logAlpha();
      stages = String.format(Locale.ROOT, "means %.4f | pruned %.4f | retrained %.4f | shared %.4f | fine-tuned %.4f", res.accuracyMeans(),
          res.accuracyPruned(), res.accuracyRetrained(), res.accuracyShared(), res.accuracyFinetuned());
    }

    Map<String, String> meta = meta(l, dir, String.format(Locale.ROOT, "method=%s epochs=%s kl-weight=%s kl-warmup=%s log-alpha=%s structured=%s lr=%s batch=%d %s",
        method, epochs, klWeight, klWarmup, logAlpha, structuredPosterior, lr, batch,
        (bc ? "step=" + step + " max-bits=" + maxBits : "bits=" + bits + " conv-bits=" + convBits) + " retrain=" + retrain + " finetune=" + finetune)
        + (rawBits == 16 ? " raw-bits=16" : ""));
    FfzModel ffz = DeepCompression.archive(model, l.spec(), meta, shared, rawBits);
    FfzArchive.Encoded enc = DeepCompression.smallest(ffz, options(coder, channel));
    Module fresh = decoded(enc, target);
    double after = ClassificationTask.evaluate(fresh, data[1], 1000).get("accuracy");
    double inMemory = ClassificationTask.evaluate(model, data[1], 1000).get("accuracy");
    if (after != inMemory) throw new IllegalStateException("decoded archive scores " + after + ", in-memory model " + inMemory);
    AtomicFiles.writeBytes(target, enc.bytes());

    ArchiveReport r = enc.report();
    stdout.print(r.format());
    long kept = 0;
    for (SharedWeights s : shared) kept += s.positions().length;
    long weights = 0;
    for (SharedWeights s : shared) weights += s.weight().size();
    stdout.printf(Locale.ROOT, "%s: %,d B (%.2f KB) vs float32 %,d B (%.1f KB): %.1fx; weights kept %,d of %,d (%.2f%%), %.2f archive bits per kept weight%n",
        target, r.fileBytes(), r.fileBytes() / 1000.0, dense, dense / 1000.0, (double) dense / r.fileBytes(), kept, weights, 100.0 * kept / weights,
        8.0 * r.fileBytes() / Math.max(1, kept));
    stdout.printf(Locale.ROOT, "test accuracy: before %.4f | %s | decoded archive %.4f (%+.2f points) | %.1f s%n", before, stages, after,
        100 * (after - before), (System.nanoTime() - t0) / 1e9);
    printDescriptionLength(DescriptionLength.of(r.fileBytes(), fresh, data[1]));
    Charts.join(charts);
    Path png = logAlphaChart(target, logAlphas);
    if (png != null) stdout.println("log-alpha histogram: " + png);
    return 0;
  }

  /** The two-part code: model bits (the archive) + data bits (the test labels under the decoded model). */
  private void printDescriptionLength(DescriptionLength d) {
    stdout.printf(Locale.ROOT, "description length: model %,d bits + data %,.0f bits (%.4f bits per test label) = %,.0f bits%n", d.modelBits(),
        d.dataBits(), d.dataBits() / Math.max(1, d.samples()), d.totalBits());
  }

  /** M-log-alpha.png beside the archive: per layer, the count of weights per log-alpha bin of 0.5 in [-10, 10] (clipped), log y. */
  private Path logAlphaChart(Path target, Map<String, double[]> logAlphas) throws IOException {
    Path png = target.resolveSibling(target.getFileName().toString().replaceFirst("\\.ffz$", "") + "-log-alpha.png");
    List<Charts.Series> series = new java.util.ArrayList<>();
    for (var e : logAlphas.entrySet()) {
      long[] bins = new long[40];
      for (double v : e.getValue()) {
        if (Double.isNaN(v)) continue;
        bins[(int) Math.min(39, Math.max(0, Math.floor((v + 10) / 0.5)))]++;
      }
      List<double[]> pts = new java.util.ArrayList<>();
      for (int i = 0; i < bins.length; i++) pts.add(new double[] {-10 + 0.5 * i + 0.25, bins[i]});
      series.add(new Charts.Series(e.getKey(), pts, true));
    }
    Charts.logChart(png, "log-alpha of the weights after variational training (pruned above " + logAlpha + ")", "log alpha (clipped to [-10, 10])",
        "weights", series);
    return Files.exists(png) ? png : null;
  }

  private FfzArchive.Options options(EntropyCoder coder, Ecc channel) {
    FfzArchive.Modelling m = order0 ? FfzArchive.Modelling.ORDER0 : FfzArchive.Modelling.SHORTER;
    return FfzArchive.Options.defaults().withCoder(coder).withEcc(channel).withModelling(m).withCompactHeader(!jsonHeader);
  }

  /** {@code --from}: decode an archive, encode its weights again with --codec and --ecc, check, write, report. */
  private int reencode() throws IOException {
    if (file != null) throw common.bad("--from (" + from + ") and MODEL (" + file + ") exclude each other");
    if (!Files.exists(from)) throw new NoSuchFileException(from.toString());
    EntropyCoder coder = coder(codec);
    Ecc channel = Ecc.parse(ecc);
    Path target = out != null ? out : from;
    if (Files.isDirectory(target)) throw new BadInputException("--out (" + target + ") is a directory");
    long sourceBytes = Files.size(from);
    FfzModel source = FfzArchive.read(from).model();
    FfzArchive.Encoded enc = DeepCompression.smallest(source, options(coder, channel));
    FfzModel back = FfzArchive.decode(enc.bytes().clone(), target.toString()).model();
    if (!sameWeights(source, back)) throw new IllegalStateException("re-encoded archive decodes to different weights");
    AtomicFiles.writeBytes(target, enc.bytes());
    ArchiveReport r = enc.report();
    stdout.print(r.format());
    stdout.printf(Locale.ROOT, "%s: %,d B (%s: %,d B); weights bit-identical (checked)%n", target, r.fileBytes(), from, sourceBytes);
    return 0;
  }

  /** Same spec, tensors, codebooks (bit for bit), positions, codes and raw values. */
  static boolean sameWeights(FfzModel a, FfzModel b) {
    if (!a.spec().equals(b.spec()) || a.quantized().size() != b.quantized().size() || a.raw().size() != b.raw().size()) return false;
    for (int i = 0; i < a.quantized().size(); i++) {
      var p = a.quantized().get(i);
      var q = b.quantized().get(i);
      if (!p.name().equals(q.name()) || !java.util.Arrays.equals(p.shape(), q.shape()) || !java.util.Arrays.equals(p.positions(), q.positions())
          || !java.util.Arrays.equals(p.codes(), q.codes()) || !java.util.Arrays.equals(p.codebook(), q.codebook())) return false;
    }
    for (int i = 0; i < a.raw().size(); i++) {
      var p = a.raw().get(i);
      var q = b.raw().get(i);
      if (!p.name().equals(q.name()) || !java.util.Arrays.equals(p.shape(), q.shape()) || !java.util.Arrays.equals(p.values(), q.values())) return false;
    }
    return true;
  }

  /** {@code --codec}'s coder ({@link Coders#byName}); an unknown name is bad input naming the flag. */
  private static EntropyCoder coder(String name) {
    try {
      return Coders.byName(name);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--codec (" + name + ") must be one of " + String.join(", ", Coders.NAMES));
    }
  }


  /**
   * {@code --method sws}: soft weight-sharing ({@link SoftWeightSharing}) of the checkpoint, then the
   * same archive, decode check and report as Deep Compression, the two-part code length, and two
   * pictures next to the archive (the prior over the weights before and after; the weights' movement).
   */
  private int compressSws() throws IOException {
    if (components < 2 || components > 256) throw common.bad("--components (" + components + ") must be in 2..256");
    common.positive("--tau", tau);
    common.nonNegative("--epochs", epochs);
    common.positive("--lr", lr);
    common.positive("--prior-lr", priorLr);
    if (!(zeroMix > 0 && zeroMix < 1)) throw common.bad("--zero-mix (" + zeroMix + ") must be in (0, 1)");
    common.nonNegative("--merge", merge);
    common.nonNegative("--retrain", retrain);
    common.nonNegative("--finetune", finetune);
    common.atLeast("--batch", batch, 1);
    EntropyCoder coder = coder(codec);
    Ecc channel = Ecc.parse(ecc);
    Path target = target();

    LoadedModel l = trainedClassifier("compress");
    Path dir = dataDir(l);
    Dataset[] data = Inputs.images(null, dir, stderr);
    Thread warm = Charts.warmUp();
    long t0 = System.nanoTime();
    started = t0;
    Module model = l.model();
    long dense = 4L * model.parameterCount();
    Map<String, Double> base = ClassificationTask.evaluate(model, data[1], 1000);
    double before = printBaseline(l, base);
    MixturePrior.Config prior = new MixturePrior.Config(components, zeroMix, 0.25, new MixturePrior.Gamma(5000, 2), new MixturePrior.Gamma(250, 0.1));
    SoftWeightSharing.Config cfg = new SoftWeightSharing.Config(prior, tau, epochs, lr, priorLr, priorLr / 30, merge, batch, common.seed);
    SoftWeightSharing.Result res = SoftWeightSharing.run(model, data[0], data[1], cfg, stderr::println);
    List<SharedWeights> shared = res.shared();
    String recovered = "";
    Recovery.Result rr = recover(model, data, shared);
    if (rr != null) {
      shared = rr.shared();
      recovered = recovered(rr);
    }

    Map<String, String> meta = meta(l, dir, String.format(Locale.ROOT, "sws components=%d tau=%s epochs=%s lr=%s prior-lr=%s zero-mix=%s merge=%s retrain=%s finetune=%s%s",
        components, tau, epochs, lr, priorLr, zeroMix, merge, retrain, finetune, rawBits == 16 ? " raw-bits=16" : ""));
    FfzModel ffz = DeepCompression.archive(model, l.spec(), meta, shared, rawBits);
    FfzArchive.Encoded enc = DeepCompression.smallest(ffz, options(coder, channel));

    Module fresh = decoded(enc, target);
    Map<String, Double> scored = ClassificationTask.evaluate(fresh, data[1], 1000);
    double after = scored.get("accuracy");
    double inMemory = ClassificationTask.evaluate(model, data[1], 1000).get("accuracy");
    if (after != inMemory) throw new IllegalStateException("decoded archive scores " + after + ", in-memory model " + inMemory);
    AtomicFiles.writeBytes(target, enc.bytes());

    ArchiveReport r = enc.report();
    long weightBytes = 0;
    for (ArchiveReport.TensorStats t : r.tensors()) weightBytes += t.bytes();
    stdout.print(r.format());
    stdout.printf(Locale.ROOT, "%s: %,d B (%.2f KB) vs float32 %,d B (%.1f KB): %.1fx; weights kept %.2f%% (%,d of %,d); %.3f bits per kept weight "
        + "(codebooks, positions and codes; %.3f with the whole file)%n", target, r.fileBytes(), r.fileBytes() / 1000.0, dense, dense / 1000.0,
        (double) dense / r.fileBytes(), 100.0 * res.kept() / res.total(), res.kept(), res.total(), 8.0 * weightBytes / res.kept(),
        8.0 * r.fileBytes() / res.kept());
    MixturePrior.Mixture m = res.merged();
    StringBuilder means = new StringBuilder();
    for (int j = 1; j < m.size(); j++) means.append(String.format(Locale.ROOT, j == 1 ? "%.4f" : ", %.4f", m.means()[j]));
    stdout.printf(Locale.ROOT, "mixture: %d components learned, %d after merging (zero + %d means: %s)%n", res.learned().size(), m.size(), m.size() - 1, means);
    double modelBits = 8.0 * r.fileBytes(), dataBefore = dataBits(base, data[1]), dataAfter = dataBits(scored, data[1]);
    stdout.printf(Locale.ROOT, "two-part code length: model %,.0f bits + data %,.0f bits = %,.0f bits (float32 model: %,d + %,.0f = %,.0f bits)%n",
        modelBits, dataAfter, modelBits + dataAfter, 8 * dense, dataBefore, 8 * dense + dataBefore);
    stdout.printf(Locale.ROOT, "test accuracy: before %.4f | retrained with the prior %.4f | quantised %.4f%s | decoded archive %.4f (%+.2f points) | %.1f s%n",
        before, res.accuracyRetrained(), res.accuracyQuantized(), recovered, after, 100 * (after - before), (System.nanoTime() - t0) / 1e9);
    Charts.join(warm);
    for (Path png : SoftWeightSharingCharts.write(target, res)) stdout.println("chart: " + png);
    return 0;
  }

  /** sws and bc: {@link Recovery} of {@code shared} with --retrain, --finetune, --lr, --batch and --seed; null when both epoch counts are 0. */
  private Recovery.Result recover(Module model, Dataset[] data, List<SharedWeights> shared) {
    if (retrain <= 0 && finetune <= 0) return null;
    return Recovery.run(model, data[0], data[1], shared, new Recovery.Config(retrain, finetune, lr, batch, common.seed), stderr::println);
  }

  /** The recovery's accuracies, as one more stage of the "test accuracy:" line. */
  private static String recovered(Recovery.Result rr) {
    return String.format(Locale.ROOT, " | recovery: retrained %.4f, shared %.4f, fine-tuned %.4f", rr.accuracyRetrained(), rr.accuracyShared(),
        rr.accuracyFinetuned());
  }

  /** −Σ log₂ p(y|x) over {@code test}: the mean cross-entropy (nats) of an evaluation times n / ln 2. */
  private static double dataBits(Map<String, Double> eval, Dataset test) {
    return eval.get("loss") * test.size() / Math.log(2);
  }

  // ---- shared by every method ------------------------------------------------------------------

  /** Prints the uncompressed model's size and test accuracy (from its evaluation {@code eval}) and returns the accuracy. */
  private double printBaseline(LoadedModel l, Map<String, Double> eval) {
    long n = l.model().parameterCount();
    double before = eval.get("accuracy");
    stderr.printf(Locale.ROOT, "%s: %s, %,d parameters (%,d B as float32), test accuracy %.4f%n", file, l.spec(), n, 4L * n, before);
    return before;
  }

  /** The archive to write: --out, or MODEL with .ffz; a directory is refused. */
  private Path target() {
    Path target = out != null ? out : Path.of(file.toString().replaceFirst("\\.safetensors$", "") + ".ffz");
    if (Files.isDirectory(target)) throw new BadInputException("--out (" + target + ") is a directory");
    return target;
  }

  /** MODEL, refused unless it is a trained mlp or lenet5 classifier; {@code what} names the command in the message. */
  private LoadedModel trainedClassifier(String what) throws IOException {
    LoadedModel l = Models.load(file);
    if (!(l.model() instanceof ImageClassifier)) throw new BadInputException(file + ": model (" + l.spec() + ") is a gpt; " + what + " takes mlp or lenet5 classifiers");
    if (!l.meta().containsKey("step") || "0".equals(l.meta().get("step"))) {
      throw new BadInputException(file + ": not a trained checkpoint (no training steps in its metadata)");
    }
    return l;
  }

  /**
   * {@code --compare}: every archive decoded and scored as eval does ({@link MethodComparison}), the table
   * grouped by model family, the papers' rows, the Pareto front; --chart and --csv written if given.
   */
  private int compare() throws IOException {
    if (file != null) throw common.bad("--compare and MODEL (" + file + ") exclude each other");
    if (from != null) throw common.bad("--compare and --from exclude each other");
    MethodComparison.Config cfg = new MethodComparison.Config(compare);
    String dataset = null;
    Path first = null, dir = dataDir;
    for (Path p : cfg.archives()) {
      if (!Files.isRegularFile(p)) throw new NoSuchFileException(p.toString());
      Map<String, String> m = FfzArchive.read(p).model().metadata();
      String d = MethodComparison.dataset(m);
      if (dataset == null) {
        dataset = d;
        first = p;
        if (dir == null && m.containsKey("data-dir")) dir = Path.of(m.get("data-dir"));
      } else if (!dataset.equals(d)) {
        throw new BadInputException(p + ": trained on " + d + ", but " + first + " on " + dataset + "; compare archives of one dataset");
      }
    }
    Dataset test = Inputs.images(null, dir, stderr)[1];
    Thread warm = chart != null ? Charts.warmUp() : null;
    MethodComparison.Result r = MethodComparison.run(cfg, test);
    Table t = ComparisonReport.table(r);
    stdout.print(t.pretty());
    stdout.printf(Locale.ROOT, "test set: %s, %,d images; ratio against float32; bits/kept = 8 x archive bytes / kept weights; total bits = model (8 x bytes) "
        + "+ data (test labels' cross-entropy); pareto: not beaten in both size and accuracy; paper rows are MNIST, quoted, not measured%n", dataset, test.size());
    if (csv != null) {
      AtomicFiles.writeBytes(csv, t.csv().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      stdout.println("table: " + csv);
    }
    if (chart != null) {
      Charts.join(warm);
      ComparisonReport.chart(chart, r);
      stdout.println("chart: " + chart);
    }
    return 0;
  }

  /** --data-dir, else the checkpoint's, else null (the usual search). */
  private Path dataDir(LoadedModel l) {
    return dataDir != null ? dataDir : l.meta().containsKey("data-dir") ? Path.of(l.meta().get("data-dir")) : null;
  }

  /** The archive's metadata: the checkpoint's data, the data directory, the source and the pipeline. */
  private Map<String, String> meta(LoadedModel l, Path dir, String pipeline) {
    Map<String, String> meta = new LinkedHashMap<>();
    for (String k : List.of("data", "data-dir")) if (l.meta().containsKey(k)) meta.put(k, l.meta().get(k));
    if (dir != null) meta.put("data-dir", dir.toString());
    meta.put("source", file.toString());
    meta.put("pipeline", pipeline);
    meta.put(MethodComparison.SECONDS, String.format(Locale.ROOT, "%.0f", (System.nanoTime() - started) / 1e9));
    return meta;
  }

  /** The encoded archive decoded into a fresh model: what {@code eval M.ffz} will score. */
  private static Module decoded(FfzArchive.Encoded enc, Path target) {
    FfzArchive.Decoded dec = FfzArchive.decode(enc.bytes().clone(), target.toString());
    Module fresh = Models.create(dec.model().spec(), 0);
    DeepCompression.load(dec.model(), fresh, target.toString());
    return fresh;
  }
}
