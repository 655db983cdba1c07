package dev.fivefold.compress.archive;

import dev.fivefold.compress.QuantizedTensor;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an {@code .ffz} archive holds: the model spec string (how to rebuild the network), free-form
 * metadata, the quantized weight tensors, the raw float tensors and the tensors stored as
 * compressed-sensing measurements (format 4), each in order. Names are unique across the three
 * lists. The lists and map are copied and unmodifiable.
 *
 * @param spec the model spec, e.g. {@code "mlp 784-300-100-10"}; may be empty
 * @param metadata string pairs, e.g. the training run; iteration order is kept
 * @param quantized pruned and quantized tensors
 * @param raw tensors stored as float32, e.g. biases
 * @param sensed tensors stored as compressed-sensing measurements (empty before format 4)
 */
public record FfzModel(String spec, Map<String, String> metadata, List<QuantizedTensor> quantized, List<RawTensor> raw, List<SensedTensor> sensed) {
  /**
   * Copies the lists and the map and checks that the names are unique.
   *
   * @throws IllegalArgumentException if a tensor name is used twice
   */
  public FfzModel {
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    quantized = List.copyOf(quantized);
    raw = List.copyOf(raw);
    sensed = List.copyOf(sensed);
    Set<String> names = new HashSet<>();
    for (QuantizedTensor q : quantized) if (!names.add(q.name())) throw new IllegalArgumentException("tensor name (" + q.name() + ") is used twice");
    for (RawTensor r : raw) if (!names.add(r.name())) throw new IllegalArgumentException("tensor name (" + r.name() + ") is used twice");
    for (SensedTensor t : sensed) if (!names.add(t.name())) throw new IllegalArgumentException("tensor name (" + t.name() + ") is used twice");
  }

  /**
   * A model without sensed tensors (what formats 1 to 3 hold).
   *
   * @param spec the model spec
   * @param metadata string pairs
   * @param quantized pruned and quantized tensors
   * @param raw tensors stored as float32
   */
  public FfzModel(String spec, Map<String, String> metadata, List<QuantizedTensor> quantized, List<RawTensor> raw) {
    this(spec, metadata, quantized, raw, List.of());
  }
}
