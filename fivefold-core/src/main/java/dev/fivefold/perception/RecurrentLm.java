package dev.fivefold.perception;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.io.Heap;
import dev.fivefold.nn.Embedding;
import dev.fivefold.nn.Gru;
import dev.fivefold.nn.Linear;
import dev.fivefold.nn.Lstm;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * A recurrent character language model: embed (Embedding V×H, N(0, 0.1)) → rnn ({@link Lstm} or
 * {@link Gru}, L layers of width H, PyTorch's names {@code rnn.weight_ih_l0} …) → head (Linear(H, V)
 * with bias). Logits [B, T, V] for tokens [B, T].
 *
 * <p>Unlike a GPT it has no hard context: {@link #context()} is the chunk length T of truncated
 * back-propagation through time. {@link #forward(Tape, int[], int, int)} starts from a zero state;
 * {@link #forward(Tape, int[], int, int, Carry)} starts from a {@link Carry}, the detached final state
 * of the previous chunk of each batch row, and leaves this chunk's final state in it.
 */
public final class RecurrentLm extends Module implements LanguageModel {
  private final Spec spec;
  private final Embedding embed;
  private final Lstm lstm;
  private final Gru gru;
  private final Linear head;

  /**
   * {@code lstm:vocab=V,context=T,layers=L,width=H} or {@code gru:…} (only vocab required; defaults
   * 2 layers of width 256, context 128: 1.1M parameters for the LSTM at V = 75).
   *
   * @param cell "lstm" or "gru"
   * @param vocab token alphabet size (≥ 2)
   * @param context chunk length T of truncated BPTT (≥ 1)
   * @param layers recurrent layers (≥ 1)
   * @param width hidden width H, also the embedding width (≥ 1)
   */
  public record Spec(String cell, int vocab, int context, int layers, int width) implements ModelSpec {
    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if the cell is not lstm or gru, or a size is out of range
     */
    public Spec {
      if (!"lstm".equals(cell) && !"gru".equals(cell)) throw new IllegalArgumentException("cell (" + cell + ") must be lstm or gru");
      if (vocab < 2) throw new IllegalArgumentException("vocab (" + vocab + ") must be >= 2");
      if (context < 1) throw new IllegalArgumentException("context (" + context + ") must be >= 1");
      if (layers < 1) throw new IllegalArgumentException("layers (" + layers + ") must be >= 1");
      if (width < 1) throw new IllegalArgumentException("width (" + width + ") must be >= 1");
    }

    /**
     * Parses what follows {@code lstm:} or {@code gru:}; {@code spec} names the whole string in errors.
     *
     * @param cell "lstm" or "gru", the family
     * @param spec the whole spec string, for messages
     * @param args the key=value pairs after the colon
     * @return the architecture
     * @throws IllegalArgumentException if {@code vocab} is missing, a key is unknown or a value is invalid
     */
    public static Spec parse(String cell, String spec, String args) {
      Map<String, String> kv = KeyValueSpec.pairs(spec, args, cell, List.of("vocab", "context", "layers", "width"));
      int vocab = KeyValueSpec.intOf(kv, "vocab", -1, spec);
      if (vocab < 0) throw new IllegalArgumentException("model spec (" + spec + ") needs vocab=N");
      return new Spec(cell, vocab, KeyValueSpec.intOf(kv, "context", 128, spec), KeyValueSpec.intOf(kv, "layers", 2, spec),
          KeyValueSpec.intOf(kv, "width", 256, spec));
    }

    private int gates() {
      return cell.equals("lstm") ? 4 : 3;
    }

    /** V·H embedding + L·G·H·(2H + 2) recurrent (G = 4 gates for the LSTM, 3 for the GRU) + H·V + V head. */
    @Override
    public long parameters() {
      long rnn = Heap.times(layers, Heap.times(gates(), width, Heap.plus(Heap.times(2, width), 2)));
      return Heap.plus(Heap.plus(Heap.times(vocab, width), rnn), Heap.plus(Heap.times(width, vocab), vocab));
    }

    /** Per sequence of T tokens: L·(G + 2)·T·H (gates, states, slices) + T·H embedding + 3·T·V logits. */
    @Override
    public long activationsPerSample() {
      return Heap.plus(Heap.times(layers, gates() + 2, context, width), Heap.plus(Heap.times(context, width), Heap.times(3, context, vocab)));
    }

    @Override
    public String family() {
      return cell;
    }

    @Override
    public RecurrentLm build(long seed) {
      return new RecurrentLm(this, seed);
    }

    @Override
    public String toString() {
      return cell + ":vocab=" + vocab + ",context=" + context + ",layers=" + layers + ",width=" + width;
    }
  }

  /**
   * The state carried from one chunk to the next, per batch row: h (and c for an LSTM) [L, B, H],
   * held as constants (detached: no gradient crosses a chunk boundary). Two buffers alternate, so
   * the state a chunk started from stays intact until the next chunk's forward (its backward reads it).
   */
  public static final class Carry {
    private final int layers, rows, width;
    private final boolean cell;
    private final float[][] h = new float[2][], c = new float[2][];
    private int cur;

    Carry(int layers, int rows, int width, boolean cell) {
      this.layers = layers;
      this.rows = rows;
      this.width = width;
      this.cell = cell;
      int n = layers * rows * width;
      for (int i = 0; i < 2; i++) {
        h[i] = new float[n];
        c[i] = cell ? new float[n] : null;
      }
    }

    /**
     * Batch rows B.
     *
     * @return B, &ge; 1
     */
    public int rows() {
      return rows;
    }

    /** Zeroes every row's state (the start of a stream). */
    public void reset() {
      java.util.Arrays.fill(h[cur], 0f);
      if (cell) java.util.Arrays.fill(c[cur], 0f);
    }

    /**
     * The current state as one array: h, then c for an LSTM (for checkpoints).
     *
     * @return a new array of L·B·H floats (2·L·B·H for an LSTM)
     */
    public float[] save() {
      float[] out = new float[h[cur].length * (cell ? 2 : 1)];
      System.arraycopy(h[cur], 0, out, 0, h[cur].length);
      if (cell) System.arraycopy(c[cur], 0, out, h[cur].length, c[cur].length);
      return out;
    }

    /**
     * Restores {@link #save()}'s array; a wrong length is an IllegalArgumentException naming both.
     *
     * @param s an array from {@link #save()} of a state of the same shape
     */
    public void load(float[] s) {
      int n = h[cur].length * (cell ? 2 : 1);
      if (s.length != n) throw new IllegalArgumentException("carried state has " + s.length + " values, expected " + n);
      System.arraycopy(s, 0, h[cur], 0, h[cur].length);
      if (cell) System.arraycopy(s, h[cur].length, c[cur], 0, c[cur].length);
    }

    Shape shape() {
      return Shape.of(layers, rows, width);
    }
  }

  /**
   * A recurrent language model of shape {@code spec}, weights drawn from {@code new Rng(seed)}.
   *
   * @param spec the architecture
   * @param seed the weights' seed
   */
  public RecurrentLm(Spec spec, long seed) {
    this.spec = spec;
    Rng rng = new Rng(seed);
    embed = child("embed", new Embedding(spec.vocab(), spec.width(), 0.1f, rng));
    if (spec.cell().equals("lstm")) {
      lstm = child("rnn", new Lstm(spec.width(), spec.width(), spec.layers(), rng));
      gru = null;
    } else {
      gru = child("rnn", new Gru(spec.width(), spec.width(), spec.layers(), rng));
      lstm = null;
    }
    head = child("head", new Linear(spec.width(), spec.vocab(), rng));
  }

  @Override
  public Spec spec() {
    return spec;
  }

  @Override
  public int vocab() {
    return spec.vocab();
  }

  /** The chunk length of truncated back-propagation through time (no limit on what the model reads). */
  @Override
  public int context() {
    return spec.context();
  }

  /**
   * A zero carried state for {@code rows} batch rows.
   *
   * @param rows batch rows B, &ge; 1
   * @return a zero state of L layers × B rows × H
   * @throws IllegalArgumentException if {@code rows < 1}
   */
  public Carry carry(int rows) {
    if (rows < 1) throw new IllegalArgumentException("rows (" + rows + ") must be >= 1");
    return new Carry(spec.layers(), rows, spec.width(), lstm != null);
  }

  /** Logits [B, T, V] from a zero state. */
  @Override
  public Var forward(Tape tape, int[] tokens, int b, int t) {
    return forward(tape, tokens, b, t, null);
  }

  /**
   * Logits [B, T, V] for tokens [B·T] from the state in {@code carry} (null: zeros), whose rows must
   * be B; the chunk's final state replaces it.
   *
   * @param tape the tape to record on
   * @param tokens token ids in [0, V), at least B·T of them (row-major [B, T])
   * @param b batch rows B
   * @param t chunk length T, &ge; 1
   * @param carry the state to start from and to update, or null for zeros
   * @return the logits [B, T, V]
   * @throws IllegalArgumentException if B or T is below 1, there are too few tokens, or the carry's rows differ
   *     from B
   */
  public Var forward(Tape tape, int[] tokens, int b, int t, Carry carry) {
    if (b < 1 || t < 1) throw new IllegalArgumentException("batch (" + b + ") and length (" + t + ") must be >= 1");
    if (tokens.length < b * t) throw new IllegalArgumentException("tokens (" + tokens.length + ") fewer than B·T (" + b * t + ")");
    if (carry != null && carry.rows != b) throw new IllegalArgumentException("carried state has " + carry.rows + " rows, batch is " + b);
    Var x = embed.lookup(tape, tokens, b, t); // [B, T, H]
    Var y;
    int next = carry == null ? 0 : 1 - carry.cur;
    if (lstm != null) {
      Lstm.State init = carry == null ? null
          : new Lstm.State(tape.input(Tensor.wrap(carry.h[carry.cur], carry.shape())), tape.input(Tensor.wrap(carry.c[carry.cur], carry.shape())));
      Lstm.Result r = lstm.forward(x, init);
      y = r.output();
      if (carry != null) {
        System.arraycopy(r.state().h().data(), 0, carry.h[next], 0, carry.h[next].length);
        System.arraycopy(r.state().c().data(), 0, carry.c[next], 0, carry.c[next].length);
      }
    } else {
      Gru.Result r = gru.forward(x, carry == null ? null : tape.input(Tensor.wrap(carry.h[carry.cur], carry.shape())));
      y = r.output();
      if (carry != null) System.arraycopy(r.state().data(), 0, carry.h[next], 0, carry.h[next].length);
    }
    if (carry != null) carry.cur = next;
    return head.forward(y); // [B, T, V]
  }

  /** Not applicable: takes token ids; use {@link #forward(Tape, int[], int, int)}. */
  @Override
  public Var forward(Var x) {
    throw new UnsupportedOperationException("RecurrentLm takes token ids: use forward(tape, tokens, b, t)");
  }

  @Override
  protected Module blank() {
    return new RecurrentLm(spec, 0);
  }
}
