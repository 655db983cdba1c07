package dev.fivefold.train;

import dev.fivefold.io.BadInputException;
import dev.fivefold.io.SafeTensors;
import dev.fivefold.nn.Module;
import dev.fivefold.nn.Parameter;
import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link TrainState} in one safetensors file: the model's parameters and buffers ("model.&lt;name&gt;"), the
 * optimizer's state ("optim.…"), and in the metadata the step, training seconds, the task's data
 * position and random state, the controller's state, the smoothed loss and the other sensors, the
 * guard's state and kept copies, the model spec and anything the caller adds (format
 * {@value #FORMAT}). Written to a temporary name and moved into place. Resuming gives training
 * bit-identical to an uninterrupted run, controllers included.
 *
 * <p>The same file is a plain weights file for {@code fivefold eval}/{@code sample}: the
 * "model." tensors are the model, and {@link #loadModel} reads only those.
 */
public final class Checkpoint {
  private Checkpoint() {}

  /** Format of the files written now; files of format fivefold-checkpoint-1 (no controller, sensors, guard) still load. */
  public static final String FORMAT = "fivefold-checkpoint-2";

  /**
   * Writes {@code trainer.state()} and {@code extraMeta} to {@code file} (atomically).
   *
   * @param file the checkpoint to write
   * @param trainer the trainer whose state is saved
   * @param extraMeta more metadata, e.g. the model spec (the state's fields win on a clash)
   * @throws IOException if the file cannot be written
   */
  public static void save(Path file, Trainer trainer, Map<String, String> extraMeta) throws IOException {
    write(file, trainer.state(), extraMeta);
  }

  /**
   * Writes {@code state} and {@code extraMeta} to {@code file}: a temporary name, then a move.
   *
   * @param file the checkpoint to write
   * @param state the state
   * @param extraMeta more metadata (the state's fields win on a clash)
   * @throws IOException if the file cannot be written
   */
  public static void write(Path file, TrainState state, Map<String, String> extraMeta) throws IOException {
    Map<String, String> meta = new LinkedHashMap<>(extraMeta);
    meta.putAll(state.meta());
    meta.put("format", FORMAT);
    meta.put("step", Long.toString(state.step()));
    meta.put("seconds", Double.toString(state.seconds()));
    SafeTensors.write(file, state.tensors(), meta);
  }

  /**
   * Reads a checkpoint as a {@link TrainState} (the metadata, extra fields included, in its meta).
   *
   * @param file the checkpoint
   * @return the state
   * @throws IOException if the file cannot be read
   * @throws BadInputException if the file is not a safetensors file or its step is missing or invalid
   */
  public static TrainState read(Path file) throws IOException {
    SafeTensors.Contents c = SafeTensors.read(file);
    String src = file.toString();
    long step;
    double seconds;
    try {
      step = Long.parseLong(c.metadata().get("step"));
      seconds = Double.parseDouble(c.metadata().getOrDefault("seconds", "0"));
    } catch (RuntimeException e) {
      throw new BadInputException(src + ": field 'step' (" + c.metadata().get("step") + ") is missing or not a number");
    }
    if (step < 0) throw new BadInputException(src + ": field 'step' (" + step + ") must be >= 0");
    return new TrainState(step, seconds, c.tensors(), c.metadata());
  }

  /**
   * Restores the whole state into {@code trainer} (its controller and guard set first): model,
   * optimizer, data position, step, time, controller, sensors, lr scale, guard, kept copies.
   *
   * @param file the checkpoint
   * @param trainer the trainer to restore into
   * @throws IOException if the file cannot be read
   * @throws BadInputException if the file or a state field is invalid
   */
  public static void restore(Path file, Trainer trainer) throws IOException {
    try {
      trainer.load(read(file), file.toString());
    } catch (IllegalArgumentException e) { // a state field that does not parse: bad input, named
      throw new BadInputException(e.getMessage(), e);
    }
  }

  /**
   * Loads model weights from a checkpoint ("model."-prefixed tensors) or a plain safetensors
   * weights file (names as the model's, e.g. exported from PyTorch): {@link Models#weights}.
   *
   * @param c the file's contents
   * @param model the model to load into
   * @param source names the file in messages
   * @throws BadInputException if a tensor is missing, extra, or of another shape
   */
  public static void loadModel(SafeTensors.Contents c, Module model, String source) {
    model.loadStateDict(Models.weights(c), source);
  }

  /**
   * Writes just the weights under their plain names (for PyTorch: {@code safetensors.torch.load_file}).
   *
   * @param file the weights file to write
   * @param model the model whose parameters and buffers are written
   * @param meta the file's metadata
   * @throws IOException if the file cannot be written
   */
  public static void saveWeights(Path file, Module model, Map<String, String> meta) throws IOException {
    Map<String, Tensor> w = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) w.put(e.getKey(), e.getValue().value());
    w.putAll(model.namedBuffers()); // running statistics, as in PyTorch's state_dict
    SafeTensors.write(file, w, meta);
  }
}
