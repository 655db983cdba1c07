package dev.fivefold.compress;

import dev.fivefold.data.Dataset;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Mlp;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The lottery-ticket experiment (Frankle &amp; Carbin 2019) on LeNet-300-100: {@link LotteryTicket}'s
 * iterative magnitude pruning with rewinding for {@code rounds} rounds, and at every sparsity the
 * ticket against the same mask on a random re-initialisation ({@link LotteryTicket#randomReinit}
 * with the weights of seed + {@value #REINIT_SEED_OFFSET}).
 *
 * <p>Every run trains with Adam at {@code lr} for {@code epochs} epochs on the same batches (seed
 * {@code seed}), the pruned weights held at 0, and is scored by test accuracy. With {@code
 * rewindStep} &gt; 0 the network first trains that many steps and the rewind point is taken there
 * (late rewinding). Round 0 is the dense network: its ticket and control are the same run. After
 * round r (0-based) the ticket of round r + 1 has sparsity 1 − (1 − rate)^(r + 1).
 */
public final class LotteryExperiment {
  private LotteryExperiment() {}

  /** The random re-initialisation uses the weights of seed + this. */
  public static final long REINIT_SEED_OFFSET = 7919;

  /**
   * The experiment's settings, validated on construction.
   *
   * @param rounds prune-and-rewind rounds, ≥ 1 (rows 0..rounds are reported)
   * @param rate the fraction of the remaining weights pruned per round, in (0, 1)
   * @param scope per layer or global
   * @param epochs training epochs of every run, ≥ 1
   * @param rewindStep 0 = rewind to initialisation, else to the weights after this many steps
   * @param lr Adam's learning rate, &gt; 0
   * @param batch batch size, ≥ 1
   * @param seed initial weights and batch order
   */
  public record Config(int rounds, double rate, Pruner.Scope scope, int epochs, int rewindStep, double lr, int batch, long seed) {
    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if a count or the rate is outside its range, {@code scope} is null, or
     *     {@code lr} is not a finite positive number
     */
    public Config {
      if (rounds < 1) throw new IllegalArgumentException("rounds (" + rounds + ") must be >= 1");
      if (!(rate > 0 && rate < 1)) throw new IllegalArgumentException("rate (" + rate + ") must be in (0, 1)");
      if (scope == null) throw new IllegalArgumentException("scope must not be null");
      if (epochs < 1) throw new IllegalArgumentException("epochs (" + epochs + ") must be >= 1");
      if (rewindStep < 0) throw new IllegalArgumentException("rewindStep (" + rewindStep + ") must be >= 0");
      if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("lr (" + lr + ") must be > 0");
      if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
    }
  }

  /**
   * One sparsity level.
   *
   * @param round the round, 0 for the dense network
   * @param remaining the planned fraction of weights kept, (1 − rate)^round
   * @param sparsity the measured sparsity of the masks the ticket trained under
   * @param ticket the rewound ticket's test accuracy
   * @param random the same mask's test accuracy from the random re-initialisation
   */
  public record Round(int round, double remaining, double sparsity, double ticket, double random) {}

  /**
   * The rows 0..rounds and the final masks (sparsity 1 − (1 − rate)^rounds).
   *
   * @param rounds one row per round, 0..rounds
   * @param masks the final masks
   */
  public record Result(List<Round> rounds, Masks masks) {
    /** Copies {@code rounds}. */
    public Result {
      rounds = List.copyOf(rounds);
    }
  }


  /**
   * Runs the rounds; {@code listener} is told of each row as it is known.
   *
   * @param train the training set
   * @param test the test set the accuracies are measured on
   * @param cfg the settings
   * @param listener receives each row as it is measured
   * @return the rows and the final masks
   */
  public static Result run(Dataset train, Dataset test, Config cfg, Consumer<Round> listener) {
    Mlp m = Mlp.lenet300100(cfg.seed());
    LotteryTicket lt = new LotteryTicket(m, cfg.rate(), cfg.scope());
    if (cfg.rewindStep() > 0) {
      train(m, train, test, lt.masks(), 1, cfg.rewindStep(), cfg);
      lt.snapshot();
    }
    Map<String, Tensor> randomInit = Mlp.lenet300100(cfg.seed() + REINIT_SEED_OFFSET).stateDict();
    List<Round> rows = new ArrayList<>();
    double[] acc = new double[1];
    LotteryTicket.Training training = masks -> acc[0] = train(m, train, test, masks, cfg.epochs(), 0, cfg);
    for (int r = 0; r <= cfg.rounds(); r++) {
      double remaining = 1 - lt.sparsityAfter(r);
      double ra = Double.NaN;
      if (r > 0) { // the control first: the same mask from a random initialisation
        Map<String, Tensor> rewound = m.stateDict();
        lt.randomReinit(randomInit);
        ra = train(m, train, test, lt.masks(), cfg.epochs(), 0, cfg);
        m.loadStateDict(rewound, "rewound ticket");
        lt.masks().apply();
      }
      double sparsity = lt.masks().sparsity();
      double ta;
      if (r < cfg.rounds()) {
        lt.round(training); // trains the current ticket (acc[0]), prunes, rewinds
        ta = acc[0];
      } else {
        ta = train(m, train, test, lt.masks(), cfg.epochs(), 0, cfg);
      }
      if (r == 0) ra = ta; // the dense network: the ticket and the control are the same run
      Round row = new Round(r, remaining, sparsity, ta, ra);
      rows.add(row);
      listener.accept(row);
    }
    return new Result(rows, lt.masks());
  }

  /** Trains under the masks (pruned weights held at 0) with Adam, the same batches every call; returns test accuracy. */
  private static double train(Mlp m, Dataset train, Dataset test, Masks masks, int epochs, long maxSteps, Config cfg) {
    m.train();
    Trainer t = new Trainer(new ClassificationTask(m, train, test, cfg.batch(), cfg.seed()), Optimizers.adam(m.parameters(), cfg.lr()),
        new TrainConfig(epochs, maxSteps, 0, Long.MAX_VALUE));
    t.observe(masks.observer());
    masks.apply();
    t.fit();
    masks.apply();
    m.eval();
    return ClassificationTask.evaluate(m, test, 1000).get("accuracy");
  }
}
