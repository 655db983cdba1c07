package dev.fivefold.cli;

import dev.fivefold.compress.Distillation;
import dev.fivefold.compress.DistillationTask;
import dev.fivefold.control.Schedules;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.Models;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.Task;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.Trainer;
import dev.fivefold.io.BadInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fivefold distill}: knowledge distillation (Hinton et al. 2015) on Fashion-MNIST. */
@Command(name = "distill", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Knowledge distillation (Hinton, Vinyals & Dean 2015) on Fashion-MNIST: a large teacher (trained here, or a "
        + "checkpoint via --teacher), and a small student trained (a) alone on the labels and (b) on the teacher's outputs softened "
        + "at temperature T mixed with the labels (alpha on the soft term), from the same initialisation and batch order. Reports the "
        + "test errors and the fraction of the teacher-student gap that distillation closes.", "",
        "Examples:",
        "  ./fivefold distill",
        "  ./fivefold distill --teacher runs/lenet5-c/checkpoint.safetensors --student mlp:784-30-10 --temperature 4 --alpha 0.9", ""})
final class DistillCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Option(names = "--teacher", paramLabel = "CKPT", description = "A trained teacher checkpoint (default: train --teacher-model here).")
  Path teacherFile;

  @Option(names = "--teacher-model", defaultValue = "mlp:784-1200-1200-10", description = "Teacher to train (default: ${DEFAULT-VALUE}).")
  String teacherModel;

  @Option(names = "--teacher-epochs", defaultValue = "3", description = "Epochs of the teacher (default: ${DEFAULT-VALUE}).")
  int teacherEpochs;

  @Option(names = "--student", defaultValue = "mlp:784-30-10", description = "Student spec (default: ${DEFAULT-VALUE}).")
  String student;

  @Option(names = "--epochs", defaultValue = "5", description = "Epochs of each student (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = {"--temperature", "-T"}, defaultValue = "4", description = "Softmax temperature T > 0 (default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--alpha", defaultValue = "0.9", description = "Weight of the soft term in [0, 1] (default: ${DEFAULT-VALUE}).")
  double alpha;

  @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate, cosine schedule (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--batch", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--train-samples", paramLabel = "N", defaultValue = "0",
      description = "Train the students on the first N training images only (0 = all 60,000; the teacher, if trained here, "
          + "always sees all). Hinton et al. 2015 §3: soft targets act as a regulariser when the student's data is scarce.")
  int trainSamples;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the Fashion-MNIST IDX files.")
  Path dataDir;

  @Override
  public Integer call() throws IOException {
    common.apply();
    common.atLeast("--epochs", epochs, 1);
    common.atLeast("--teacher-epochs", teacherEpochs, 1);
    common.atLeast("--batch", batch, 1);
    common.atLeast("--train-samples", trainSamples, 0);
    common.positive("--temperature", temperature);
    common.positive("--lr", lr);
    if (!(alpha >= 0 && alpha <= 1)) throw common.bad("--alpha (" + alpha + ") must be in [0, 1]");
    Models.create(student, 0); // validates the spec before any work
    Distillation d = new Distillation(temperature, alpha);
    Module teacher;
    Path dir = dataDir;
    if (teacherFile != null) {
      Loaded l = Loaded.read(teacherFile, null);
      if (l.model() instanceof Gpt) throw new BadInputException(teacherFile + ": model (" + l.spec() + ") is a gpt, not an image classifier");
      teacher = l.model();
      if (dir == null && l.meta().containsKey("data-dir")) dir = Path.of(l.meta().get("data-dir"));
    } else {
      teacher = Models.create(teacherModel, common.seed + 7);
    }
    Dataset[] data = TrainCommand.images(null, dir, stderr);
    long t0 = System.nanoTime();
    String teacherName = teacherFile != null ? teacherFile.toString() : teacherModel;
    if (teacherFile == null) {
      train(new ClassificationTask(teacher, data[0], data[1], batch, common.seed), teacherEpochs);
      stderr.printf(Locale.ROOT, "teacher %s trained: %.1f s%n", teacherModel, (System.nanoTime() - t0) / 1e9);
    }
    double teacherAcc = ClassificationTask.evaluate(teacher, data[1], 1000).get("accuracy");
    Dataset studentTrain = trainSamples > 0 ? data[0].take(trainSamples) : data[0];
    Module alone = Models.create(student, common.seed), distilled = Models.create(student, common.seed);
    long t1 = System.nanoTime();
    double aloneAcc = train(new ClassificationTask(alone, studentTrain, data[1], batch, common.seed + 1), epochs).get("accuracy");
    stderr.printf(Locale.ROOT, "student alone: %.1f s%n", (System.nanoTime() - t1) / 1e9);
    long t2 = System.nanoTime();
    double distAcc = train(new DistillationTask(distilled, teacher, d, studentTrain, data[1], batch, common.seed + 1), epochs).get("accuracy");
    stderr.printf(Locale.ROOT, "student distilled: %.1f s%n", (System.nanoTime() - t2) / 1e9);

    double eT = 100 * (1 - teacherAcc), eA = 100 * (1 - aloneAcc), eD = 100 * (1 - distAcc);
    Table t = new Table("model", "spec", "parameters", "test_error_%", "test_errors");
    t.add("teacher", teacherName, teacher.parameterCount(), fmt(eT), Math.round((1 - teacherAcc) * data[1].size()));
    t.add("student alone", student, alone.parameterCount(), fmt(eA), Math.round((1 - aloneAcc) * data[1].size()));
    t.add("student distilled", student + " T=" + temperature + " alpha=" + alpha, distilled.parameterCount(), fmt(eD),
        Math.round((1 - distAcc) * data[1].size()));
    stdout.print(t.pretty());
    double gap = eA - eT;
    stdout.printf(Locale.ROOT, "gap closed by distillation: %s (%.2f of %.2f points) | %d student epochs on %d images | %.1f s%n",
        gap > 0 ? String.format(Locale.ROOT, "%.1f%%", 100 * (eA - eD) / gap) : "n/a (the student alone is not worse than the teacher)",
        eA - eD, gap, epochs, studentTrain.size(), (System.nanoTime() - t0) / 1e9);
    return 0;
  }

  private java.util.Map<String, Double> train(Task task, int ep) {
    Optimizer opt = Optimizers.adam(task.model().parameters(), lr);
    Trainer tr = new Trainer(task, opt, TrainConfig.epochs(ep));
    tr.schedule(Schedules.cosine(lr, ep * task.stepsPerEpoch(), 0));
    return tr.fit();
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
