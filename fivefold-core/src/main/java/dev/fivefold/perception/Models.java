package dev.fivefold.perception;

import dev.fivefold.io.BadInputException;
import dev.fivefold.io.Finite;
import dev.fivefold.io.Heap;
import dev.fivefold.io.InputFiles;
import dev.fivefold.io.SafeTensors;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The registry of model families: a spec string names an architecture, so a checkpoint says what
 * it holds. The family name before the first colon picks the parser, which reads the rest:
 * {@code mlp} (LeNet-300-100), {@code mlp:784-512-10:tanh} ({@link Mlp.Spec}), {@code lenet5},
 * {@code lenet5:6-16-100} ({@link LeNet5.Spec}: conv1 channels, conv2 channels, fc1 width),
 * {@code gpt:vocab=V,context=T,layers=L,heads=H,width=C[,dropout=p]} ({@link GptConfig}),
 * {@code vit:…} ({@link Vit.Spec}), {@code resnet:width=W,blocks=B,stages=S} ({@link ResNet.Spec}),
 * {@code lenet5:norm=lrn|bn} ({@link LeNet5.Spec}), {@code lstm:vocab=V,context=T,layers=L,width=H} and
 * {@code gru:…} ({@link RecurrentLm.Spec}).
 *
 * <p>A new family is one file (the model, implementing {@link ImageClassifier} or
 * {@link LanguageModel}, with its spec record) and one line in {@link #FAMILIES}.
 */
public final class Models {
  private Models() {}

  /** A family's parser: the whole spec (for messages) and what follows its first colon (null if nothing). */
  @FunctionalInterface
  public interface Parser {
    /**
     * Parses one family's spec.
     *
     * @param spec the whole spec string, for messages
     * @param args what follows the first colon, or null
     * @return the architecture
     * @throws IllegalArgumentException if the arguments do not parse
     */
    ModelSpec parse(String spec, String args);
  }

  private static final Map<String, Parser> FAMILIES = new LinkedHashMap<>();

  static {
    FAMILIES.put("mlp", Mlp.Spec::parse);
    FAMILIES.put("lenet300100", Mlp.Spec::parse);
    FAMILIES.put("lenet5", LeNet5.Spec::parse);
    FAMILIES.put("gpt", GptConfig::parse);
    FAMILIES.put("vit", Vit.Spec::parse);
    FAMILIES.put("resnet", ResNet.Spec::parse);
    FAMILIES.put("lstm", (spec, args) -> RecurrentLm.Spec.parse("lstm", spec, args));
    FAMILIES.put("gru", (spec, args) -> RecurrentLm.Spec.parse("gru", spec, args));
  }

  /**
   * The architecture a spec string names.
   *
   * @param spec a spec string such as {@code mlp}, {@code lenet5:20-50-500} or {@code gpt:vocab=75}
   * @return the architecture
   * @throws IllegalArgumentException if {@code spec} is null, names no known family, or its arguments do not
   *     parse
   */
  public static ModelSpec parse(String spec) {
    if (spec == null) throw new IllegalArgumentException("model spec must not be null");
    String[] parts = spec.split(":", 2);
    Parser p = FAMILIES.get(parts[0]);
    if (p == null) throw new IllegalArgumentException("model (" + spec + ") must name a family: one of " + String.join(", ", FAMILIES.keySet()) + ", e.g. mlp:784-300-100-10, lenet5:6-16-100, vit:patch=4,width=64");
    return p.parse(spec, parts.length > 1 ? parts[1] : null);
  }

  /**
   * A fresh model of the architecture {@code spec} names, weights from {@code seed}.
   *
   * @param spec a spec string
   * @param seed the weights' seed
   * @return a new model
   * @throws IllegalArgumentException if the spec does not parse
   */
  public static Module create(String spec, long seed) {
    return parse(spec).build(seed);
  }

  /**
   * The spec string that {@link #create} turns back into this architecture.
   *
   * @param m a model of one of the families
   * @return its spec string
   * @throws IllegalArgumentException if {@code m} is not a {@link Model}
   */
  public static String specOf(Module m) {
    if (m instanceof Model fm) return fm.spec().toString();
    throw new IllegalArgumentException("no spec for " + m.getClass().getSimpleName());
  }

  /**
   * Reads a model from {@code file}: a checkpoint (its tensors {@code model.*}) or a plain weights
   * file, the architecture from the {@code model} metadata or {@code specOverride} if not null.
   * Refuses a file that is not a regular file before opening it, a model that would not fit the
   * heap before building it ({@link #requireFits}), and weights with NaN or ±inf naming the tensor
   * and index ({@link Finite#require}) unless {@code allowNonFinite}.
   *
   * @throws NoSuchFileException if the file is missing
   * @throws BadInputException naming the file for a directory, a missing spec, or tensors that do not fit
   * @param file the checkpoint or weights file
   * @param specOverride the architecture to build, or null for the file's
   * @param allowNonFinite whether to accept NaN and infinite weights
   * @return the file, the model with its weights, the spec and the metadata
   * @throws IOException if the file cannot be read
   */
  public static LoadedModel load(Path file, String specOverride, boolean allowNonFinite) throws IOException {
    if (!Files.exists(file)) throw new NoSuchFileException(file.toString());
    if (Files.isDirectory(file)) throw new BadInputException(file + ": is a directory, not a checkpoint file");
    InputFiles.requireRegular(file, "checkpoint");
    SafeTensors.Contents c = SafeTensors.read(file);
    if (!allowNonFinite) Finite.require(c.tensors(), file.toString());
    String spec = specOverride != null ? specOverride : c.metadata().get("model");
    if (spec == null) {
      throw new BadInputException(file + ": no model spec in the metadata (plain weights?); pass --model SPEC, e.g. --model mlp");
    }
    ModelSpec s = parse(spec);
    requireFits(s, 0, file + ": model " + spec);
    Module m = s.build(0);
    m.loadStateDict(weights(c), file.toString());
    return new LoadedModel(file, m, spec, c.metadata());
  }

  /**
   * The model weights of a file under the model's own names: a checkpoint's "model."-prefixed
   * tensors without the prefix (its optimizer state and kept copies left out), or every tensor of a
   * plain weights file (e.g. exported from PyTorch).
   *
   * @param c the file's contents
   * @return the weight tensors by parameter name, in file order
   */
  public static Map<String, Tensor> weights(SafeTensors.Contents c) {
    Map<String, Tensor> w = new LinkedHashMap<>();
    boolean checkpoint = c.tensors().keySet().stream().anyMatch(k -> k.startsWith("model."));
    for (var e : c.tensors().entrySet()) {
      if (!checkpoint) w.put(e.getKey(), e.getValue());
      else if (e.getKey().startsWith("model.")) w.put(e.getKey().substring(6), e.getValue());
    }
    return w;
  }

  /**
   * {@link #load(Path, String, boolean)} refusing non-finite weights.
   *
   * @param file the checkpoint or weights file
   * @param specOverride the architecture to build, or null for the file's
   * @return the file, the model with its weights, the spec and the metadata
   * @throws IOException if the file is missing or cannot be read
   */
  public static LoadedModel load(Path file, String specOverride) throws IOException {
    return load(file, specOverride, false);
  }

  /**
   * Refuses, before anything is allocated, a model whose memory does not fit the heap
   * ({@link Heap#require}): to train ({@code batch} &gt; 0) its parameters × 16 bytes (value,
   * gradient, two optimizer slots) plus a batch's activations; to load ({@code batch} 0) its
   * parameters and one sample's activations as float32. {@code what} names it in the message.
   *
   * @param s the architecture
   * @param batch the training batch size, or 0 to check loading only
   * @param what names the model in the message
   */
  public static void requireFits(ModelSpec s, long batch, String what) {
    if (batch > 0) {
      long bytes = Heap.plus(Heap.times(s.parameters(), 16), Heap.times(s.activationsPerSample(), batch, 4));
      Heap.require(bytes, what + ": " + s.parameters() + " parameters and a batch of " + batch + " to train");
    } else {
      Heap.require(Heap.times(Heap.plus(s.parameters(), s.activationsPerSample()), 4), what + ": " + s.parameters() + " parameters");
    }
  }

  /**
   * {@link #load(Path, String)} with the spec from the file.
   *
   * @param file the checkpoint or weights file
   * @return the file, the model with its weights, the spec and the metadata
   * @throws IOException if the file is missing or cannot be read
   */
  public static LoadedModel load(Path file) throws IOException {
    return load(file, null);
  }
}
