package dev.fivefold.spark;

import dev.fivefold.data.TextCorpus;
import dev.fivefold.dist.TrainingData;
import java.io.Serial;
import java.io.Serializable;

/**
 * A text to train a language model on, in a form Spark can ship (one broadcast: the token ids as
 * bytes, the vocabulary's symbols, the training size and the window length). Every barrier task
 * rebuilds the same {@link TrainingData.Text} from it ({@link TextCorpus#ofTokens}) and deals the
 * same shards of windows as the simulator, so a text run on Spark equals the simulator's bit for bit.
 */
final class TextData implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  private final String name;
  private final byte[] symbols;
  private final byte[] ids;
  private final int trainSize;
  private final int context;
  private transient TrainingData.Text text; // built once per JVM that holds the broadcast

  /** The text of {@code t}, to ship. */
  TextData(TrainingData.Text t) {
    TextCorpus c = t.corpus();
    this.name = c.name();
    this.symbols = c.vocab().symbols().clone();
    int[] all = c.tokens(0, c.size());
    this.ids = new byte[all.length];
    for (int i = 0; i < all.length; i++) ids[i] = (byte) all[i];
    this.trainSize = c.trainSize();
    this.context = t.context();
    this.text = t;
  }

  /** The training data, rebuilt on first use in this JVM. */
  synchronized TrainingData.Text data() {
    if (text == null) {
      int[] all = new int[ids.length];
      for (int i = 0; i < ids.length; i++) all[i] = ids[i] & 0xFF;
      text = new TrainingData.Text(TextCorpus.ofTokens(name, new TextCorpus.Vocab(symbols), all, trainSize), context);
    }
    return text;
  }
}
