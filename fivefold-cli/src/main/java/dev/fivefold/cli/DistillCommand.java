package dev.fivefold.cli;

import dev.fivefold.compress.distill.Distillation;
import dev.fivefold.compress.distill.DistillationExperiment;
import dev.fivefold.data.Dataset;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.io.BadInputException;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.ImageClassifier;
import dev.fivefold.perception.LoadedModel;
import dev.fivefold.perception.Models;
import dev.fivefold.train.Checkpoint;
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
 * {@code fivefold distill}: knowledge distillation (Hinton et al. 2015) on Fashion-MNIST: a
 * cumbersome teacher (one LeNet-5 by default, an ensemble, one MLP regularised with dropout and
 * jitter as in the paper, or checkpoints), an unregularised student (an MLP or a LeNet-5 of some
 * width) trained alone and on the teacher's soft targets or logits, same initialisation and batch
 * order, optionally on jittered or mixup'ed transfer images (function matching): flags to a
 * {@link DistillationExperiment.Config}, the run, then the table, the CSV and the chart.
 */
@Command(name = "distill", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Knowledge distillation (Hinton, Vinyals & Dean 2015) on Fashion-MNIST: a cumbersome teacher (by default one LeNet-5 "
        + "trained here exactly as ./fivefold train --model lenet5 --epochs 15 would; or an ensemble of --teacher-members nets, their "
        + "logits averaged; or one MLP with Hinton's dropout and jitter, --teacher-model mlp:784-1200-1200-10 --teacher-input-dropout 0.2 "
        + "--teacher-dropout 0.5 --teacher-jitter 2; or checkpoints via --teacher) "
        + "and a student trained (a) alone on the labels and (b) on the teacher's outputs softened at temperature T mixed with the "
        + "labels (alpha on the soft term, T^2-scaled; or their logits, --match logits), from the same initialisation and batch "
        + "order, optionally on jittered or mixup'ed images shown to teacher and student alike (function matching). The student "
        + "may be an mlp:... or a LeNet-5 of any width, lenet5:C1-C2-H. Reports the test errors "
        + "and the fraction of the teacher-student gap that distillation closes; writes distill.csv (test error per epoch), "
        + "distill-error.png and the teacher checkpoints to the run folder.", "",
        "Examples:",
        "  ./fivefold distill",
        "  ./fivefold distill --teacher runs/lenet5-15/checkpoint.safetensors --epochs 40",
        "  ./fivefold distill --teacher-model mlp:784-800-800-10 --teacher-members 3 --epochs 15 --threads 1",
        "  ./fivefold distill --teacher runs/distill/teacher-1.safetensors,runs/distill/teacher-2.safetensors --temperature 4,20 --threads 1",
        "  ./fivefold distill --teacher-members 1 --teacher-model mlp:784-1200-1200-10 --teacher-epochs 20 --teacher-input-dropout 0.2 "
            + "--teacher-dropout 0.5 --threads 1",
        "  ./fivefold distill --teacher runs/lenet5-15/checkpoint.safetensors --student-jitter 1 --threads 1",
        "  ./fivefold distill --teacher runs/lenet5-15/checkpoint.safetensors --mixup 1 --alpha 1 --threads 1",
        "  ./fivefold distill --teacher a.safetensors,b.safetensors,c.safetensors --student lenet5 --seed 7 --epochs 15 --threads 1", ""})
final class DistillCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Option(names = "--teacher", paramLabel = "CKPT", split = ",",
      description = "A trained teacher checkpoint, or several comma-separated: an ensemble whose logits are averaged (Hinton et al. "
          + "2015 §1) (default: train --teacher-model here).")
  List<Path> teacherFiles;

  @Option(names = "--teacher-model", defaultValue = "lenet5", description = "Teacher (member) to train (default: ${DEFAULT-VALUE}).")
  String teacherModel;

  @Option(names = "--teacher-members", paramLabel = "K", defaultValue = "1",
      description = "Train K teachers and distill their ensemble, the mean of their logits; each is trained exactly as "
          + "./fivefold train --model M --epochs E --seed S+k would (S+100+k when M is the student's architecture, so that no teacher "
          + "shares the student's initialisation) (default: ${DEFAULT-VALUE}).")
  int teacherMembers;

  @Option(names = "--teacher-epochs", defaultValue = "15", description = "Epochs of each teacher (default: ${DEFAULT-VALUE}).")
  int teacherEpochs;

  @Option(names = "--teacher-dropout", defaultValue = "0",
      description = "Teacher dropout on hidden units, in [0, 1); Hinton et al. used 0.5 (default: ${DEFAULT-VALUE}).")
  double teacherDropout;

  @Option(names = "--teacher-input-dropout", defaultValue = "0",
      description = "Teacher dropout on input pixels, in [0, 1); Hinton et al. used 0.2 (default: ${DEFAULT-VALUE}).")
  double teacherInputDropout;

  @Option(names = "--teacher-jitter", paramLabel = "PX", defaultValue = "0",
      description = "Teacher inputs shifted by up to PX pixels each way; Hinton et al. used 2 (default: ${DEFAULT-VALUE}).")
  int teacherJitter;

  @Option(names = "--student", defaultValue = "mlp:784-800-800-10", description = "Student spec (default: ${DEFAULT-VALUE}).")
  String student;

  @Option(names = "--epochs", defaultValue = "40", description = "Epochs of each student (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = {"--temperature", "-T"}, split = ",", defaultValue = "4",
      description = "Softmax temperature(s) T > 0, comma-separated: one distilled student each (default: ${DEFAULT-VALUE}).")
  List<Double> temperatures;

  @Option(names = "--alpha", defaultValue = "0.9", description = "Weight of the soft term in [0, 1] (default: ${DEFAULT-VALUE}).")
  double alpha;

  @Option(names = "--match", paramLabel = "KIND", defaultValue = "soft",
      description = "What the soft term compares: soft (T^2 * cross-entropy of the softened outputs, Hinton et al. 2015) or logits "
          + "(1/2 squared distance of the raw logits, Ba & Caruana 2014; -T is then not used) (default: ${DEFAULT-VALUE}).")
  String match;

  @Option(names = "--student-jitter", paramLabel = "PX", defaultValue = "0",
      description = "Shift the students' training images by up to PX pixels, the same shifted image going to teacher and student "
          + "(function matching, Beyer et al. 2022); the student alone is then also run with the same jitter, as the fair baseline "
          + "(default: ${DEFAULT-VALUE}).")
  int studentJitter;

  @Option(names = "--mixup", paramLabel = "A", defaultValue = "0",
      description = "Blend the students' training images pairwise with weights λ ~ Beta(A, A) (mixup, Zhang et al. 2018), after "
          + "any --student-jitter, the same blended image going to teacher and student (function matching with mixup, Beyer et al. "
          + "2022; the teacher then runs on every batch); the hard term, if --alpha < 1, is against the mixed labels. The student "
          + "alone is then also run on the same mixed images and labels (alone-mixup). 0 = off; 1 = uniform λ (default: ${DEFAULT-VALUE}).")
  double mixup;

  @Option(names = "--students", split = ",", paramLabel = "KIND",
      description = "Which students to train: alone, alone-jitter (the student alone on jittered images, the fair baseline for "
          + "--student-jitter), alone-mixup (the student alone on the same mixed (and jittered) images and mixed labels, the fair "
          + "baseline for --mixup), distilled (default: alone, then alone-jitter if --student-jitter > 0 and no --mixup, "
          + "alone-mixup if --mixup > 0, then distilled). The gap closed is against the student alone; with an augmented "
          + "baseline in the table a second column gives it against that. Runs are "
          + "deterministic, so the parts of one experiment can run as separate commands with the same --seed; without distilled no "
          + "teacher is needed.")
  List<String> students;

  @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate, cosine schedule (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--batch", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--train-samples", paramLabel = "N", defaultValue = "0",
      description = "Train the students on the first N training images only (0 = all 60,000; the teacher, if trained here, "
          + "always sees all). Hinton et al. 2015 §3: soft targets act as a regulariser when the student's data is scarce.")
  int trainSamples;

  @Option(names = "--labelled", paramLabel = "N", defaultValue = "0",
      description = "Keep the labels of the first N training images only (0 = all): the teacher (if trained here) and the students "
          + "alone learn from those N; the distilled students use every training image (or the first --train-samples) as the "
          + "transfer set, soft targets on all and the hard term on the labelled ones (Hinton et al. 2015 §2, Bucilua et al. "
          + "2006: the transfer set may be unlabelled). Not with --student-jitter or --mixup.")
  int labelled;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the Fashion-MNIST IDX files.")
  Path dataDir;

  @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/distill).")
  Path out;

  @Override
  public Integer call() throws IOException {
    common.apply();
    common.atLeast("--epochs", epochs, 1);
    common.atLeast("--teacher-epochs", teacherEpochs, 1);
    common.atLeast("--teacher-members", teacherMembers, 1);
    common.atLeast("--batch", batch, 1);
    common.atLeast("--train-samples", trainSamples, 0);
    common.atLeast("--labelled", labelled, 0);
    if (labelled > 0 && trainSamples > 0 && labelled > trainSamples) {
      throw common.bad("--labelled (" + labelled + ") must be at most --train-samples (" + trainSamples + ")");
    }
    if (labelled > 0 && (studentJitter > 0 || mixup > 0)) throw common.bad("--labelled works with plain transfer images, not with --student-jitter or --mixup");
    common.atLeast("--teacher-jitter", teacherJitter, 0);
    common.atLeast("--student-jitter", studentJitter, 0);
    if (teacherJitter > 27) throw common.bad("--teacher-jitter (" + teacherJitter + ") must be at most 27 pixels");
    if (studentJitter > 27) throw common.bad("--student-jitter (" + studentJitter + ") must be at most 27 pixels");
    for (double t : temperatures) common.positive("--temperature", t);
    common.positive("--lr", lr);
    if (!(alpha >= 0 && alpha <= 1)) throw common.bad("--alpha (" + alpha + ") must be in [0, 1]");
    if (!(teacherDropout >= 0 && teacherDropout < 1)) throw common.bad("--teacher-dropout (" + teacherDropout + ") must be in [0, 1)");
    if (!(teacherInputDropout >= 0 && teacherInputDropout < 1)) {
      throw common.bad("--teacher-input-dropout (" + teacherInputDropout + ") must be in [0, 1)");
    }
    Distillation.Match kind = switch (match) {
      case "soft" -> Distillation.Match.SOFT_TARGETS;
      case "logits" -> Distillation.Match.LOGITS;
      default -> throw common.bad("--match (" + match + ") must be soft or logits");
    };
    if (!(mixup >= 0 && mixup < Double.POSITIVE_INFINITY)) throw common.bad("--mixup (" + mixup + ") must be >= 0 and finite");
    if (students == null) {
      students = mixup > 0 ? List.of("alone", "alone-mixup", "distilled")
          : studentJitter > 0 ? List.of("alone", "alone-jitter", "distilled") : List.of("alone", "distilled");
    }
    for (String s : students) {
      if (!List.of("alone", "alone-jitter", "alone-mixup", "distilled").contains(s)) {
        throw common.bad("--students (" + s + ") must be alone, alone-jitter, alone-mixup or distilled");
      }
    }
    if (students.contains("alone-jitter") && studentJitter == 0) throw common.bad("--students alone-jitter needs --student-jitter > 0");
    if (students.contains("alone-mixup") && mixup == 0) throw common.bad("--students alone-mixup needs --mixup > 0");
    boolean runDistilled = students.contains("distilled");
    if (teacherFiles == null && !classifier(teacherModel).takesDropout() && (teacherDropout > 0 || teacherInputDropout > 0)) {
      throw common.bad("--teacher-dropout and --teacher-input-dropout need an mlp teacher, not " + teacherModel + " (--teacher-jitter works for any)");
    }
    Path dir = out != null ? out : Path.of("runs", "distill");
    Thread chartsReady = Charts.warmUp();
    Path data = dataDir;
    DistillationExperiment.Teacher teacher;
    if (runDistilled && teacherFiles != null) {
      List<Module> members = new ArrayList<>();
      for (Path f : teacherFiles) {
        LoadedModel l = Models.load(f);
        l.imageClassifier();
        members.add(l.model());
        if (data == null && l.meta().containsKey("data-dir")) data = Path.of(l.meta().get("data-dir"));
      }
      teacher = new DistillationExperiment.Given(members,
          members.size() == 1 ? teacherFiles.getFirst().toString() : "ensemble of " + members.size() + ": " + teacherFiles.getFirst() + ", ...");
    } else {
      teacher = new DistillationExperiment.Trained(teacherModel, teacherMembers, teacherEpochs, teacherInputDropout, teacherDropout, teacherJitter);
    }
    List<DistillationExperiment.Student> kinds = students.stream().map(k -> DistillationExperiment.Student.valueOf(k.toUpperCase(Locale.ROOT).replace('-', '_'))).toList();
    var config = new DistillationExperiment.Config(teacher, student, kinds, epochs, temperatures, alpha, kind, studentJitter, mixup, lr, batch, trainSamples,
        labelled, common.seed);
    Dataset[] d = Inputs.images(null, data, stderr);
    int transferSize = trainSamples > 0 ? Math.min(trainSamples, d[0].size()) : d[0].size();
    if (labelled > transferSize) throw common.bad("--labelled (" + labelled + ") must be at most the " + transferSize + " training images");
    DistillationExperiment.Result r = DistillationExperiment.run(config, d[0], d[1], stderr::println);
    for (int k = 0; k < r.trainedTeachers().size(); k++) {
      Module m = r.trainedTeachers().get(k);
      Map<String, String> meta = new java.util.LinkedHashMap<>();
      meta.put("model", Models.specOf(m));
      if (data != null) meta.put("data-dir", data.toAbsolutePath().toString());
      Checkpoint.saveWeights(dir.resolve(teacherMembers == 1 ? "teacher.safetensors" : "teacher-" + (k + 1) + ".safetensors"), m, meta);
    }
    if (!r.trainedTeachers().isEmpty()) stderr.println("teachers saved to " + dir);
    report(r.rows(), dir, r.trainSize(), r.transferSize(), r.seconds(), chartsReady);
    return 0;
  }

  private static ImageClassifier classifier(String spec) {
    if (Models.create(spec, 0) instanceof ImageClassifier c) return c;
    throw new BadInputException("model (" + spec + ") is not an image classifier (mlp, lenet5)");
  }

  /** @param transferSize the distilled students' transfer set when it is larger than the labelled set, else 0 */
  private void report(List<DistillationExperiment.Row> rows, Path dir, int trainSize, int transferSize, double seconds, Thread chartsReady) throws IOException {
    DistillationExperiment.Row teacher = find(rows, "teacher"), baseline = find(rows, "student alone");
    // the augmented baseline sees the same inputs as the distilled students
    DistillationExperiment.Row same = find(rows, mixup > 0 ? "student alone + mixup" : "student alone + jitter");
    List<String> columns = new ArrayList<>(List.of("model", "spec", "parameters", "test_error_%", "test_errors", "gap_closed"));
    if (same != null) columns.add("gap_closed_vs_same_inputs");
    Table t = new Table(columns.toArray(String[]::new));
    for (DistillationExperiment.Row r : rows) {
      boolean distilled = r.name().startsWith("distilled");
      List<Object> cells = new ArrayList<>(List.of(r.name(), r.spec(), r.parameters(), fmt(r.error()), Math.round(r.error() / 100 * r.testSize()),
          gapCell(distilled, teacher, baseline, r)));
      if (same != null) cells.add(gapCell(distilled, teacher, same, r));
      t.add(cells.toArray());
    }
    stdout.print(t.pretty());
    stdout.printf(Locale.ROOT, "gap closed = (student alone − distilled) / (student alone − teacher)%s | %d student epochs on %d %simages%s | %.1f s%n",
        same == null ? "" : "; vs same inputs: the same with " + same.name(), epochs, trainSize, transferSize > 0 ? "labelled " : "",
        transferSize > 0 ? "; distilled on a transfer set of " + transferSize + " images, the labels of the first " + trainSize + " only" : "",
        seconds);
    StringBuilder csv = new StringBuilder("model,epoch,test_error_percent\n");
    List<Charts.Series> series = new ArrayList<>();
    for (DistillationExperiment.Row r : rows) {
      for (double[] p : r.curve()) csv.append(String.format(Locale.ROOT, "%s,%.0f,%.4f%n", r.name(), p[0], p[1]));
      boolean flat = r.curve().isEmpty(); // a loaded teacher: its test error as a level line
      series.add(new Charts.Series(r.name(), flat ? List.of(new double[] {1, r.error()}, new double[] {epochs, r.error()}) : r.curve(), !flat));
    }
    AtomicFiles.writeString(dir.resolve("distill.csv"), csv.toString());
    Charts.join(chartsReady);
    try {
      Charts.write(dir.resolve("distill-error.png"), "distillation on Fashion-MNIST: test error", "epoch", "test error (%)", series);
    } catch (IOException | RuntimeException | LinkageError e) {
      stderr.println("fivefold: could not write charts: " + Main.oneLine(String.valueOf(e.getMessage())));
    }
    stdout.println("wrote " + dir.resolve("distill.csv") + ", distill-error.png");
  }

  private static DistillationExperiment.Row find(List<DistillationExperiment.Row> rows, String name) {
    return rows.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
  }

  private static String gapCell(boolean distilled, DistillationExperiment.Row teacher, DistillationExperiment.Row baseline, DistillationExperiment.Row r) {
    if (!distilled) return "";
    return teacher == null || baseline == null ? "n/a" : gapClosed(teacher.error(), baseline.error(), r.error());
  }

  private static String gapClosed(double teacher, double alone, double distilled) {
    double g = DistillationExperiment.Result.gapClosed(teacher, alone, distilled);
    return Double.isNaN(g) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * g);
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
