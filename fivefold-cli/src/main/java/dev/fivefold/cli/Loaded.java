package dev.fivefold.cli;

import dev.fivefold.data.TextCorpus;
import dev.fivefold.io.BadInputException;
import dev.fivefold.io.SafeTensors;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.Mlp;
import dev.fivefold.perception.Models;
import dev.fivefold.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/** A model rebuilt from a checkpoint (or plain weights plus a spec). */
record Loaded(Path file, Module model, String spec, Map<String, String> meta) {
  static Loaded read(Path file, String specOverride) throws IOException {
    if (!Files.exists(file)) throw new NoSuchFileException(file.toString());
    if (Files.isDirectory(file)) throw new BadInputException(file + ": is a directory, not a checkpoint file");
    SafeTensors.Contents c = SafeTensors.read(file);
    String spec = specOverride != null ? specOverride : c.metadata().get("model");
    if (spec == null) {
      throw new BadInputException(file + ": no model spec in the metadata (plain weights?); pass --model SPEC, e.g. --model mlp");
    }
    Module m = Models.create(spec, 0);
    Checkpoint.loadModel(c, m, file.toString());
    return new Loaded(file, m, spec, c.metadata());
  }

  /** The MLP in {@code file}, checked to take {@code features} inputs and to have a hidden layer. */
  static Mlp mlp(Path file, int features) throws IOException {
    return mlp(read(file, null), features);
  }

  /** The MLP of an already read checkpoint, checked as {@link #mlp(Path, int)} does. */
  static Mlp mlp(Loaded l, int features) {
    Path file = l.file();
    if (!(l.model() instanceof Mlp m)) throw new BadInputException(file + ": model (" + l.spec() + ") is not an mlp");
    if (m.sizes()[0] != features) {
      throw new BadInputException(file + ": model input (" + m.sizes()[0] + ") does not match the images (" + features + ")");
    }
    if (m.sizes().length < 3) throw new BadInputException(file + ": model (" + l.spec() + ") has no hidden layer");
    return m;
  }

  /** The vocabulary stored with a GPT. */
  TextCorpus.Vocab vocab() {
    String hex = meta.get("vocab");
    if (hex == null) throw new BadInputException(file + ": no 'vocab' in the metadata; a GPT checkpoint written by fivefold train has one");
    TextCorpus.Vocab v = TextCorpus.Vocab.fromMetadata(hex);
    if (model instanceof Gpt g && v.size() > g.config().vocab()) {
      throw new BadInputException(file + ": vocabulary (" + v.size() + " symbols) is larger than the model's (" + g.config().vocab() + ")");
    }
    return v;
  }

  Gpt gpt() {
    if (!(model instanceof Gpt g)) throw new BadInputException(file + ": model (" + spec + ") is not a gpt");
    return g;
  }
}
