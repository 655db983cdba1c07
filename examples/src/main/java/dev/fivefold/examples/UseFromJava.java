package dev.fivefold.examples;

import dev.fivefold.compress.DeepCompression;
import dev.fivefold.compress.archive.ArchiveReport;
import dev.fivefold.compress.archive.FfzArchive;
import dev.fivefold.control.ReduceOnPlateau;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.optim.Clipping;
import dev.fivefold.optim.GradientTransform;
import dev.fivefold.optim.LearningRate;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Transforms;
import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.Checkpoint;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * fivefold from Java, start to end: build a model, train it with an optimizer chain (clip → Adam →
 * learning rate) steered by a closed-loop controller (reduce on plateau), save a checkpoint and
 * load it into a fresh model, then compress it (prune + share weights) into an {@code .ffz}
 * archive and read that back. Run: {@code java --add-modules jdk.incubator.vector -cp
 * fivefold-core.jar:fivefold-examples.jar dev.fivefold.examples.UseFromJava [DIR]}.
 */
public final class UseFromJava {
  private UseFromJava() {}

  public static void main(String[] args) throws Exception {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("fivefold-example");
    Dataset train = blobs(2048, 1), test = blobs(512, 2);

    // 1. a model: an MLP by its spec (or build layers yourself from dev.fivefold.nn)
    Module model = Models.create("mlp:64-32-4", 42);

    // 2. an optimizer chain, optax style: clip the global norm, scale by Adam, then by the learning rate
    LearningRate lr = new LearningRate(1e-2);
    GradientTransform chain = GradientTransform.chain(Clipping.byGlobalNorm(1.0), Transforms.scaleByAdam(0.9, 0.999, 1e-8),
        Transforms.scaleByLearningRate(lr));
    Optimizer opt = new Optimizer("clip+adam", chain, lr, model.parameters());

    // 3. train, a controller setting the learning rate from the loss it senses
    Trainer trainer = new Trainer(new ClassificationTask(model, train, test, 64, 7), opt, new TrainConfig(5, 0, 0, 0));
    trainer.controller(ReduceOnPlateau.defaults(1e-2));
    Map<String, Double> metrics = trainer.fit();
    System.out.printf("trained %d steps: test accuracy %.4f%n", trainer.step(), metrics.get("accuracy"));

    // 4. checkpoint: save, then load into a fresh model and check it scores the same
    Path ckpt = dir.resolve("model.safetensors");
    Checkpoint.save(ckpt, trainer, Map.of("model", "mlp:64-32-4"));
    Module loaded = Models.load(ckpt).model();
    double reloaded = ClassificationTask.evaluate(loaded, test, 512).get("accuracy");
    System.out.printf("reloaded from %s: test accuracy %.4f%n", ckpt.getFileName(), reloaded);
    if (reloaded != metrics.get("accuracy")) throw new AssertionError("the reloaded model scores differently");

    // 5. compress: prune by magnitude, share weights (4-bit codebooks), fine-tune; write and read the archive
    DeepCompression.Result r = DeepCompression.run(loaded, train, test,
        new DeepCompression.Config(DeepCompression.Prune.QUALITY, 0.5, new double[0], 1, 1, 4, 4, 1, 1e-3, 64, 7), System.out::println);
    Path ffz = dir.resolve("model.ffz");
    ArchiveReport report = FfzArchive.write(ffz, DeepCompression.archive(loaded, "mlp:64-32-4", Map.of(), r.shared()), FfzArchive.Options.defaults());
    Module decoded = DeepCompression.loadArchive(ffz).model();
    double compressed = ClassificationTask.evaluate(decoded, test, 512).get("accuracy");
    System.out.printf("compressed to %,d bytes (%.1fx smaller than float32): test accuracy %.4f%n", report.fileBytes(),
        (double) report.denseBytes() / report.fileBytes(), compressed);
  }

  /** Four Gaussian blobs in 64 dimensions, a class each: a data set made here, no download. */
  static Dataset blobs(int n, long seed) {
    Random r = new Random(seed);
    Random centres = new Random(0);
    float[][] mu = new float[4][64];
    for (float[] m : mu) for (int j = 0; j < 64; j++) m[j] = (float) centres.nextGaussian();
    float[] x = new float[n * 64];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(4);
      for (int j = 0; j < 64; j++) x[i * 64 + j] = mu[y[i]][j] + (float) (1.5 * r.nextGaussian());
    }
    return new Dataset(Tensor.of(x, n, 64), y, 4);
  }
}
