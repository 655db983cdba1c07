package dev.fivefold.compress.archive;

import dev.fivefold.compress.QuantizedTensor;
import dev.fivefold.tensor.Rng;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Random models for the archive tests. */
final class Models {
  private Models() {}

  /**
   * A random tensor: each position kept with probability {@code density}, a codebook of
   * {@code min(2^bits, 64)} distinct Gaussian values (all 2^bits for bits <= 6), codes skewed
   * toward small indices so the entropy coders have something to do.
   */
  static QuantizedTensor tensor(Rng rng, String name, int[] shape, double density, int bits) {
    int size = 1;
    for (int d : shape) size *= d;
    int k = Math.min(1 << bits, 64);
    float[] codebook = new float[k];
    for (int i = 0; i < k; i++) codebook[i] = (float) rng.nextGaussian() * 0.1f + i * 1e-3f;
    int[] pos = new int[size];
    int n = 0;
    for (int i = 0; i < size; i++) if (density >= 1 || rng.nextDouble() < density) pos[n++] = i;
    int[] codes = new int[n];
    for (int i = 0; i < n; i++) codes[i] = Math.min(k - 1, (int) Math.abs(rng.nextGaussian() * k / 4));
    return new QuantizedTensor(name, shape, bits, codebook, java.util.Arrays.copyOf(pos, n), codes);
  }

  static RawTensor raw(Rng rng, String name, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) rng.nextGaussian();
    return new RawTensor(name, new int[] {n}, v);
  }

  /** A small two-layer model: 40x50 at {@code density}, 10x40 dense, two biases. */
  static FfzModel small(long seed, double density, int bits) {
    Rng rng = new Rng(seed);
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("seed", Long.toString(seed));
    meta.put("note", "ünïcødé \"quoted\"");
    return new FfzModel("mlp 50-40-10", meta,
        List.of(tensor(rng, "fc1.weight", new int[] {40, 50}, density, bits), tensor(rng, "fc2.weight", new int[] {10, 40}, 1.0, bits)),
        List.of(raw(rng, "fc1.bias", 40), raw(rng, "fc2.bias", 10)));
  }

  /** LeNet-300-100 sized: 300x784, 100x300, 10x100 at {@code density}, {@code bits}, with biases. */
  static FfzModel lenet300(long seed, double density, int bits) {
    Rng rng = new Rng(seed);
    List<QuantizedTensor> q = new ArrayList<>();
    List<RawTensor> r = new ArrayList<>();
    int[][] shapes = {{300, 784}, {100, 300}, {10, 100}};
    for (int i = 0; i < shapes.length; i++) {
      q.add(tensor(rng, "fc" + (i + 1) + ".weight", shapes[i], density, bits));
      r.add(raw(rng, "fc" + (i + 1) + ".bias", shapes[i][0]));
    }
    return new FfzModel("mlp 784-300-100-10", Map.of("pruned", Double.toString(density)), q, r);
  }
}
