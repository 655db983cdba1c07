package dev.fivefold.control;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reduce-on-plateau (PyTorch ReduceLROnPlateau, mode "min", relative threshold) on the smoothed
 * training loss, step by step, optionally after a linear warm-up.
 *
 * <p>During warm-up (t &lt; w): η = η₀·(t+1)/w and the loss is not watched. Afterwards, a step
 * improves when L̄ &lt; best·(1 - threshold); after more than {@code patience} steps without
 * improvement η ← max(η·factor, η_min), the counter resets and {@code cooldown} steps pass before
 * counting again. A NaN smoothed loss (no step yet) changes nothing.
 * PyTorch's defaults are factor 0.1, patience 10 (epochs), threshold 1e-4, cooldown 0, η_min 0;
 * watched per step on a noisy training loss, patience should be hundreds of steps.
 */
public final class ReduceOnPlateau implements Controller {
  private final double initial, factor, threshold, minLr;
  private final long warmup, patience, cooldown;
  private double lr, best = Double.POSITIVE_INFINITY;
  private long bad, cooldownLeft, reductions;

  /**
   * Reduce-on-plateau (see the class comment).
   *
   * @param lr the initial rate η₀, positive and finite
   * @param warmup the warm-up steps w; 0 for none
   * @param patience the steps without improvement tolerated, non-negative
   * @param factor the factor applied at each reduction, in (0, 1)
   * @param threshold the relative improvement that counts, in [0, 1)
   * @param cooldown the steps after a reduction before counting again, non-negative
   * @param minLr the floor η_min, in [0, η₀]
   * @throws IllegalArgumentException if an argument is out of range
   */
  public ReduceOnPlateau(double lr, long warmup, long patience, double factor, double threshold, long cooldown, double minLr) {
    Schedules.check("learning rate", lr);
    Schedules.checkSteps("warmup", warmup, 0);
    Schedules.checkSteps("patience", patience, 0);
    if (!(factor > 0 && factor < 1)) throw new IllegalArgumentException("factor (" + factor + ") must be in (0, 1)");
    if (!(threshold >= 0 && threshold < 1)) throw new IllegalArgumentException("threshold (" + threshold + ") must be in [0, 1)");
    Schedules.checkSteps("cooldown", cooldown, 0);
    if (!(minLr >= 0 && minLr <= lr)) throw new IllegalArgumentException("min learning rate (" + minLr + ") must be in [0, " + lr + "]");
    this.initial = lr;
    this.lr = lr;
    this.warmup = warmup;
    this.patience = patience;
    this.factor = factor;
    this.threshold = threshold;
    this.cooldown = cooldown;
    this.minLr = minLr;
  }

  /**
   * Patience 200 steps, factor 0.5, threshold 1e-3, cooldown 50, η_min = η/1000, no warm-up.
   *
   * @param lr the initial rate η₀
   * @return the controller
   */
  public static ReduceOnPlateau defaults(double lr) {
    return new ReduceOnPlateau(lr, 0, 200, 0.5, 1e-3, 50, lr / 1000);
  }

  /**
   * Patience relative to the run: 10% of {@code runSteps} (at least 20), cooldown 5%, factor 0.5,
   * threshold 1e-3, η_min = η/1000, no warm-up. A fixed patience of hundreds of steps never acts in
   * a run of a thousand.
   *
   * @param lr the initial rate η₀
   * @param runSteps the planned steps of the run
   * @return the controller
   */
  public static ReduceOnPlateau forRun(double lr, long runSteps) {
    long p = Math.max(20, runSteps / 10);
    return new ReduceOnPlateau(lr, 0, p, 0.5, 1e-3, p / 2, lr / 1000);
  }

  @Override
  public double next(Signals s) {
    if (s.step() < warmup) return initial * (s.step() + 1) / warmup;
    if (s.step() == warmup || Double.isNaN(s.smoothedLoss())) return lr; // the first loss after warm-up
    double l = s.smoothedLoss();
    if (l < best * (1 - threshold)) {
      best = l;
      bad = 0;
    } else {
      bad++;
    }
    if (cooldownLeft > 0) {
      cooldownLeft--;
      bad = 0;
    }
    if (bad > patience) {
      lr = Math.max(lr * factor, minLr);
      reductions++;
      cooldownLeft = cooldown;
      bad = 0;
    }
    return lr;
  }

  /** {@return the number of reductions so far} */
  public long reductions() {
    return reductions;
  }

  @Override
  public Map<String, String> saveState() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("plateau.lr", Double.toString(lr));
    m.put("plateau.best", Double.toString(best));
    m.put("plateau.bad", Long.toString(bad));
    m.put("plateau.cooldown", Long.toString(cooldownLeft));
    m.put("plateau.reductions", Long.toString(reductions));
    return m;
  }

  @Override
  public void loadState(Map<String, String> st, String source) {
    lr = Controller.read(st, "plateau.lr", source);
    best = Controller.read(st, "plateau.best", source);
    bad = (long) Controller.read(st, "plateau.bad", source);
    cooldownLeft = (long) Controller.read(st, "plateau.cooldown", source);
    reductions = (long) Controller.read(st, "plateau.reductions", source);
  }
}
