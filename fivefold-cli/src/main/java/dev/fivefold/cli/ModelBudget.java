package dev.fivefold.cli;

import dev.fivefold.io.Heap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Memory a model spec needs, estimated from the spec string before the model is built, so that
 * {@code --layers 100000} or {@code --context 100000000} is refused with a message naming the size
 * instead of running out of heap ({@link Heap#require}). The estimate is deliberately simple:
 * parameters × 16 bytes for training (value, gradient, two optimizer slots; × 4 for inference), plus
 * the activations a batch keeps for the backward pass (float32, three copies per layer output; for
 * a GPT also the B·H·T² attention scores and probabilities per layer and the B·T·V logits). It errs
 * low rather than high, so it refuses only what certainly cannot fit. Specs it cannot parse are left
 * to {@code Models.create}, which reports them.
 */
final class ModelBudget {
  private ModelBudget() {}

  /** Parameters and activation floats per sample of a spec; null if the spec is not understood. */
  record Estimate(long parameters, long activationsPerSample) {}

  static Estimate estimate(String spec) {
    String[] parts = spec.split(":", 2);
    try {
      switch (parts[0]) {
        case "mlp", "lenet300100" -> {
          if (parts.length == 1) return new Estimate(266_610, 1200);
          String[] s = parts[1].split(":")[0].split("-");
          long params = 0, acts = 0;
          for (int i = 0; i < s.length; i++) {
            long w = Long.parseLong(s[i].strip());
            if (w < 0) return null;
            acts = Heap.plus(acts, Heap.times(3, w));
            if (i > 0) params = Heap.plus(params, Heap.times(Long.parseLong(s[i - 1].strip()) + 1, w));
          }
          return new Estimate(params, acts);
        }
        case "lenet5" -> {
          long c1 = 6, c2 = 16, h = 120;
          if (parts.length > 1) {
            String[] w = parts[1].split("-");
            if (w.length != 3) return null;
            c1 = Long.parseLong(w[0].strip());
            c2 = Long.parseLong(w[1].strip());
            h = Long.parseLong(w[2].strip());
            if (c1 < 0 || c2 < 0 || h < 0) return null;
          }
          long params = Heap.plus(Heap.plus(Heap.times(26, c1), Heap.times(25, c1, c2)), Heap.plus(Heap.times(25, c2, h), Heap.times(h, 95)));
          long acts = Heap.plus(Heap.times(3 * 784, c1), Heap.plus(Heap.times(3 * 100, c2), Heap.times(3, h)));
          return new Estimate(params, acts);
        }
        case "gpt" -> {
          Map<String, Long> kv = new LinkedHashMap<>();
          if (parts.length > 1) {
            for (String p : parts[1].split(",")) {
              String[] e = p.split("=", 2);
              if (e.length == 2 && !e[0].strip().equals("dropout")) kv.put(e[0].strip(), Long.parseLong(e[1].strip()));
            }
          }
          long v = kv.getOrDefault("vocab", 256L), t = kv.getOrDefault("context", 128L), l = kv.getOrDefault("layers", 4L);
          long h = kv.getOrDefault("heads", 4L), c = kv.getOrDefault("width", 128L);
          if (v < 0 || t < 0 || l < 0 || h < 0 || c < 0) return null;
          // (V + T)·C embeddings + L·(12C² + 13C) blocks + C·V head
          long params = Heap.plus(Heap.times(v + t, c), Heap.plus(Heap.times(l, Heap.plus(Heap.times(12, c, c), Heap.times(13, c))), Heap.times(c, v)));
          // per sequence: L·(16·T·C + 2·H·T²) + 3·T·V
          long acts = Heap.plus(Heap.times(l, Heap.plus(Heap.times(16, t, c), Heap.times(2, h, t, t))), Heap.times(3, t, v));
          return new Estimate(params, acts);
        }
        default -> {
          return null;
        }
      }
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Refuses a model whose parameters (× 16 bytes) and a batch's activations do not fit the heap. */
  static void forTraining(String spec, long batch, String what) {
    Estimate e = estimate(spec);
    if (e == null) return;
    long bytes = Heap.plus(Heap.times(e.parameters(), 16), Heap.times(e.activationsPerSample(), batch, 4));
    Heap.require(bytes, what + ": " + e.parameters() + " parameters and a batch of " + batch + " to train");
  }

  /** Refuses a model whose parameters (float32) and one sample's activations do not fit the heap. */
  static void forLoading(String spec, String what) {
    Estimate e = estimate(spec);
    if (e == null) return;
    Heap.require(Heap.times(Heap.plus(e.parameters(), e.activationsPerSample()), 4), what + ": " + e.parameters() + " parameters");
  }
}
