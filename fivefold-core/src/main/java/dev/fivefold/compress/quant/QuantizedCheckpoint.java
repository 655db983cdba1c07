package dev.fivefold.compress.quant;

import dev.fivefold.io.BadInputException;
import dev.fivefold.io.SafeTensors;
import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.GptConfig;
import dev.fivefold.perception.LoadedModel;
import dev.fivefold.perception.ModelSpec;
import dev.fivefold.perception.Models;
import dev.fivefold.perception.generate.Decoder;
import dev.fivefold.perception.generate.RowLinear;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A model with some weights quantized ({@link QuantizedMatrix}), as a safetensors file other tools
 * can read.
 *
 * <p>File layout. Metadata: the source checkpoint's (model spec, vocabulary, data, …; not its
 * training step), plus {@value #KEY} = the {@link QuantConfig} string, and for every quantized
 * weight W, {@code quantization.W} = "bits=B,scheme=symmetric|affine,granularity=tensor|group,group=G,shape=d0xd1[x…]".
 * Tensors (names with the checkpoint's "model." prefix):
 * <ul>
 *   <li>every weight left in float: {@code model.W}, F32;</li>
 *   <li>{@code model.W.qweight}: int8 symmetric → I8 [rows, cols], q ∈ [−127, 127]; int8 affine →
 *       U8 [rows, cols], u ∈ [0, 255]; int4 → U8 [rows, cols/2], two codes per byte: column 2k in
 *       the low nibble, column 2k+1 in the high nibble, each the unsigned value n ∈ [0, 15] with
 *       q = n − 8 when symmetric (q ∈ [−7, 7]) and u = n when affine;</li>
 *   <li>{@code model.W.scales}: F32 [rows, cols/G] (one per row for per channel, [1, 1] per tensor);</li>
 *   <li>{@code model.W.zeros}: U8, the same shape as the scales (affine only).</li>
 * </ul>
 * Ŵ[r][c] = (u − z)·s of row r's group c / G (z = 0 when symmetric). A weight of rank &gt; 2 (a
 * convolution's [out, in, kh, kw]) is quantized as [d0, d1·…] and reshaped back on load.
 *
 * @param spec the model spec
 * @param metadata the file's metadata (including {@value #KEY})
 * @param floats weights kept in float32, by model name
 * @param quantized quantized weights, by model name (e.g. "h.0.attn.c_attn.weight")
 * @param shapes each quantized weight's original shape
 */
public record QuantizedCheckpoint(String spec, Map<String, String> metadata, Map<String, Tensor> floats, Map<String, QuantizedMatrix> quantized, Map<String, int[]> shapes) {
  /** The metadata key that marks a quantized checkpoint and holds its {@link QuantConfig}. */
  public static final String KEY = "quantization";

  /**
   * Copies the maps (metadata unmodifiable, the others in order).
   *
   * @throws IllegalArgumentException if a quantized tensor has no shape
   */
  public QuantizedCheckpoint {
    metadata = Map.copyOf(metadata);
    floats = new LinkedHashMap<>(floats);
    quantized = new LinkedHashMap<>(quantized);
    shapes = new LinkedHashMap<>(shapes);
    for (String k : quantized.keySet()) if (!shapes.containsKey(k)) throw new IllegalArgumentException("no shape for quantized tensor " + k);
  }

  /**
   * Whether {@code file}'s metadata marks it as quantized (reads only the header).
   *
   * @param file a safetensors file
   * @return true if its metadata holds {@value #KEY}
   * @throws IOException if the header cannot be read
   */
  public static boolean isQuantized(Path file) throws IOException {
    return SafeTensors.metadata(file).containsKey(KEY);
  }

  /**
   * Every weight as float32 under its model name and shape (quantized ones dequantised).
   *
   * @return the state dict, in float32
   */
  public Map<String, Tensor> dequantized() {
    Map<String, Tensor> sd = new LinkedHashMap<>(floats);
    for (var e : quantized.entrySet()) sd.put(e.getKey(), e.getValue().dequantize().reshape(shapes.get(e.getKey())));
    return sd;
  }

  /**
   * The model rebuilt from its spec with the dequantised weights (for evaluation).
   *
   * @param file the file the checkpoint came from, for the result and error messages
   * @return the model with its spec and metadata
   */
  public LoadedModel load(Path file) {
    ModelSpec s = Models.parse(spec);
    Models.requireFits(s, 0, file + ": model " + spec);
    Module m = s.build(0);
    m.loadStateDict(dequantized(), file.toString());
    return new LoadedModel(file, m, spec, metadata);
  }

  /**
   * Bytes of the weights as stored: float32 tensors at 4 bytes, quantized ones by {@link QuantizedMatrix#bytes()}.
   *
   * @return the bytes of all weights
   */
  public long bytes() {
    long b = 0;
    for (Tensor t : floats.values()) b += 4L * t.size();
    for (QuantizedMatrix q : quantized.values()) b += q.bytes();
    return b;
  }

  /**
   * A GPT decoder running the quantized linear maps weight-only ({@link QuantizedMatrix#rowLinear});
   * quantized embeddings are dequantised to float32 rows.
   *
   * @param kvBits the key-value cache: 0 for float32, 8 or 4 for int8 or int4 ({@link Decoder#cache})
   * @return the decoder
   * @throws BadInputException if the model is not a GPT
   */
  public Decoder decoder(int kvBits) {
    if (!(Models.parse(spec) instanceof GptConfig cfg)) throw new BadInputException("model (" + spec + ") is not a gpt; only a GPT generates");
    Map<String, Tensor> sd = dequantizedEmbeddingsAndFloats();
    return new Decoder(cfg, sd::get, name -> {
      QuantizedMatrix q = quantized.get(name + ".weight");
      return q != null ? q.rowLinear(sd.get(name + ".bias")) : RowLinear.dense(sd.get(name + ".weight"), sd.get(name + ".bias"));
    }, Decoder.cache(cfg, kvBits));
  }

  private Map<String, Tensor> dequantizedEmbeddingsAndFloats() {
    Map<String, Tensor> sd = new LinkedHashMap<>(floats);
    for (String e : new String[] {"wte.weight", "wpe.weight"}) if (quantized.containsKey(e)) sd.put(e, quantized.get(e).dequantize());
    return sd;
  }

  // ---- the file -------------------------------------------------------------------------------

  /**
   * Writes the file (atomically: a temporary name moved into place).
   *
   * @param file the destination
   * @throws IOException if the file cannot be written
   */
  public void write(Path file) throws IOException {
    Map<String, Tensor> fl = new TreeMap<>();
    Map<String, SafeTensors.IntTensor> ints = new TreeMap<>();
    Map<String, String> meta = new TreeMap<>(metadata);
    for (var e : floats.entrySet()) fl.put("model." + e.getKey(), e.getValue());
    for (var e : quantized.entrySet()) {
      String n = "model." + e.getKey();
      QuantizedMatrix q = e.getValue();
      int rows = q.rows(), cols = q.cols(), groups = q.groups();
      byte[] data;
      if (q.bits() == 8) {
        data = q.codes().clone();
      } else {
        data = new byte[rows * cols / 2];
        int shift = q.symmetric() ? 8 : 0;
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c += 2) data[(r * cols + c) / 2] = (byte) ((q.code(r, c) + shift) | ((q.code(r, c + 1) + shift) << 4));
      }
      ints.put(n + ".qweight", new SafeTensors.IntTensor(q.bits() == 8 && q.symmetric() ? "I8" : "U8", new int[] {rows, q.bits() == 8 ? cols : cols / 2}, data));
      int sr = q.perTensor() ? 1 : rows, sc = q.perTensor() ? 1 : groups;
      float[] s = new float[sr * sc];
      byte[] z = new byte[sr * sc];
      for (int i = 0; i < s.length; i++) {
        s[i] = q.scales()[i];
        z[i] = (byte) q.zeros()[i];
      }
      fl.put(n + ".scales", Tensor.of(s, sr, sc));
      if (!q.symmetric()) ints.put(n + ".zeros", new SafeTensors.IntTensor("U8", new int[] {sr, sc}, z));
      meta.put(KEY + "." + e.getKey(), describe(q, shapes.get(e.getKey())));
    }
    SafeTensors.write(file, fl, ints, meta);
  }

  private static String describe(QuantizedMatrix q, int[] shape) {
    StringBuilder sh = new StringBuilder();
    for (int d : shape) sh.append(sh.isEmpty() ? "" : "x").append(d);
    return "bits=" + q.bits() + ",scheme=" + (q.symmetric() ? "symmetric" : "affine") + ",granularity=" + (q.perTensor() ? "tensor" : "group")
        + ",group=" + q.groupSize() + ",shape=" + sh;
  }

  /**
   * Reads a file written by {@link #write}; errors name the file and the tensor.
   *
   * @param file the file
   * @return the checkpoint
   * @throws IOException if the file cannot be read
   * @throws BadInputException if the file is not a quantized checkpoint or a tensor is malformed
   */
  public static QuantizedCheckpoint read(Path file) throws IOException {
    SafeTensors.Contents c = SafeTensors.read(file);
    String f = String.valueOf(file.getFileName());
    Map<String, String> meta = c.metadata();
    if (!meta.containsKey(KEY)) throw new BadInputException(f + ": not a quantized checkpoint (no '" + KEY + "' in the metadata)");
    String spec = meta.get("model");
    if (spec == null) throw new BadInputException(f + ": no model spec in the metadata");
    Map<String, Tensor> floats = new LinkedHashMap<>();
    Map<String, QuantizedMatrix> quantized = new LinkedHashMap<>();
    Map<String, int[]> shapes = new LinkedHashMap<>();
    for (var e : meta.entrySet()) {
      if (!e.getKey().startsWith(KEY + ".")) continue;
      String name = e.getKey().substring(KEY.length() + 1);
      try {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : e.getValue().split(",")) {
          String[] p = part.split("=", 2);
          kv.put(p[0], p.length > 1 ? p[1] : "");
        }
        String[] dims = kv.get("shape").split("x");
        int[] shape = new int[dims.length];
        for (int i = 0; i < dims.length; i++) shape[i] = Integer.parseInt(dims[i]);
        int bits = Integer.parseInt(kv.get("bits")), group = Integer.parseInt(kv.get("group"));
        boolean sym = kv.get("scheme").equals("symmetric"), perTensor = kv.get("granularity").equals("tensor");
        int rows = shape[0], cols = 1;
        for (int i = 1; i < shape.length; i++) cols *= shape[i];
        float[] qw = c.get("model." + name + ".qweight").data(), sc = c.get("model." + name + ".scales").data();
        float[] zs = sym ? null : c.get("model." + name + ".zeros").data();
        if (qw.length != (bits == 8 ? rows * cols : rows * cols / 2)) throw new BadInputException(f + ": " + name + ".qweight has " + qw.length + " elements, expected " + (bits == 8 ? rows * cols : rows * cols / 2) + " for shape " + kv.get("shape"));
        byte[] codes = new byte[rows * cols];
        for (int i = 0; i < codes.length; i++) {
          int v = bits == 8 ? (int) qw[i] : (((int) qw[i / 2]) >>> ((i & 1) * 4)) & 0x0F;
          codes[i] = (byte) (bits == 4 && sym ? v - 8 : v);
        }
        int groups = cols / group;
        float[] s = new float[rows * groups];
        int[] z = new int[rows * groups];
        int expect = perTensor ? 1 : rows * groups;
        if (sc.length != expect || (zs != null && zs.length != expect)) throw new BadInputException(f + ": " + name + ".scales has " + sc.length + " elements, expected " + expect);
        for (int i = 0; i < s.length; i++) {
          s[i] = sc[perTensor ? 0 : i];
          z[i] = zs == null ? 0 : (int) zs[perTensor ? 0 : i];
        }
        quantized.put(name, new QuantizedMatrix(rows, cols, bits, sym, perTensor, group, codes, s, z));
        shapes.put(name, shape);
      } catch (RuntimeException ex) {
        if (ex instanceof BadInputException) throw ex;
        throw new BadInputException(f + ": quantized tensor " + name + " (" + e.getValue() + "): " + ex.getMessage());
      }
    }
    for (var e : c.tensors().entrySet()) {
      String k = e.getKey();
      if (!k.startsWith("model.")) continue;
      String n = k.substring(6);
      boolean part = false;
      for (String suffix : new String[] {".qweight", ".scales", ".zeros"}) if (n.endsWith(suffix) && quantized.containsKey(n.substring(0, n.length() - suffix.length()))) part = true;
      if (!part) floats.put(n, e.getValue());
    }
    return new QuantizedCheckpoint(spec, meta, floats, quantized, shapes);
  }

  /**
   * The GPT of this checkpoint as float32 (dequantised), for a Java caller.
   *
   * @param file the file it came from, for messages
   * @return the dequantised GPT
   */
  public Gpt gpt(Path file) {
    return load(file).as(Gpt.class, "gpt");
  }
}
