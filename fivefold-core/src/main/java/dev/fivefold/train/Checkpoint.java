package dev.fivefold.train;

import dev.fivefold.io.BadInputException;
import dev.fivefold.io.SafeTensors;
import dev.fivefold.nn.Module;
import dev.fivefold.nn.Parameter;
import dev.fivefold.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A resumable snapshot in one safetensors file: the model's parameters ("model.&lt;name&gt;"), the
 * optimizer's state ("optim.…"), and in the metadata the step, training seconds, the task's data
 * position and random state, the model spec and anything the caller adds. Written to a temporary
 * name and moved into place. Resuming gives bit-identical training to an uninterrupted run.
 *
 * <p>The same file is a plain weights file for {@code fivefold eval}/{@code sample}: the
 * "model." tensors are the model, and {@link #loadModel} reads only those.
 */
public final class Checkpoint {
  private Checkpoint() {}

  public static void save(Path file, Trainer trainer, Map<String, String> extraMeta) throws IOException {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (var e : trainer.task().model().namedParameters().entrySet()) tensors.put("model." + e.getKey(), e.getValue().value());
    Map<String, String> meta = new LinkedHashMap<>(extraMeta);
    trainer.optimizer().saveState(tensors, meta);
    meta.put("format", "fivefold-checkpoint-1");
    meta.put("step", Long.toString(trainer.step()));
    meta.put("seconds", Double.toString(trainer.seconds()));
    for (var e : trainer.task().saveState().entrySet()) meta.put("task." + e.getKey(), e.getValue());
    SafeTensors.write(file, tensors, meta);
  }

  /** Restores model, optimizer, data position and step into {@code trainer}. */
  public static void restore(Path file, Trainer trainer) throws IOException {
    SafeTensors.Contents c = SafeTensors.read(file);
    String src = file.toString();
    loadModel(c, trainer.task().model(), src);
    trainer.optimizer().loadState(c.tensors(), c.metadata(), src);
    Map<String, String> task = new LinkedHashMap<>();
    for (var e : c.metadata().entrySet()) if (e.getKey().startsWith("task.")) task.put(e.getKey().substring(5), e.getValue());
    trainer.task().loadState(task, src);
    try {
      trainer.restore(Long.parseLong(c.metadata().get("step")), Double.parseDouble(c.metadata().getOrDefault("seconds", "0")));
    } catch (RuntimeException e) {
      throw new BadInputException(src + ": field 'step' (" + c.metadata().get("step") + ") is missing or not a number");
    }
    trainer.task().model().zeroGrad();
  }

  /**
   * Loads model weights from a checkpoint ("model."-prefixed tensors) or a plain safetensors
   * weights file (names as the model's, e.g. exported from PyTorch).
   */
  public static void loadModel(SafeTensors.Contents c, Module model, String source) {
    Map<String, Tensor> w = new LinkedHashMap<>();
    boolean prefixed = c.tensors().keySet().stream().anyMatch(k -> k.startsWith("model."));
    for (var e : c.tensors().entrySet()) {
      if (prefixed) {
        if (e.getKey().startsWith("model.")) w.put(e.getKey().substring(6), e.getValue());
      } else {
        w.put(e.getKey(), e.getValue());
      }
    }
    model.loadStateDict(w, source);
  }

  /** Writes just the weights under their plain names (for PyTorch: {@code safetensors.torch.load_file}). */
  public static void saveWeights(Path file, Module model, Map<String, String> meta) throws IOException {
    Map<String, Tensor> w = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) w.put(e.getKey(), e.getValue().value());
    SafeTensors.write(file, w, meta);
  }
}
