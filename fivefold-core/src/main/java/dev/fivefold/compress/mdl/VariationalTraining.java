package dev.fivefold.compress.mdl;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.Batches;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.tensor.Rng;
import dev.fivefold.train.ClassificationTask;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Variational training of a classifier's weights (Molchanov, Ashukha &amp; Vetrov 2017, §4): maximise
 * the evidence lower bound
 * <pre>
 *   ELBO = N·E_q[log p(y|x, w)] − β_t·KL(q(w) ‖ p(w)),   β_t = klWeight·min(1, t / warm-up steps)
 * </pre>
 * per sample, i.e. minimise the mean cross-entropy of a minibatch (one sample of every
 * pre-activation by {@link VariationalLayer#sample}) plus β_t·KL/N, with N the training set's size.
 * The KL's gradient is {@link VariationalNet#addKlGradient} (exact, closed form) and the rest is the
 * tape's. Adam (lr) on θ and the biases, a second Adam on every log σ² (lr) or log α (lr ×
 * {@link #STRUCTURED_LR_SCALE}: Adam moves a parameter by about lr per step, and a group's log α must
 * travel from {@link VariationalLayer#INIT_LOG_ALPHA} past the threshold, ~7 units, which at lr 10⁻³
 * would take 15 epochs of LeNet-300-100 where a weight's log α also moves through log θ²); the batches are shuffled by {@code seed}
 * and the noise is drawn from a generator of its own ({@code seed + 1}), so a run is reproducible.
 * The linear warm-up of β (Sønderby et al. 2016) lets the weights fit the data before the prior pulls.
 */
public final class VariationalTraining {
  private VariationalTraining() {}

  /** The factor on the learning rate of the structured posterior's log α. */
  public static final double STRUCTURED_LR_SCALE = 10;

  /**
   * The training's settings, validated on construction.
   *
   * @param epochs epochs of variational training, &gt; 0
   * @param lr Adam learning rate, &gt; 0 (Molchanov et al.: 10⁻³)
   * @param batch batch size, ≥ 1
   * @param klWeight the final β, in (0, 100]; 1 is the true ELBO, larger prunes more
   * @param klWarmup epochs over which β grows linearly from 0, ≥ 0 (0: β from the first step)
   * @param structured one log α per output neuron / filter instead of per weight
   * @param seed batch order and noise
   */
  public record Config(double epochs, double lr, int batch, double klWeight, double klWarmup, boolean structured, long seed) {
    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if {@code epochs} or {@code lr} is not finite and &gt; 0,
     *     {@code batch} &lt; 1, {@code klWeight} is outside (0, 100], or {@code klWarmup} is negative or not
     *     finite
     */
    public Config {
      if (!(epochs > 0) || Double.isInfinite(epochs)) throw new IllegalArgumentException("epochs (" + epochs + ") must be > 0");
      if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("lr (" + lr + ") must be > 0");
      if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
      if (!(klWeight > 0 && klWeight <= 100)) throw new IllegalArgumentException("klWeight (" + klWeight + ") must be in (0, 100]");
      if (!(klWarmup >= 0) || Double.isInfinite(klWarmup)) throw new IllegalArgumentException("klWarmup (" + klWarmup + ") must be >= 0");
    }
  }

  /**
   * The trained variational view of {@code model} (its weights are the posterior means, changed in place).
   *
   * @param model the classifier (an mlp or a lenet5 without normalisation); trained in place
   * @param train the training set; its size is N
   * @param test the test set, scored once per epoch
   * @param cfg the settings
   * @param log receives one line per epoch
   * @return the trained view
   * @throws IllegalArgumentException if the model is not supported
   */
  public static VariationalNet run(Module model, Dataset train, Dataset test, Config cfg, Consumer<String> log) {
    VariationalNet net = VariationalNet.of(model, cfg.structured());
    java.util.List<dev.fivefold.nn.Parameter> logVars = new java.util.ArrayList<>();
    for (VariationalLayer l : net.layers()) logVars.addAll(l.variationalParameters());
    Optimizer opt = Optimizers.adam(model.parameters(), cfg.lr());
    Optimizer optVar = Optimizers.adam(logVars, cfg.lr() * (cfg.structured() ? STRUCTURED_LR_SCALE : 1));
    Batches batches = new Batches(train, cfg.batch(), true, new Rng(cfg.seed()));
    Rng noise = new Rng(cfg.seed() + 1);
    int perEpoch = batches.batchesPerEpoch();
    long steps = Math.max(1, Math.round(cfg.epochs() * perEpoch));
    double warm = cfg.klWarmup() * perEpoch;
    double n = train.size();
    Tape tape = Tape.training();
    model.train();
    double ceSum = 0;
    long seen = 0;
    for (long s = 0; s < steps; s++) {
      tape.reset();
      Batches.Batch b = batches.next();
      Var logits = net.forward(tape.input(b.x()), noise);
      Var loss = F.crossEntropy(logits, b.y());
      tape.backward(loss);
      double beta = cfg.klWeight() * (warm <= 0 ? 1 : Math.min(1, (s + 1) / warm));
      double kl = net.addKlGradient(beta / n);
      opt.step();
      optVar.step();
      ceSum += loss.item();
      seen++;
      if ((s + 1) % perEpoch == 0 || s + 1 == steps) {
        double acc = ClassificationTask.evaluate(model, test, 1000).get("accuracy");
        log.accept(String.format(Locale.ROOT, "variational epoch %.2f: cross-entropy %.4f, KL %.4g nats, beta %.3g, log-alpha > 3 %.2f%%, test accuracy (means) %.4f",
            (s + 1) / (double) perEpoch, ceSum / seen, kl, beta, 100 * prunedFraction(net, 3), acc));
        ceSum = 0;
        seen = 0;
      }
    }
    tape.reset();
    model.zeroGrad();
    model.eval();
    return net;
  }

  /** Fraction of all weights with log α above {@code threshold}. */
  static double prunedFraction(VariationalNet net, double threshold) {
    long p = 0, all = 0;
    for (VariationalLayer l : net.layers()) {
      for (boolean k : l.keep(threshold)) if (!k) p++;
      all += l.theta().size();
    }
    return all == 0 ? 0 : (double) p / all;
  }
}
