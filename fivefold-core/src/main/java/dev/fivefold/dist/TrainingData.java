package dev.fivefold.dist;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.Batches;
import dev.fivefold.data.Dataset;
import dev.fivefold.data.TextCorpus;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.LanguageModel;
import dev.fivefold.tensor.Rng;

/**
 * What N data-parallel workers train on: n units dealt among them ({@link Shards}), each worker
 * drawing its {@link Minibatches} from its own shard with its own seed
 * ({@link Worker#batchSeed}).
 *
 * <ul>
 *   <li>{@link Images}: the units are the samples of a classification set; a worker's batches are
 *       its shard's samples, reshuffled every epoch; the loss is the cross-entropy of the labels.</li>
 *   <li>{@link Text}: the units are the non-overlapping windows of {@code context + 1} tokens of the
 *       training part of a text (window k starts at token k·context); a worker draws each batch's
 *       windows uniformly, with replacement, from its shard; the loss is the mean next-token
 *       cross-entropy over the batch's B·T positions (a {@link LanguageModel}'s, e.g. the GPT).</li>
 * </ul>
 */
public sealed interface TrainingData permits TrainingData.Images, TrainingData.Text {
  /** {@return the number of units (samples or windows) to deal among the workers} */
  int size();

  /**
   * The batches of worker {@code w} in a run seeded {@code seed}.
   *
   * @param shard the worker's unit indices ({@code Shards.deal(size(), N, seed)[w]}), not empty
   * @param batch units per batch, &ge; 1
   * @param seed the run's seed
   * @param w the worker's index
   * @return its minibatches
   */
  Minibatches minibatches(int[] shard, int batch, long seed, int w);

  /**
   * Image samples and their labels.
   *
   * @param train the training set
   */
  record Images(Dataset train) implements TrainingData {
    @Override
    public int size() {
      return train.size();
    }

    @Override
    public Minibatches minibatches(int[] shard, int batch, long seed, int w) {
      return of(train.subset(shard), batch, seed, w);
    }

    /** Worker {@code w}'s batches of its shard {@code data} (shuffled every epoch, the last partial batch kept). */
    static Minibatches of(Dataset data, int batch, long seed, int w) {
      if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
      if (data.size() < 1) throw new IllegalArgumentException("worker " + w + " has an empty shard");
      Batches batches = new Batches(data, batch, true, new Rng(Worker.batchSeed(seed, w)));
      return new Minibatches() {
        @Override
        public Var nextLoss(Module model, Tape tape) {
          Batches.Batch b = batches.next();
          return F.crossEntropy(model.forward(tape.input(b.x())), b.y());
        }

        @Override
        public String position() {
          Batches.State s = batches.state();
          return s.epoch() + "," + s.position() + "," + s.rngState();
        }

        @Override
        public void restore(String position) {
          String[] b = position.split(",");
          batches.restore(new Batches.State(Integer.parseInt(b[0]), Integer.parseInt(b[1]), Long.parseLong(b[2])));
        }
      };
    }
  }

  /**
   * A byte-level text for a language model.
   *
   * @param corpus the text; only its training part is read
   * @param context T, tokens per window, &ge; 1 (at most the model's context)
   */
  record Text(TextCorpus corpus, int context) implements TrainingData {
    /**
     * Checks the arguments.
     *
     * @throws IllegalArgumentException if {@code corpus} is null or {@code context} is below 1
     */
    public Text {
      if (corpus == null) throw new IllegalArgumentException("corpus must be given");
      if (context < 1) throw new IllegalArgumentException("context (" + context + ") must be >= 1");
      if (corpus.trainSize() < context + 1) {
        throw new IllegalArgumentException("context (" + context + ") needs at least " + (context + 1) + " training tokens, " + corpus.name() + " has "
            + corpus.trainSize());
      }
    }

    /** ⌊(training tokens − 1) / T⌋ windows. */
    @Override
    public int size() {
      return (corpus.trainSize() - 1) / context;
    }

    @Override
    public Windows minibatches(int[] shard, int batch, long seed, int w) {
      return new Windows(this, shard, batch, new Rng(Worker.batchSeed(seed, w)));
    }
  }

  /**
   * A worker's token windows: B windows of its shard per batch, drawn uniformly with replacement;
   * inputs are tokens [s, s + T) and targets [s + 1, s + T + 1) of window start s = k·T.
   */
  final class Windows implements Minibatches {
    private final Text text;
    private final int[] shard;
    private final int batch;
    private final Rng rng;
    private final int[] inputs, targets;

    Windows(Text text, int[] shard, int batch, Rng rng) {
      if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
      if (shard.length < 1) throw new IllegalArgumentException("shard must not be empty");
      this.text = text;
      this.shard = shard.clone();
      this.batch = batch;
      this.rng = rng;
      this.inputs = new int[batch * text.context()];
      this.targets = new int[batch * text.context()];
    }

    /** Fills the next batch into {@link #inputs()} and {@link #targets()} ([B, T] row-major, reused). */
    public void next() {
      int t = text.context();
      for (int b = 0; b < batch; b++) {
        int s = shard[rng.nextInt(shard.length)] * t;
        for (int i = 0; i < t; i++) {
          inputs[b * t + i] = text.corpus().token(s + i);
          targets[b * t + i] = text.corpus().token(s + i + 1);
        }
      }
    }

    /** {@return the last batch's input tokens} */
    public int[] inputs() {
      return inputs;
    }

    /** {@return the last batch's target tokens} */
    public int[] targets() {
      return targets;
    }

    /** {@return B, windows per batch} */
    public int batch() {
      return batch;
    }

    @Override
    public Var nextLoss(Module model, Tape tape) {
      if (!(model instanceof LanguageModel lm)) throw new IllegalArgumentException("a text needs a language model (gpt), not " + model.getClass().getSimpleName());
      next();
      return F.crossEntropy(lm.forward(tape, inputs, batch, text.context()), targets);
    }

    @Override
    public String position() {
      return Long.toString(rng.state());
    }

    @Override
    public void restore(String position) {
      rng.setState(Long.parseLong(position));
    }
  }
}
