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
 * metadata, the quantized weight tensors and the raw float tensors, each in order. Names are unique
 * across both lists. The lists and map are copied and unmodifiable.
 *
 * @param spec the model spec, e.g. {@code "mlp 784-300-100-10"}; may be empty
 * @param metadata string pairs, e.g. the training run; iteration order is kept
 * @param quantized pruned and quantized tensors
 * @param raw tensors stored as float32, e.g. biases
 */
public record FfzModel(String spec, Map<String, String> metadata, List<QuantizedTensor> quantized, List<RawTensor> raw) {
  public FfzModel {
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    quantized = List.copyOf(quantized);
    raw = List.copyOf(raw);
    Set<String> names = new HashSet<>();
    for (QuantizedTensor q : quantized) if (!names.add(q.name())) throw new IllegalArgumentException("tensor name (" + q.name() + ") is used twice");
    for (RawTensor r : raw) if (!names.add(r.name())) throw new IllegalArgumentException("tensor name (" + r.name() + ") is used twice");
  }
}
