package dev.fivefold.compress.distill;

import dev.fivefold.control.Controller;
import dev.fivefold.control.Schedules;
import dev.fivefold.data.Dataset;
import dev.fivefold.data.Mixup;
import dev.fivefold.data.RandomShift;
import dev.fivefold.nn.Module;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Ensemble;
import dev.fivefold.perception.ImageClassifier;
import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Rng;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.MixupTask;
import dev.fivefold.train.Task;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.TrainObserver;
import dev.fivefold.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Knowledge distillation on an image set as one experiment (Hinton, Vinyals &amp; Dean 2015; what
 * {@code fivefold distill} runs): a cumbersome teacher (trained here, or given), an unregularised
 * student trained (a) alone on the labels and (b) on the teacher's softened outputs (or logits)
 * mixed with the labels, from the same initialisation and batch order, optionally on jittered or
 * mixup'ed transfer images (function matching), and the test errors per epoch.
 *
 * <p>The protocol and its seeds (S = {@code seed}):
 * <ul>
 *   <li>Teacher k (0-based) of K: the spec {@code teacher.model} from seed S + k (S + 100 + k when it
 *       is the student's spec, so that no teacher shares the student's initialisation), trained
 *       exactly as {@code fivefold train --model M --epochs E --seed S+k} would (Adam, cosine with
 *       100 warm-up steps, batch order from the same seed), regularised ({@link
 *       ImageClassifier#regularised}) from seed S + k + 11; K &gt; 1 makes an {@link Ensemble}.
 *   <li>Every student: initialisation from S, batch order from S + 1, jitter from S + 13, mixup from
 *       S + 17 (so the students that use them see the same inputs); Adam with a cosine decay over
 *       its epochs, no warm-up.
 * </ul>
 */
public final class DistillationExperiment {
  private DistillationExperiment() {}

  /** Where the teacher comes from. */
  public sealed interface Teacher permits Trained, Given {}

  /**
   * Teachers trained here: {@code members} nets of spec {@code model}, each {@code epochs} epochs,
   * with Hinton's regularisation (dropout only for an mlp; jitter in pixels for any).
   *
   * @param model the teacher's spec, an image classifier
   * @param members nets in the ensemble, &ge; 1
   * @param epochs training epochs of each, &ge; 1
   * @param inputDropout dropout on the input pixels, in [0, 1) (mlp only)
   * @param dropout dropout on the hidden units, in [0, 1) (mlp only)
   * @param jitter pixels the training images are shifted, in [0, 27]
   */
  public record Trained(String model, int members, int epochs, double inputDropout, double dropout, int jitter) implements Teacher {
    /**
     * Validates the teacher's settings.
     *
     * @throws IllegalArgumentException if the spec is not an image classifier, a count or rate is out of
     *     range, or dropout is asked of a model without it
     */
    public Trained {
      ImageClassifier probe = classifier(model);
      if (members < 1) throw new IllegalArgumentException("teacher members (" + members + ") must be >= 1");
      if (epochs < 1) throw new IllegalArgumentException("teacher epochs (" + epochs + ") must be >= 1");
      if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("teacher dropout (" + dropout + ") must be in [0, 1)");
      if (!(inputDropout >= 0 && inputDropout < 1)) throw new IllegalArgumentException("teacher input dropout (" + inputDropout + ") must be in [0, 1)");
      if (jitter < 0 || jitter > 27) throw new IllegalArgumentException("teacher jitter (" + jitter + ") must be in [0, 27] pixels");
      if ((dropout > 0 || inputDropout > 0) && !probe.takesDropout()) {
        throw new IllegalArgumentException("teacher dropout needs an mlp teacher, not " + model + " (jitter works for any)");
      }
    }

    boolean regularised() {
      return dropout > 0 || inputDropout > 0 || jitter > 0;
    }
  }

  /**
   * Trained teachers given (checkpoints): one, or an ensemble averaging their logits; {@code name} for the table.
   *
   * @param members the trained models, at least one; copied
   * @param name the teacher's name in the table
   */
  public record Given(List<Module> members, String name) implements Teacher {
    /**
     * Copies the members.
     *
     * @throws IllegalArgumentException if {@code members} is null or empty
     */
    public Given {
      if (members == null || members.isEmpty()) throw new IllegalArgumentException("a given teacher needs at least one model");
      members = List.copyOf(members);
    }
  }

  /** Which students to train. */
  public enum Student {
    /** Trained alone on the labels. */
    ALONE,
    /** Trained alone on the labels of jittered images. */
    ALONE_JITTER,
    /** Trained alone on the labels of mixup'ed images. */
    ALONE_MIXUP,
    /** Trained on the teacher's outputs mixed with the labels, one per temperature. */
    DISTILLED
  }

  /**
   * The experiment's settings, validated on construction.
   *
   * @param teacher trained here or given; not used without {@link Student#DISTILLED}
   * @param student the student's spec (an image classifier, e.g. mlp:784-800-800-10)
   * @param students which students, in table order
   * @param epochs epochs of each student, &ge; 1
   * @param temperatures one distilled student each, each &gt; 0 (only the first with {@code match} LOGITS, which has no T)
   * @param alpha weight of the soft term in [0, 1]
   * @param match what the distilled student matches: softened probabilities or logits
   * @param studentJitter pixels the students' images are shifted, in [0, 27]
   * @param mixup Beta(A, A) of the students' mixup, &ge; 0 and finite (0 = off)
   * @param lr Adam learning rate of every training run, &gt; 0
   * @param batch batch size, &ge; 1
   * @param trainSamples the students see the first N training images only (0 = all)
   * @param labelled only the first N training images keep their labels (0 = all); not with jitter or mixup
   * @param seed S, the seed every other seed derives from
   */
  public record Config(Teacher teacher, String student, List<Student> students, int epochs, List<Double> temperatures, double alpha,
      Distillation.Match match, int studentJitter, double mixup, double lr, int batch, int trainSamples, int labelled, long seed) {
    /**
     * Validates the settings and copies the lists.
     *
     * @throws IllegalArgumentException if a value is out of its range, the students are empty, a distilled
     *     student lacks a teacher, or a student's input setting is missing or conflicts with {@code labelled}
     */
    public Config {
      classifier(student);
      students = List.copyOf(students);
      temperatures = List.copyOf(temperatures);
      if (students.isEmpty()) throw new IllegalArgumentException("students must name at least one");
      if (students.contains(Student.DISTILLED) && teacher == null) throw new IllegalArgumentException("a distilled student needs a teacher");
      if (epochs < 1) throw new IllegalArgumentException("epochs (" + epochs + ") must be >= 1");
      for (double t : temperatures) if (!(t > 0)) throw new IllegalArgumentException("temperature (" + t + ") must be > 0");
      if (!(alpha >= 0 && alpha <= 1)) throw new IllegalArgumentException("alpha (" + alpha + ") must be in [0, 1]");
      if (match == null) throw new IllegalArgumentException("match must not be null");
      if (studentJitter < 0 || studentJitter > 27) throw new IllegalArgumentException("studentJitter (" + studentJitter + ") must be in [0, 27] pixels");
      if (!(mixup >= 0 && mixup < Double.POSITIVE_INFINITY)) throw new IllegalArgumentException("mixup (" + mixup + ") must be >= 0 and finite");
      if (!(lr > 0)) throw new IllegalArgumentException("lr (" + lr + ") must be > 0");
      if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
      if (trainSamples < 0) throw new IllegalArgumentException("trainSamples (" + trainSamples + ") must be >= 0");
      if (labelled < 0) throw new IllegalArgumentException("labelled (" + labelled + ") must be >= 0");
      if (labelled > 0 && trainSamples > 0 && labelled > trainSamples) {
        throw new IllegalArgumentException("labelled (" + labelled + ") must be at most trainSamples (" + trainSamples + ")");
      }
      if (labelled > 0 && (studentJitter > 0 || mixup > 0)) throw new IllegalArgumentException("labelled works with plain transfer images, not with studentJitter or mixup");
      if (students.contains(Student.ALONE_JITTER) && studentJitter == 0) throw new IllegalArgumentException("the student alone-jitter needs studentJitter > 0");
      if (students.contains(Student.ALONE_MIXUP) && mixup == 0) throw new IllegalArgumentException("the student alone-mixup needs mixup > 0");
    }

    /**
     * The default students: alone, then alone-mixup if mixup &gt; 0 or else alone-jitter if studentJitter &gt; 0, then distilled.
     *
     * @param studentJitter the students' jitter in pixels
     * @param mixup the students' mixup parameter
     * @return the students to train
     */
    public static List<Student> defaultStudents(int studentJitter, double mixup) {
      return mixup > 0 ? List.of(Student.ALONE, Student.ALONE_MIXUP, Student.DISTILLED)
          : studentJitter > 0 ? List.of(Student.ALONE, Student.ALONE_JITTER, Student.DISTILLED) : List.of(Student.ALONE, Student.DISTILLED);
    }
  }

  /**
   * One trained (or given) model's row: final test error in percent and the test error after each epoch ({epoch, error %}).
   *
   * @param name the row's label
   * @param spec the model's spec and its training settings
   * @param parameters the model's parameter count
   * @param error the final test error, in percent
   * @param testSize the test images scored
   * @param curve per epoch {epoch, test error %}; empty for a given teacher
   */
  public record Row(String name, String spec, long parameters, double error, int testSize, List<double[]> curve) {}

  /**
   * The rows (teacher members if several, the teacher, the students in order), the labelled
   * training set's size, the transfer set's if larger than that (else 0), the wall time, and the
   * teachers trained here (each the plain model, to be saved), with their specs.
   *
   * @param rows the rows
   * @param trainSize the labelled training images
   * @param transferSize the transfer images, or 0 when they are the labelled ones
   * @param seconds wall time of the run
   * @param trainedTeachers the teachers trained here, plain models
   */
  public record Result(List<Row> rows, int trainSize, int transferSize, double seconds, List<Module> trainedTeachers) {
    /** Copies the lists. */
    public Result {
      rows = List.copyOf(rows);
      trainedTeachers = List.copyOf(trainedTeachers);
    }

    /**
     * The row named {@code name}, or null.
     *
     * @param name the row's label
     * @return the row
     */
    public Row row(String name) {
      return rows.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
    }

    /**
     * (alone − distilled) / (alone − teacher) of test errors; NaN when the teacher is not better than the student alone.
     *
     * @param teacher the teacher's test error
     * @param alone the student alone's test error
     * @param distilled the distilled student's test error
     * @return the fraction of the gap closed
     */
    public static double gapClosed(double teacher, double alone, double distilled) {
      double gap = alone - teacher;
      return gap > 0 ? (alone - distilled) / gap : Double.NaN;
    }
  }

  private static ImageClassifier classifier(String spec) {
    if (Models.create(spec, 0) instanceof ImageClassifier c) return c;
    throw new IllegalArgumentException("model (" + spec + ") is not an image classifier");
  }

  /**
   * Runs the experiment on {@code train} and {@code test} images ([N, 1, 28, 28] with jitter);
   * progress lines go to {@code log}.
   *
   * @param c the settings
   * @param train the training images
   * @param test the test images
   * @param log receives the progress lines
   * @return the rows and the trained teachers
   * @throws IllegalArgumentException if {@code labelled} exceeds the training images
   */
  public static Result run(Config c, Dataset train, Dataset test, Consumer<String> log) {
    boolean runDistilled = c.students().contains(Student.DISTILLED);
    Dataset transfer = c.trainSamples() > 0 ? train.take(c.trainSamples()) : train;
    if (c.labelled() > transfer.size()) throw new IllegalArgumentException("labelled (" + c.labelled() + ") must be at most the " + transfer.size() + " training images");
    Dataset labels = c.labelled() > 0 ? transfer.take(c.labelled()) : transfer; // what the teacher and the students alone learn from
    Dataset teacherData = c.labelled() > 0 ? labels : train;
    List<Row> rows = new ArrayList<>();
    List<Module> trained = new ArrayList<>();
    long t0 = System.nanoTime();
    Module teacher = null;
    String teacherName = null;
    List<double[]> teacherCurve = new ArrayList<>();
    if (runDistilled && c.teacher() instanceof Given g) {
      teacher = g.members().size() == 1 ? g.members().getFirst() : new Ensemble(g.members());
      teacherName = g.name();
    } else if (runDistilled && c.teacher() instanceof Trained t) {
      for (int k = 0; k < t.members(); k++) {
        long seed = c.seed() + (t.model().equals(c.student()) ? 100 : 0) + k;
        Module m = Models.create(t.model(), seed);
        Module regularised = !t.regularised() ? m : ((ImageClassifier) m).regularised(t.inputDropout(), t.dropout(), t.jitter(), seed + 11);
        String name = t.members() == 1 ? "teacher" : "teacher " + (k + 1);
        // as ./fivefold train does: model and batch order from the same seed, cosine with 100 warm-up steps
        List<double[]> curve = train(c, name, new ClassificationTask(regularised, teacherData, test, c.batch(), seed), t.epochs(), 100, log);
        m.eval();
        trained.add(m);
        if (t.members() > 1) rows.add(new Row(name, t.model() + " seed " + seed, m.parameterCount(), curve.getLast()[1], test.size(), curve));
        else teacherCurve = curve;
      }
      teacher = trained.size() == 1 ? trained.getFirst() : new Ensemble(trained);
      teacherName = (trained.size() == 1 ? "" : "ensemble of " + trained.size() + " x ") + t.model()
          + (!t.regularised() ? "" : t.dropout() > 0 || t.inputDropout() > 0
              ? String.format(Locale.ROOT, " dropout %s/%s jitter %d", t.inputDropout(), t.dropout(), t.jitter())
              : " jitter " + t.jitter());
      log.accept(String.format(Locale.ROOT, "teacher %s trained: %.1f s", teacherName, (System.nanoTime() - t0) / 1e9));
    }
    if (runDistilled) {
      double eT = 100 * error(ClassificationTask.evaluate(teacher, test, 1000));
      rows.add(new Row("teacher", teacherName, teacher.parameterCount(), eT, test.size(), teacherCurve));
    }
    String inputs = (c.studentJitter() > 0 ? " jitter " + c.studentJitter() : "") + (c.mixup() > 0 ? " mixup " + c.mixup() : "");
    String spec = c.student();
    if (c.students().contains(Student.ALONE)) rows.add(student(c, "student alone", spec, labels, test, null, null, 0, 0, log));
    if (c.students().contains(Student.ALONE_JITTER)) {
      rows.add(student(c, "student alone + jitter", spec + " jitter " + c.studentJitter(), labels, test, null, null, c.studentJitter(), 0, log));
    }
    if (c.students().contains(Student.ALONE_MIXUP)) {
      rows.add(student(c, "student alone + mixup", spec + inputs, labels, test, null, null, c.studentJitter(), c.mixup(), log));
    }
    for (double t : runDistilled ? c.temperatures() : List.<Double>of()) {
      boolean logits = c.match() == Distillation.Match.LOGITS;
      String s = spec + (logits ? " logits" : " T=" + t) + " alpha=" + c.alpha() + inputs;
      if (c.labelled() > 0) s += " transfer " + transfer.size();
      String name = logits ? "distilled logits" : "distilled T=" + String.format(Locale.ROOT, "%.2f", t);
      rows.add(student(c, name, s, transfer, test, teacher, new Distillation(t, c.alpha(), c.match()), c.studentJitter(), c.mixup(), log));
      if (logits) break; // T is not used
    }
    return new Result(rows, labels.size(), c.labelled() > 0 ? transfer.size() : 0, (System.nanoTime() - t0) / 1e9, trained);
  }

  /**
   * A student from the same initialisation (seed) and batch order (seed + 1) as every other student;
   * jitter from seed + 13 and mixup from seed + 17, so that the students that use them see the same inputs.
   */
  private static Row student(Config c, String name, String spec, Dataset train, Dataset test, Module teacher, Distillation dist, int jitter,
      double mix, Consumer<String> log) {
    Module m = Models.create(c.student(), c.seed());
    Mixup blend = mix > 0 ? new Mixup(mix, new Rng(c.seed() + 17)) : null;
    Task task;
    if (dist != null) {
      RandomShift shift = jitter > 0 ? RandomShift.mnist(jitter, new Rng(c.seed() + 13)) : null;
      task = new DistillationTask(m, teacher, dist, train, test, c.batch(), c.seed() + 1, shift, blend, c.labelled() > 0 ? c.labelled() : train.size());
    } else {
      Module trained = jitter == 0 ? m : ((ImageClassifier) m).regularised(0, 0, jitter, c.seed() + 13);
      task = blend != null ? new MixupTask(trained, train, test, c.batch(), c.seed() + 1, blend)
          : new ClassificationTask(trained, train, test, c.batch(), c.seed() + 1);
    }
    List<double[]> curve = train(c, name, task, c.epochs(), 0, log);
    return new Row(name, spec, m.parameterCount(), curve.getLast()[1], test.size(), curve);
  }

  /** Adam at the config's rate with a cosine schedule ({@code warmup} steps, or none); the test error (%) after each epoch. */
  private static List<double[]> train(Config c, String name, Task task, int epochs, long warmup, Consumer<String> log) {
    long t0 = System.nanoTime();
    double lr = c.lr();
    Optimizer opt = Optimizers.adam(task.model().parameters(), lr);
    Trainer tr = new Trainer(task, opt, TrainConfig.epochs(epochs));
    tr.controller(Controller.open(warmup == 0 ? Schedules.cosine(lr, epochs * task.stepsPerEpoch(), 0) : Schedules.byName("cosine", lr, warmup, 0.0)));
    List<double[]> curve = new ArrayList<>();
    tr.observe(new TrainObserver() {
      @Override
      public void onEval(Eval e) {
        double err = 100 * error(e.metrics());
        double epoch = e.step() / (double) task.stepsPerEpoch();
        if (!curve.isEmpty() && curve.getLast()[0] == epoch) curve.removeLast(); // the final eval repeats the last epoch's
        curve.add(new double[] {epoch, err});
        log.accept(String.format(Locale.ROOT, "%s epoch %.0f: test error %.2f%%", name, epoch, err));
      }
    });
    tr.fit();
    log.accept(String.format(Locale.ROOT, "%s: test error %.2f%% (%.1f s)", name, curve.getLast()[1], (System.nanoTime() - t0) / 1e9));
    return curve;
  }

  private static double error(Map<String, Double> metrics) {
    return 1 - metrics.get("accuracy");
  }
}
