package dev.fivefold.compress;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.compress.archive.FfzArchive;
import dev.fivefold.compress.archive.FfzModel;
import dev.fivefold.compress.archive.RawTensor;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.nn.Parameter;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.LoadedModel;
import dev.fivefold.perception.ModelSpec;
import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The three-stage Deep Compression pipeline (Han, Mao &amp; Dally, ICLR 2016) on a classifier:
 * <ol>
 *   <li>prune the weight matrices and kernels (rank ≥ 2) by magnitude — per layer |w| ≤ quality ·
 *       std(w), or a target sparsity per layer — optionally in {@code pruneSteps} stages whose
 *       sparsity ramps up cubically (Zhu &amp; Gupta 2017), retraining with the masks held after each;
 *   <li>k-means weight sharing per layer (linear init; {@code fcBits} for matrices, {@code convBits}
 *       for conv kernels), then fine-tune the centroids (and the dense biases) with the summed
 *       gradients of their weights (Han eq. 3);
 *   <li>the {@code .ffz} archive: codes and relative indices entropy-coded, biases raw
 *       ({@link #archive}).
 * </ol>
 * After {@link #run} every pruned layer holds exactly {@code codebook[code]} at its kept positions
 * and 0 elsewhere, so decoding the archive gives bit-identical weights ({@link #load}).
 */
public final class DeepCompression {
  private DeepCompression() {}

  /** How weights are pruned. */
  public enum Prune {
    /** Han's rule per layer: prune |w| &le; quality · std(w) ({@link Pruner#perLayerQuality}). */
    QUALITY,
    /** A target sparsity per layer ({@link Pruner#perLayerSparsity}). */
    SPARSITY
  }

  /**
   * The pipeline's settings, validated on construction.
   *
   * @param prune criterion
   * @param quality Han's per-layer threshold factor (QUALITY)
   * @param sparsity per-layer target sparsities in [0, 1), in parameter order; the last repeats (SPARSITY)
   * @param pruneSteps stages of the ramp (1 = one shot)
   * @param retrainEpochs epochs of retraining with masks held, spread over the stages
   * @param fcBits code bits of weight matrices, 1..16
   * @param convBits code bits of convolution kernels, 1..16
   * @param finetuneEpochs epochs of centroid fine-tuning
   * @param lr Adam learning rate of retraining (fine-tuning uses lr / 10 on the centroids)
   * @param batch batch size
   * @param seed data order
   */
  public record Config(Prune prune, double quality, double[] sparsity, int pruneSteps, double retrainEpochs, int fcBits, int convBits,
      double finetuneEpochs, double lr, int batch, long seed) {
    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if {@code quality} &lt; 0, a sparsity is outside [0, 1), SPARSITY is
     *     chosen with no sparsity, {@code pruneSteps} &lt; 1, a bit width is outside 1..16, or an epoch count
     *     is &lt; 0 or NaN
     */
    public Config {
      if (!(quality >= 0)) throw new IllegalArgumentException("quality (" + quality + ") must be >= 0");
      for (double s : sparsity) if (!(s >= 0 && s < 1)) throw new IllegalArgumentException("sparsity (" + s + ") must be in [0, 1)");
      if (prune == Prune.SPARSITY && sparsity.length == 0) throw new IllegalArgumentException("sparsity needs at least one value");
      if (pruneSteps < 1) throw new IllegalArgumentException("prune steps (" + pruneSteps + ") must be >= 1");
      for (int b : new int[] {fcBits, convBits}) if (b < 1 || b > 16) throw new IllegalArgumentException("bits (" + b + ") must be in 1..16");
      if (!(retrainEpochs >= 0) || !(finetuneEpochs >= 0)) throw new IllegalArgumentException("epochs must be >= 0");
    }
  }

  /**
   * What {@link #run} leaves: the masks, the shared layers and test accuracies along the way.
   *
   * @param masks the pruning masks (held during retraining)
   * @param shared the weight-shared layers, in parameter order
   * @param accuracyPruned test accuracy after pruning and retraining, in [0, 1]
   * @param accuracyShared test accuracy right after weight sharing
   * @param accuracyFinetuned test accuracy after centroid fine-tuning
   */
  public record Result(Masks masks, List<SharedWeights> shared, double accuracyPruned, double accuracyShared, double accuracyFinetuned) {}

  /**
   * Runs prune → retrain → share → fine-tune on {@code model} in place; {@code log} gets one line per stage.
   *
   * @param model the classifier, trained; pruned and shared in place
   * @param train the training set for retraining and fine-tuning
   * @param test the test set the accuracies are measured on
   * @param cfg the settings
   * @param log receives the progress lines
   * @return the masks, shared layers and accuracies
   */
  public static Result run(Module model, Dataset train, Dataset test, Config cfg, Consumer<String> log) {
    Map<String, Parameter> weights = Pruner.weights(model);
    Masks masks = new Masks();
    for (int stage = 1; stage <= cfg.pruneSteps(); stage++) {
      double r = 1 - (double) stage / cfg.pruneSteps();
      double frac = 1 - r * r * r;
      int l = 0;
      for (var e : weights.entrySet()) {
        Map<String, Parameter> one = Map.of(e.getKey(), e.getValue());
        Masks m = cfg.prune() == Prune.QUALITY ? Pruner.perLayerQuality(one, cfg.quality() * frac)
            : Pruner.perLayerSparsity(one, frac * cfg.sparsity()[Math.min(l, cfg.sparsity().length - 1)]);
        boolean[] keep = m.mask(e.getKey());
        boolean[] old = masks.mask(e.getKey());
        if (old != null) for (int i = 0; i < keep.length; i++) keep[i] &= old[i];
        masks.put(e.getKey(), e.getValue(), keep);
        l++;
      }
      masks.apply();
      double epochs = cfg.retrainEpochs() / cfg.pruneSteps();
      if (epochs > 0) retrain(model, train, test, masks, epochs, cfg, stage);
      log.accept(String.format(java.util.Locale.ROOT, "prune stage %d/%d: sparsity %.4f, test accuracy %.4f", stage, cfg.pruneSteps(),
          masks.sparsity(), accuracy(model, test)));
    }
    double pruned = accuracy(model, test);
    List<SharedWeights> shared = new ArrayList<>();
    for (var e : weights.entrySet()) {
      int bits = e.getValue().value().rank() > 2 ? cfg.convBits() : cfg.fcBits();
      shared.add(WeightSharing.share(e.getKey(), e.getValue(), masks.mask(e.getKey()), bits, 100));
    }
    double sharedAcc = accuracy(model, test);
    log.accept(String.format(java.util.Locale.ROOT, "weight sharing: test accuracy %.4f", sharedAcc));
    if (cfg.finetuneEpochs() > 0) finetune(model, train, shared, cfg);
    double fin = accuracy(model, test);
    log.accept(String.format(java.util.Locale.ROOT, "centroid fine-tuning: test accuracy %.4f", fin));
    return new Result(masks, shared, pruned, sharedAcc, fin);
  }

  static void retrain(Module model, Dataset train, Dataset test, Masks masks, double epochs, Config cfg, int stage) {
    retrainMasked(model, train, test, masks, epochs, cfg.lr(), cfg.batch(), cfg.seed() + stage);
  }

  /**
   * Retrains {@code model} with {@code masks} held (pruned weights stay 0 after every step): Adam at
   * {@code lr} on a cosine schedule to 0 over {@code epochs}, shuffled batches seeded by {@code seed}.
   * Deep Compression's second stage; the description-length methods use it after pruning too.
   *
   * @param model the pruned model, trained in place
   * @param train the training set
   * @param test the set the trainer's evaluations use
   * @param masks the kept weights
   * @param epochs epochs of retraining, &gt; 0 (fractions allowed)
   * @param lr the Adam learning rate, &gt; 0
   * @param batch the batch size, &ge; 1
   * @param seed the shuffling seed
   */
  public static void retrainMasked(Module model, Dataset train, Dataset test, Masks masks, double epochs, double lr, int batch, long seed) {
    Optimizer opt = Optimizers.adam(model.parameters(), lr);
    ClassificationTask task = new ClassificationTask(model, train, test, batch, seed);
    long steps = Math.max(1, Math.round(epochs * task.stepsPerEpoch()));
    Trainer t = new Trainer(task, opt, new TrainConfig(Math.max(1, (int) Math.ceil(epochs)), steps, 0, steps + 1));
    t.controller(dev.fivefold.control.Controller.open(dev.fivefold.control.Schedules.cosine(lr, steps, 0)));
    t.observe(masks.observer());
    t.fit();
    masks.apply();
  }

  static void finetune(Module model, Dataset train, List<SharedWeights> shared, Config cfg) {
    finetuneCentroids(model, train, shared, cfg.finetuneEpochs(), cfg.lr() / 10, cfg.batch(), cfg.seed() + 1000);
  }

  /**
   * Fine-tunes the centroids of {@code shared} and every parameter that is not shared (biases) on the
   * training cross-entropy, Adam at {@code lr}; the weights are re-materialised from their codebooks
   * after each step (Han et al. 2016, eq. 3), so the model stays exactly on its codebooks.
   *
   * @param model the weight-shared model, fine-tuned in place
   * @param train the training set
   * @param shared its weight-shared layers
   * @param epochs epochs of fine-tuning, &gt; 0 (fractions allowed)
   * @param lr the Adam learning rate, &gt; 0
   * @param batch the batch size, &ge; 1
   * @param seed the shuffling seed
   */
  public static void finetuneCentroids(Module model, Dataset train, List<SharedWeights> shared, double epochs, double lr, int batch, long seed) {
    List<Parameter> ps = new ArrayList<>(WeightSharing.codebooks(shared));
    java.util.Set<Parameter> sharedW = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (SharedWeights s : shared) sharedW.add(s.weight());
    for (Parameter p : model.parameters()) if (!sharedW.contains(p)) ps.add(p);
    Optimizer opt = Optimizers.adam(ps, lr);
    ClassificationTask task = new ClassificationTask(model, train, train, batch, seed);
    long steps = Math.max(1, Math.round(epochs * task.stepsPerEpoch()));
    Tape tape = Tape.training();
    model.train();
    for (long s = 0; s < steps; s++) {
      tape.reset();
      Var loss = task.trainLoss(tape);
      tape.backward(loss);
      WeightSharing.step(shared, opt);
    }
    model.zeroGrad();
    for (SharedWeights s : shared) s.materialize();
  }

  static double accuracy(Module model, Dataset test) {
    return ClassificationTask.evaluate(model, test, 1000).get("accuracy");
  }

  /**
   * The archive contents: shared layers as quantized tensors, every other parameter and every buffer (running statistics) raw.
   *
   * @param model the compressed model
   * @param spec the model's spec string ({@link ModelSpec}), stored in the header
   * @param metadata free key-value pairs stored in the header
   * @param shared the weight-shared layers from {@link #run}
   * @return the archive's model, ready for {@link FfzArchive#encode}
   */
  public static FfzModel archive(Module model, String spec, Map<String, String> metadata, List<SharedWeights> shared) {
    return archive(model, spec, metadata, shared, 32);
  }

  /**
   * The archive contents with the parameters that are not shared (biases) stored at {@code rawBits}:
   * at 16 they are first rounded to float16 in the model itself, so the model scores what the archive
   * decodes to. Buffers (running statistics) stay float32.
   *
   * @param model the compressed model; its non-shared parameters are rounded in place at 16 bits
   * @param spec the model's spec string ({@link ModelSpec}), stored in the header
   * @param metadata free key-value pairs stored in the header
   * @param shared the weight-shared layers
   * @param rawBits 32 (float32) or 16 (float16, format 5)
   * @return the archive's model, ready for {@link FfzArchive#encode}
   * @throws IllegalArgumentException if {@code rawBits} is neither 16 nor 32
   */
  public static FfzModel archive(Module model, String spec, Map<String, String> metadata, List<SharedWeights> shared, int rawBits) {
    if (rawBits != 16 && rawBits != 32) throw new IllegalArgumentException("rawBits (" + rawBits + ") must be 16 or 32");
    List<QuantizedTensor> q = new ArrayList<>();
    java.util.Set<String> names = new java.util.HashSet<>();
    for (SharedWeights s : shared) {
      q.add(s.toQuantized());
      names.add(s.name());
    }
    List<RawTensor> raw = new ArrayList<>();
    for (var e : model.namedParameters().entrySet()) {
      if (names.contains(e.getKey())) continue;
      Tensor v = e.getValue().value();
      if (rawBits == 16) RawTensor.roundToHalf(v.data());
      raw.add(new RawTensor(e.getKey(), v.shape().dims(), v.data().clone(), rawBits));
    }
    for (var e : model.namedBuffers().entrySet()) raw.add(new RawTensor(e.getKey(), e.getValue().shape().dims(), e.getValue().data().clone())); // running statistics
    return new FfzModel(spec, metadata, q, raw);
  }

  /**
   * The model stored in the {@code .ffz} archive {@code file}: built from the archive's spec (checked
   * against the heap first, {@link Models#requireFits}) and loaded with its decoded weights.
   *
   * @param file the archive
   * @return the model with its spec and metadata
   * @throws NoSuchFileException if the file is missing; BadInputException for a corrupt archive
   * @throws IOException if the file cannot be read
   */
  public static LoadedModel loadArchive(Path file) throws IOException {
    if (!Files.exists(file)) throw new NoSuchFileException(file.toString());
    FfzModel m = FfzArchive.read(file).model();
    ModelSpec spec = Models.parse(m.spec());
    Models.requireFits(spec, 0, file + ": model " + m.spec());
    Module model = spec.build(0);
    load(m, model, file.toString());
    return new LoadedModel(file, model, m.spec(), m.metadata());
  }

  /**
   * Loads the dense weights of an archive into {@code model} (names and shapes must match); tensors
   * stored as compressed-sensing measurements are recovered ({@code compress.sensing.LayerSensing#decode}).
   *
   * @param archive the decoded archive
   * @param model the model built from the archive's spec; its weights are replaced
   * @param source the archive's name, for error messages
   */
  public static void load(FfzModel archive, Module model, String source) {
    Map<String, Tensor> w = new LinkedHashMap<>();
    for (QuantizedTensor q : archive.quantized()) w.put(q.name(), Tensor.of(q.dense(), q.shape()));
    for (RawTensor r : archive.raw()) w.put(r.name(), Tensor.of(r.values().clone(), r.shape()));
    for (var s : archive.sensed()) w.put(s.name(), Tensor.of(dev.fivefold.compress.sensing.LayerSensing.decode(s), s.shape())); // recovered
    model.loadStateDict(w, source);
  }

  /**
   * The smallest encoding over index widths: per tensor the width whose coded index stream is
   * shortest ({@link FfzArchive.Options#SHORTEST_INDEX}), or one width for all tensors (automatic,
   * fewest raw bits, or fixed 2..8) if that file is smaller (the JSON header lists each width);
   * {@code options}' coder, ECC and modelling are kept (with {@link FfzArchive.Modelling#SHORTER},
   * per stream the context model where that is shorter).
   *
   * @param model the archive's contents
   * @param options the coder, ECC and modelling to keep
   * @return the smallest encoding found
   */
  public static FfzArchive.Encoded smallest(FfzModel model, FfzArchive.Options options) {
    FfzArchive.Encoded best = FfzArchive.encode(model, options.withIndexBits(FfzArchive.Options.SHORTEST_INDEX));
    for (int b = 0; b <= 8; b = b == 0 ? 2 : b + 1) {
      FfzArchive.Encoded e = FfzArchive.encode(model, options.withIndexBits(b));
      if (e.bytes().length < best.bytes().length) best = e;
    }
    return best;
  }
}
