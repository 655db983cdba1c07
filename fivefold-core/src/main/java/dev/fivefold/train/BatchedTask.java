package dev.fivefold.train;

import dev.fivefold.data.Batches;
import dev.fivefold.data.Dataset;
import dev.fivefold.io.BadInputException;
import dev.fivefold.tensor.Rng;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The part every mini-batch {@link Task} shares: shuffled, seeded {@link Batches} of a training
 * set, throughput in samples, and the batch position as checkpoint state (so a resumed run sees
 * exactly the batches an uninterrupted one would).
 */
public abstract class BatchedTask implements Task {
  protected final Batches batches;

  protected BatchedTask(Dataset train, int batchSize, long seed) {
    if (batchSize < 1) throw new IllegalArgumentException("batch (" + batchSize + ") must be >= 1");
    this.batches = new Batches(train, batchSize, true, new Rng(seed));
  }

  @Override
  public int unitsPerStep() {
    return batches.batchSize();
  }

  @Override
  public String unit() {
    return "samples";
  }

  @Override
  public long stepsPerEpoch() {
    return batches.batchesPerEpoch();
  }

  @Override
  public Map<String, String> saveState() {
    Batches.State s = batches.state();
    Map<String, String> m = new LinkedHashMap<>();
    m.put("batches.epoch", Integer.toString(s.epoch()));
    m.put("batches.position", Integer.toString(s.position()));
    m.put("batches.rng", Long.toString(s.rngState()));
    return m;
  }

  @Override
  public void loadState(Map<String, String> st, String source) {
    try {
      batches.restore(new Batches.State(Integer.parseInt(st.get("batches.epoch")),
          Integer.parseInt(st.get("batches.position")), Long.parseLong(st.get("batches.rng"))));
    } catch (RuntimeException e) {
      throw new BadInputException(source + ": batch position in the checkpoint is missing or invalid (" + e.getMessage() + ")", e);
    }
  }
}
