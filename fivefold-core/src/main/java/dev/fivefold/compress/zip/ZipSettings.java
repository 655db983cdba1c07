package dev.fivefold.compress.zip;

/**
 * What a {@code .ffx} archive was coded with: the decoder rebuilds the same predictor from it, so
 * every field is stored in the {@link Header}.
 *
 * <p>Defaults ({@link #defaults()}): the context models on and the network off (on the KJV it costs
 * 20x the time and does not pay), 1 segment, context tables of 2^(24+2) bytes per model (64 MiB
 * each, 22 models); for the network when it is switched on, a GPT of 2 layers, 4 heads, width 64
 * and context 32 (135k parameters), Adam at lr 0.005, seed 1.
 *
 * @param network whether the GPT predicts (online, or the static checkpoint)
 * @param context whether the count-based context models (orders 1–16, word, sparse, indirect and
 *     line contexts, two match models) predict; with both off only an order-0 model is left
 * @param segments B, the interleaved segments (1–256): the file is cut into B equal parts coded
 *     one byte of each per round, so the network trains on B rows per step
 * @param layers GPT blocks (1–32)
 * @param heads attention heads (divide width)
 * @param width GPT embedding width (8–2048)
 * @param window GPT context T (2–2048); a training step every T/2 rounds
 * @param lr Adam learning rate of online training (&gt; 0; ignored by a static model)
 * @param seed the GPT's initialisation seed
 * @param tableBits log2 of each context model's table size in 4-byte units (12–28): 2^(bits+2) bit-history bytes
 */
public record ZipSettings(boolean network, boolean context, int segments, int layers, int heads, int width, int window,
    float lr, long seed, int tableBits) {
  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException if a size is outside its range, {@code heads} does not divide
   *     {@code width}, or {@code lr} is not finite and &gt; 0
   */
  public ZipSettings {
    if (segments < 1 || segments > 256) throw new IllegalArgumentException("segments (" + segments + ") must be in [1, 256]");
    if (layers < 1 || layers > 32) throw new IllegalArgumentException("layers (" + layers + ") must be in [1, 32]");
    if (width < 8 || width > 2048) throw new IllegalArgumentException("width (" + width + ") must be in [8, 2048]");
    if (heads < 1 || width % heads != 0) throw new IllegalArgumentException("heads (" + heads + ") must divide width (" + width + ")");
    if (window < 2 || window > 2048) throw new IllegalArgumentException("window (" + window + ") must be in [2, 2048]");
    if (!(lr > 0) || Float.isInfinite(lr)) throw new IllegalArgumentException("lr (" + lr + ") must be > 0");
    if (tableBits < 12 || tableBits > 28) throw new IllegalArgumentException("tableBits (" + tableBits + ") must be in [12, 28]");
  }

  /**
   * The defaults listed above.
   *
   * @return the default settings
   */
  public static ZipSettings defaults() {
    return new ZipSettings(false, true, 1, 2, 4, 64, 32, 0.005f, 1, 24);
  }

  /**
   * These settings with the network on or off.
   *
   * @param on whether the GPT predicts
   * @return the new settings
   */
  public ZipSettings withNetwork(boolean on) {
    return new ZipSettings(on, context, segments, layers, heads, width, window, lr, seed, tableBits);
  }

  /**
   * These settings with the context models on or off.
   *
   * @param on whether the context models predict
   * @return the new settings
   */
  public ZipSettings withContext(boolean on) {
    return new ZipSettings(network, on, segments, layers, heads, width, window, lr, seed, tableBits);
  }

  /**
   * These settings with another segment count.
   *
   * @param b B, in 1–256
   * @return the new settings
   */
  public ZipSettings withSegments(int b) {
    return new ZipSettings(network, context, b, layers, heads, width, window, lr, seed, tableBits);
  }

  /**
   * These settings with another GPT shape.
   *
   * @param layers GPT blocks, 1–32
   * @param heads attention heads, dividing {@code width}
   * @param width embedding width, 8–2048
   * @param window context T, 2–2048
   * @return the new settings
   */
  public ZipSettings withModel(int layers, int heads, int width, int window) {
    return new ZipSettings(network, context, segments, layers, heads, width, window, lr, seed, tableBits);
  }

  /**
   * These settings with another learning rate.
   *
   * @param lr the Adam learning rate, &gt; 0
   * @return the new settings
   */
  public ZipSettings withLr(float lr) {
    return new ZipSettings(network, context, segments, layers, heads, width, window, lr, seed, tableBits);
  }

  /**
   * These settings with another initialisation seed.
   *
   * @param seed the GPT's seed
   * @return the new settings
   */
  public ZipSettings withSeed(long seed) {
    return new ZipSettings(network, context, segments, layers, heads, width, window, lr, seed, tableBits);
  }

  /**
   * These settings with another context table size.
   *
   * @param bits log2 of each table's size in 4-byte units, 12–28
   * @return the new settings
   */
  public ZipSettings withTableBits(int bits) {
    return new ZipSettings(network, context, segments, layers, heads, width, window, lr, seed, bits);
  }

  /**
   * One line: the parts that are on and their sizes.
   *
   * @return the description
   */
  public String describe() {
    String net = network ? "gpt L" + layers + " H" + heads + " C" + width + " T" + window + " lr " + lr : "no network";
    return net + ", " + (context ? "context models 2^" + tableBits : "no context models") + ", " + segments + " segments";
  }
}
